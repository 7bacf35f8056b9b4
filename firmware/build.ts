/**
 * `npm run build:firmware -- --board <name>`: the device app as one ES5 file,
 * dist/firmware/<board>.js.
 *
 * 1. The board profile is validated (boards/schema.ts) and inlined as QUIETCAM_BOARD.
 * 2. tsc 5.9 (pinned: TypeScript 7 cannot emit ES5) compiles firmware/app/main.ts and what it
 *    imports (src/core, src/protocol) to ES5 with ES2015 modules into a temp dir, type-checked
 *    against lib.es5.d.ts only, so an ES2015+ library call is a build error.
 * 3. esbuild bundles that ES5 into one IIFE (`var quietcam = ...`), minified; it cannot lower to
 *    ES5 itself, it only bundles what tsc produced.
 * 4. The ES5 gate (firmware/es5-gate.ts: typed-array members, acorn ecmaVersion 5, banned names,
 *    labels, use-before-definition) refuses the build, naming every finding, before anything is
 *    written: no build ships what the gate refuses. The run in the Duktape runtime and the
 *    comparison with Node are in test/firmware/.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseEs5 } from 'acorn';
import ts from 'typescript';
import { loadBoard, type BoardProfile } from '../boards/schema.ts';
import { lintEs5Bundle, typedArrayFindings } from './es5-gate.ts';
import { ES5_TS_OPTIONS } from './es5-options.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIRMWARE_ENTRY = join(ROOT, 'firmware/app/main.ts');
export const DIST_FIRMWARE = join(ROOT, 'dist/firmware');

/** The ES5 lowering shared with the gate, without comments in the shipped file. */
const TS_OPTIONS: ts.CompilerOptions = { ...ES5_TS_OPTIONS, removeComments: true };

export interface FirmwareBuild {
  board: BoardProfile;
  /** The written file. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
  code: string;
}

export interface BuildOptions {
  /** Board profile name (boards/<name>.json). */
  board: string;
  /** Output folder; default dist/firmware. */
  outDir?: string;
  /** Minify (default true). Unminified output is easier to read in a Duktape stack trace. */
  minify?: boolean;
  /** Write here instead of <outDir>/<board>.js. */
  outFile?: string;
  /**
   * Rewrite tsc's ES5 output before bundling (path relative to the repo, e.g. 'src/core/detector.js').
   * Used by bench/firmware.ts to route the detector's stages through profiling trampolines.
   */
  rewrite?: (path: string, code: string) => string;
  /** Entry file instead of firmware/app/main.ts (tests build small fixtures through the same gate). */
  entry?: string;
}

/** The profile fields the app reads, inlined into the bundle. */
function boardConstant(b: BoardProfile): unknown {
  return { name: b.name, memory: b.memory, mqtt: b.mqtt, maxViewBytes: b.maxViewBytes, eventFrames: b.eventFrames, status: b.status, liveView: b.liveView };
}

/** tsc: the app and what it imports to ES5 in `tmp`; throws with every diagnostic. Returns the program. */
function compileApp(entry: string, tmp: string, opts: BuildOptions): ts.Program {
  const program = ts.createProgram([entry], { ...TS_OPTIONS, outDir: tmp, rootDir: ROOT });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length) {
    const lines = diagnostics.map((d) => {
      const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (!d.file || d.start === undefined) return msg;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${relative(ROOT, d.file.fileName)}:${line + 1}:${character + 1} ${msg}`;
    });
    throw new Error(`firmware build (${opts.board}): tsc (ES5, lib es5) found ${lines.length} problem(s):\n  ${lines.join('\n  ')}`);
  }
  const emitted = program.emit(undefined, (fileName, text) => {
    const rel = relative(tmp, fileName).split('\\').join('/');
    mkdirSync(dirname(fileName), { recursive: true });
    writeFileSync(fileName, opts.rewrite ? opts.rewrite(rel, text) : text);
  });
  if (emitted.emitSkipped) throw new Error('firmware build: tsc emitted nothing');
  return program;
}

/** esbuild: tsc's ES5 output as one IIFE (`var quietcam = ...`). */
function bundle(entryJs: string, board: BoardProfile, minify: boolean): string {
  const built = buildSync({
    entryPoints: [entryJs],
    bundle: true,
    format: 'iife',
    globalName: 'quietcam',
    target: 'es5',
    minify,
    define: { QUIETCAM_BOARD: JSON.stringify(boardConstant(board)) },
    write: false,
    logLevel: 'silent',
    charset: 'ascii',
    legalComments: 'none',
  });
  return built.outputFiles[0].text;
}

/**
 * The ES5 gate (firmware/es5-gate.ts) on this build: typed-array members on the program, the
 * acorn walk on the readable bundle (module names and use-before-definition are exact there), and
 * an ECMAScript 5 parse of the minified file that ships. Findings, empty when it passes.
 */
function gate(program: ts.Program, readable: string, shipped: string): string[] {
  const findings = [...typedArrayFindings(program), ...lintEs5Bundle(readable)];
  if (shipped !== readable) {
    try {
      parseEs5(shipped, { ecmaVersion: 5, sourceType: 'script' });
    } catch (e) {
      findings.push(`es5-syntax (minified bundle): ${(e as Error).message}`);
    }
  }
  return findings;
}

/**
 * Build one board's bundle. Throws with every tsc diagnostic when the app does not compile, and
 * with every finding of the ES5 gate when the bundle would not run on the board engines; then
 * nothing is written.
 */
export function buildFirmware(opts: BuildOptions): FirmwareBuild {
  const board = loadBoard(opts.board);
  const outDir = opts.outDir ?? DIST_FIRMWARE;
  const entry = opts.entry ? resolve(opts.entry) : FIRMWARE_ENTRY;
  const tmp = mkdtempSync(join(tmpdir(), 'quietcam-fw-'));
  try {
    const program = compileApp(entry, tmp, opts);
    const entryJs = join(tmp, relative(ROOT, entry)).replace(/\.ts$/, '.js');
    const readable = bundle(entryJs, board, false);
    const code = opts.minify === false ? readable : bundle(entryJs, board, true);
    const findings = gate(program, readable, code);
    if (findings.length) {
      throw new Error(`firmware build (${opts.board}): the ES5 gate refused the bundle (${findings.length} finding(s)), nothing written:\n  ${findings.join('\n  ')}`);
    }
    const file = opts.outFile ? resolve(opts.outFile) : resolve(outDir, `${board.name}.js`);
    mkdirSync(dirname(file), { recursive: true });
    // Write then rename: a runtime reading the bundle never sees a half-written file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
    return { board, file, bytes: Buffer.byteLength(code), code };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** CLI: build:firmware -- --board <name> [--out DIR] [--no-minify]. */
export function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { board: { type: 'string' }, out: { type: 'string' }, 'no-minify': { type: 'boolean' } } }));
  } catch (e) {
    console.error(`build:firmware: ${(e as Error).message}\nusage: npm run build:firmware -- --board <name> [--out DIR] [--no-minify]`);
    return 2;
  }
  if (!values.board) {
    console.error('build:firmware: --board is required, e.g. npm run build:firmware -- --board esp32-cam-ai-thinker');
    return 2;
  }
  try {
    const r = buildFirmware({ board: values.board, outDir: values.out, minify: !values['no-minify'] });
    console.log(`${relative(process.cwd(), r.file)}: ${r.bytes} bytes (${(r.bytes / 1024).toFixed(1)} KiB), ES5, board ${r.board.name} (${r.board.engine})`);
    return 0;
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
