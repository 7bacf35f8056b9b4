/**
 * Firmware cost in the embedded engine (Duktape 2.7, the desktop stand-in for JerryScript), at
 * 80x60 and 160x120, on the same frames as bench/detector.ts:
 * - heap: the engine's base, the compiled bundle, and the peak above the base while running;
 * - instructions per frame (valgrind --tool=callgrind, deterministic) for the whole app step
 *   (qc_duk_app_step: camera read, detector, events, everything), and for a bare
 *   frame-difference loop (abs diff + threshold + count over the same frame) run in the same
 *   engine, in the same process, on the same frames (qc_duk_bare_step); the ratio of the two
 *   (goal <= 1.5 at 80x60). Twice: as shipped, with the native per-pixel kernels
 *   (ports.kernels, firmware/native/qc_kernels.c), and with the TypeScript loops only
 *   (--no-kernels: what an engine binding without kernels runs);
 * - where the detector's instructions go: each stage of the detector step run on its own through
 *   a native trampoline, so callgrind attributes them (with the native kernels, as shipped).
 * - the same app step and bare loop on the lx106 core under QEMU (bench/firmware-xtensa.ts: exact
 *   instruction counts from CCOUNT with -icount), with the goal lines (<= 8 M a frame, <= 1.2x the
 *   bare loop at 80x60), without the native kernels, with Debian's Duktape configuration, where a
 *   frame's instructions go (our QEMU plugin), and the 32-bit heap.
 * - event frames and credentials on the board's side: bytes on air and heap (bench/firmware-frames.ts).
 * Duktape is built with DUK_USE_FASTINT in both runtimes (firmware/node/duktape-source.ts).
 * Needs valgrind (Debian package) besides gcc and duktape-dev; without valgrind only the heap
 * figures are printed (and the lx106 ones when its packages are there).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchFrames } from './frames.ts';
import { firmwareBundle } from '../firmware/node/bundle.ts';
import { runFirmware, type FirmwareRun } from '../firmware/node/run.ts';
import { WALL_2025 } from '../firmware/node/synthetic.ts';
import type { FirmwareInput } from '../firmware/node/wire.ts';
import { buildFirmware } from '../firmware/build.ts';
import { printXtensa, xtensaFigures, type XtensaFigures } from './firmware-xtensa.ts';
import { eventFrameFigures, printEventFrames } from './firmware-frames.ts';

/**
 * The detector's stages, as called from src/core/detector.ts. The profiled bundle routes each
 * call `name(args)` in detector.js through `qcprof.slotK(name, args)` (a native trampoline), so
 * callgrind attributes each stage's instructions; nothing else changes.
 */
export const STAGE_NAMES = ['difference', 'classifyCells', 'isGlobalChange', 'remapBackground', 'seedBackground', 'adaptCells',
  'trackStatic', 'updateBackground', 'findBoxes', 'updateSky', 'stepEvents', 'writeForeground', 'bootCells', 'bootKeepFrame'];

function routeStages(path: string, code: string): string {
  if (path !== 'src/core/detector.js') return code;
  let out = code;
  STAGE_NAMES.forEach((name, k) => {
    // Call sites only: `name(` not preceded by a dot or a word character (declarations are undone below).
    out = out.replace(new RegExp(`(^|[^.\\w])${name}\\(`, 'gm'), (_m, pre) => `${pre}qcprof.slot${k}(${name}, `);
  });
  return out.replace(/function qcprof\.slot\d+\((\w+), /g, 'function $1(');
}

export const FIRMWARE_BENCH = {
  /** Frames per run: 100 at 10 fps = 10 s of vtest.avi (calibration is the first 10). */
  frames: 100,
  /** Threshold of the bare loop, grey levels (bench/detector.ts uses the same). */
  bareThreshold: 15,
  /** Goals from the firmware issue. */
  goalRatio: 1.5,
  goalHeapAboveBase: 65536,
};

/**
 * The bare loop, in the same ES5 the engine runs: read the frame (as the app does), then abs
 * diff against the previous frame, threshold, count. Loop bound hoisted: the fastest plain form.
 */
export const BARE_SCRIPT = `var qcbare = (function () {
  var n = ports.camera.width * ports.camera.height;
  var cur = new Uint8Array(n), prev = new Uint8Array(n), t = ${FIRMWARE_BENCH.bareThreshold}, last = 0;
  function diff(a, b) {
    var c = 0;
    for (var i = 0; i < n; i++) { var d = a[i] - b[i]; if (d < 0) d = -d; if (d > t) c++; }
    return c;
  }
  function step() {
    ports.camera.read(cur);
    last = diff(cur, prev);
    var s = prev; prev = cur; cur = s;
    return last;
  }
  return { step: step };
})();`;

export interface FirmwareBenchRow {
  width: number;
  height: number;
  heapBase: number;
  codeBytes: number;
  /** Peak above the engine's base, code included (what a Duktape board would need). */
  heapAboveBase: number;
  /** Peak above the heap after the bundle was loaded: the app's data (what the board's JerryScript heap holds besides the snapshot in flash). */
  heapAboveCode: number;
  appStateBytes: number;
  appInstrPerFrame?: number;
  bareInstrPerFrame?: number;
  ratio?: number;
  /** The same app with the TypeScript per-pixel loops (no native kernels), and its ratio. */
  jsAppInstrPerFrame?: number;
  jsRatio?: number;
  stages?: { name: string; instrPerFrame: number; share: number }[];
  /** The same runs on the lx106 core under QEMU (bench/firmware-xtensa.ts): exact instructions per frame, goals, profile, 32-bit heap. */
  xtensa?: XtensaFigures;
}

function hasValgrind(): boolean {
  return spawnSync('valgrind', ['--version']).status === 0;
}

/** Inclusive instruction counts per function from a callgrind output file. */
function inclusive(file: string, names: string[]): Record<string, number> {
  const text = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], { maxBuffer: 1 << 26 }).toString();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+)\s+\([^)]*\)\s+\S*:(\S+)/.exec(line) ?? /^\s*([\d,]+)\s+\S*:(\S+)/.exec(line);
    if (!m) continue;
    const fn = m[2].replace(/\s.*$/, '');
    if (names.indexOf(fn) >= 0 && out[fn] === undefined) out[fn] = Number(m[1].replace(/,/g, ''));
  }
  return out;
}

function inputs(frames: Uint8Array[]): FirmwareInput[] {
  return frames.map((grey, i) => ({ kind: 'frame' as const, wallMs: WALL_2025 + i * 100, ticksMs: i * 100, grey }));
}

async function benchSize(width: number, height: number, valgrind: boolean, dir: string): Promise<FirmwareBenchRow> {
  const frames = (await benchFrames(width, height, FIRMWARE_BENCH.frames)).slice(0, FIRMWARE_BENCH.frames);
  // No heap cap: the bench measures the peaks (tests check the caps), and the bare loop's two frames come on top of the app's heap.
  const opts = { runtime: 'embedded' as const, width, height, settings: { camera: 'bench' }, quietLogs: true, heapCap: 0 };
  const plain: FirmwareRun = await runFirmware(inputs(frames), opts);
  const heap = plain.heap as Record<string, number>;
  const row: FirmwareBenchRow = {
    width, height,
    heapBase: heap.heapBase,
    codeBytes: heap.codeBytes,
    heapAboveBase: heap.peakAboveBase,
    heapAboveCode: heap.peakAboveBase - heap.codeBytes,
    appStateBytes: plain.app.stateBytes,
  };
  const bare = join(dir, 'bare.js');
  writeFileSync(bare, BARE_SCRIPT);
  row.xtensa = xtensaFigures(inputs(frames), frames.length, { width, height, settings: opts.settings, quietLogs: true, heapCap: 0 }, bare, width === 80) ?? undefined;
  if (!valgrind) return row;

  const counted = async (noKernels: boolean) => {
    const out = join(dir, `callgrind-${width}-${noKernels ? 'js' : 'native'}.out`);
    await runFirmware(inputs(frames), { ...opts, bareFile: bare, noKernels, wrap: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`, '-q'] });
    const inc = inclusive(out, ['qc_duk_app_step', 'qc_duk_bare_step']);
    return { app: Math.round(inc.qc_duk_app_step / frames.length), bare: Math.round(inc.qc_duk_bare_step / frames.length) };
  };
  const native = await counted(false);
  row.appInstrPerFrame = native.app;
  row.bareInstrPerFrame = native.bare;
  row.ratio = native.app / native.bare;
  const js = await counted(true);
  row.jsAppInstrPerFrame = js.app;
  row.jsRatio = js.app / js.bare;

  // Per stage: the same app with the detector's stage calls routed through native trampolines.
  const profiled = buildFirmware({ board: 'desktop', outFile: join(dir, 'profiled.js'), rewrite: routeStages }).file;
  const outS = join(dir, `callgrind-stages-${width}.out`);
  try {
    await runFirmware(inputs(frames), { ...opts, bundleFile: profiled, profile: true, wrap: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${outS}`, '-q'] });
    const slots = STAGE_NAMES.map((_, i) => `qc_duk_slot${i}`);
    const incS = inclusive(outS, [...slots, 'qc_duk_app_step']);
    const step = incS.qc_duk_app_step ?? 0;
    const staged = slots.reduce((a, s) => a + (incS[s] ?? 0), 0);
    row.stages = STAGE_NAMES.map((name, i) => ({
      name, instrPerFrame: Math.round((incS[slots[i]] ?? 0) / frames.length), share: step ? (incS[slots[i]] ?? 0) / step : 0,
    })).filter((r) => r.instrPerFrame > 0);
    row.stages.push({ name: 'rest of the step (detector.step loops, app, calls)', instrPerFrame: Math.round((step - staged) / frames.length), share: step ? (step - staged) / step : 0 });
  } catch (e) {
    console.log(`  (per-stage profile unavailable: ${(e as Error).message.split('\n')[0]})`);
  }
  return row;
}

export async function main(): Promise<FirmwareBenchRow[]> {
  const valgrind = hasValgrind();
  firmwareBundle('desktop');
  console.log('firmware in the embedded engine (Duktape 2.7, desktop runtime; board engine: JerryScript 3.0)' + (valgrind ? '' : ' — valgrind missing: heap only'));
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-fwbench-'));
  const rows: FirmwareBenchRow[] = [];
  try {
    for (const [w, h] of [[80, 60], [160, 120]]) {
      const r = await benchSize(w, h, valgrind, dir);
      rows.push(r);
      console.log(`  ${w}x${h}: heap base ${r.heapBase} B; above base ${r.heapAboveBase} B = code ${r.codeBytes} B + app ${r.heapAboveCode} B (goal <= ${FIRMWARE_BENCH.goalHeapAboveBase}); app state ${r.appStateBytes} B`);
      if (r.ratio !== undefined) {
        console.log(`    instructions/frame: app step ${r.appInstrPerFrame} with native kernels, bare diff loop ${r.bareInstrPerFrame}: ratio ${r.ratio.toFixed(2)} (goal <= ${FIRMWARE_BENCH.goalRatio}); ${(r.appInstrPerFrame! / (w * h)).toFixed(0)} vs ${(r.bareInstrPerFrame! / (w * h)).toFixed(0)} per pixel`);
        console.log(`    TypeScript loops only (--no-kernels): app step ${r.jsAppInstrPerFrame}: ratio ${r.jsRatio!.toFixed(2)}`);
      }
      if (r.xtensa) printXtensa(r.xtensa, w === 80 && h === 60);
      if (r.stages) console.log('    where the step goes (native kernels): ' + r.stages.map((s) => `${s.name} ${(100 * s.share).toFixed(0)}%`).join(', '));
    }
    printEventFrames(await eventFrameFigures());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
