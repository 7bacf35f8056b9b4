/**
 * Compiles the desktop firmware runtime (firmware/desktop + firmware/native + Debian's duktape.c)
 * with gcc, once, and caches it under dist/firmware/runtime/, keyed by a hash of every source
 * and flag: a changed C file rebuilds, an unchanged tree reuses the binary (~8 s for duktape.c
 * the first time, then nothing).
 *
 * Needs: gcc and Debian's duktape-dev (2.7.0), which ships /usr/share/duktape/duktape.c. Duktape is
 * compiled with DUK_USE_FASTINT (duktape-source.ts), as the lx106 build (firmware/xtensa) is.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DUKTAPE_DIR, duktapeSource } from './duktape-source.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export { DUKTAPE_DIR };
const CACHE = join(ROOT, 'dist/firmware/runtime');
/** -g keeps symbols for callgrind; -O2 as a board build would use -Os/-O2. */
const CFLAGS = ['-O2', '-g', '-std=c99', '-Wall', '-Wextra', '-D_POSIX_C_SOURCE=200809L'];

function sources(): string[] {
  const dirs = [join(ROOT, 'firmware/desktop'), join(ROOT, 'firmware/native')];
  const files: string[] = [];
  for (const d of dirs) for (const f of readdirSync(d).sort()) if (f.endsWith('.c') || f.endsWith('.h')) files.push(join(d, f));
  return files;
}

function hashOf(parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
}

/** Why the runtime cannot be built here, or null. */
export function runtimeMissing(): string | null {
  if (!existsSync(join(DUKTAPE_DIR, 'duktape.c'))) return `no ${DUKTAPE_DIR}/duktape.c: install Debian's duktape-dev (apt-get install duktape-dev)`;
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'no gcc: apt-get install gcc';
  }
  return null;
}

/** Path of a runtime binary built from the current sources (built now if needed). */
export function ensureRuntime(): string {
  const missing = runtimeMissing();
  if (missing) throw new Error(`qc-runtime cannot be built: ${missing}`);
  mkdirSync(CACHE, { recursive: true });
  const src = duktapeSource(CACHE, true);
  const duk = join(src.dir, 'duktape.c');
  const dukKey = hashOf([src.key, 'fastint', CFLAGS.join(' ')]);
  const dukObj = join(CACHE, `duktape-${dukKey}.o`);
  if (!existsSync(dukObj)) {
    const tmp = `${dukObj}.${process.pid}.tmp`;
    // duktape.c is not ours: no -Wall noise from it.
    execFileSync('gcc', ['-O2', '-g', '-std=c99', `-I${src.dir}`, '-c', duk, '-o', tmp], { stdio: 'inherit' });
    renameSync(tmp, dukObj);
  }
  const files = sources();
  const key = hashOf([dukKey, CFLAGS.join(' '), ...files.map((f) => f + '\0' + readFileSync(f, 'utf8'))]);
  const bin = join(CACHE, `qc-runtime-${key}`);
  if (!existsSync(bin)) {
    const tmp = `${bin}.${process.pid}.tmp`;
    const cfiles = files.filter((f) => f.endsWith('.c'));
    execFileSync('gcc', [...CFLAGS, `-I${join(ROOT, 'firmware/native')}`, `-I${join(ROOT, 'firmware/desktop')}`, `-I${src.dir}`, ...cfiles, dukObj, '-lm', '-o', tmp], { stdio: 'inherit' });
    renameSync(tmp, bin);
  }
  return bin;
}
