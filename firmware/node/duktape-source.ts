/**
 * The Duktape source the runtimes compile: Debian's duktape-dev 2.7 (/usr/share/duktape) with one
 * line of its duk_config.h changed, `#undef DUK_USE_FASTINT` -> `#define DUK_USE_FASTINT`.
 *
 * Why: Debian configures Duktape without fastint, so every number is a double. On the board's
 * cores (lx106, and the ESP32's LX6: no double FPU) every `|0`, `>>`, `&` then costs a software
 * fmod and every typed-array read or write a soft-float conversion. With fastint, integers that fit
 * 48 bits stay integers; Duktape's results are the same by design (test/firmware identity tests
 * compare Node, the x86-64 runtime and the lx106 one byte for byte). JerryScript, the board's
 * engine, keeps small integers unboxed too, so this is also the closer stand-in.
 *
 * How: duktape.c includes "duktape.h", which includes "duk_config.h" with quotes, so the compiler
 * finds the header next to duktape.h before any -I folder: an -I override alone is silently
 * ignored. The three files are therefore copied together (the config patched) into a folder of the
 * build cache at build time; nothing of Duktape is committed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian's duktape-dev puts duktape.c, duktape.h and duk_config.h (QUIETCAM_DUKTAPE_DIR overrides). */
export const DUKTAPE_DIR = process.env.QUIETCAM_DUKTAPE_DIR || '/usr/share/duktape';

export interface DuktapeSource {
  /** Folder holding duktape.c, duktape.h and duk_config.h (include it with -I). */
  dir: string;
  /** A hash of the three files as compiled (for cache keys). */
  key: string;
  fastint: boolean;
}

/** Debian's config with fastint on; throws when the line to change is not there (another Duktape). */
export function fastintConfig(config: string): string {
  if (!/^#undef DUK_USE_FASTINT$/m.test(config)) throw new Error('duk_config.h: no `#undef DUK_USE_FASTINT` line to turn on');
  return config.replace(/^#undef DUK_USE_FASTINT$/m, '#define DUK_USE_FASTINT');
}

/** The Duktape source to compile: Debian's as is (fastint false) or a fastint copy under `cacheDir`. */
export function duktapeSource(cacheDir: string, fastint: boolean): DuktapeSource {
  const files = ['duktape.c', 'duktape.h', 'duk_config.h'].map((f) => readFileSync(join(DUKTAPE_DIR, f), 'utf8'));
  if (!fastint) return { dir: DUKTAPE_DIR, key: hashOf(files), fastint };
  files[2] = fastintConfig(files[2]);
  const key = hashOf(files);
  const dir = join(cacheDir, `duktape-fastint-${key}`);
  if (!existsSync(join(dir, 'duktape.c'))) {
    const tmp = `${dir}.${process.pid}.tmp`;
    mkdirSync(tmp, { recursive: true });
    ['duktape.h', 'duk_config.h', 'duktape.c'].forEach((f) => writeFileSync(join(tmp, f), files[f === 'duktape.c' ? 0 : f === 'duktape.h' ? 1 : 2]));
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process made it first: same content.
    }
  }
  return { dir, key, fastint };
}

function hashOf(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}
