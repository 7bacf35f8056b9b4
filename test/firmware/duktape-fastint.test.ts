/**
 * The runtimes compile Duktape with DUK_USE_FASTINT (firmware/node/duktape-source.ts). An -I folder
 * with a patched duk_config.h alone is silently ignored (duktape.h includes "duk_config.h" from its
 * own folder first): this checks what the compiler really sees.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DUKTAPE_DIR, duktapeSource, fastintConfig } from '../../firmware/node/duktape-source.ts';
import { runtimeMissing } from '../../firmware/node/runtime-binary.ts';

/** The macros gcc sees when compiling `dir`/duktape.c with these include folders. */
function macros(file: string, includes: string[]): string {
  const r = spawnSync('gcc', ['-std=c99', '-dM', '-E', ...includes.map((d) => `-I${d}`), file], { maxBuffer: 1 << 26 });
  assert.is(r.status, 0, String(r.stderr));
  return r.stdout.toString();
}

const missing = runtimeMissing();
if (missing) {
  console.log(`  duktape fastint check NOT RUN: ${missing}`);
} else {
  test('the Duktape the runtimes compile has DUK_USE_FASTINT; Debian\'s as is has not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quietcam-duk-'));
    try {
      const fast = duktapeSource(dir, true);
      assert.ok(fast.dir.startsWith(dir));
      assert.match(macros(join(fast.dir, 'duktape.c'), [fast.dir]), /^#define DUK_USE_FASTINT 1?$/m);
      const deb = duktapeSource(dir, false);
      assert.not.match(macros(join(deb.dir, 'duktape.c'), [deb.dir]), /^#define DUK_USE_FASTINT/m);
      // The trap the copy avoids: the patched header in an -I folder of its own is not the one used.
      assert.not.match(macros(join(deb.dir, 'duktape.c'), [fast.dir, deb.dir]), /^#define DUK_USE_FASTINT/m);
      assert.is.not(fast.key, deb.key);
      assert.is(duktapeSource(dir, true).dir, fast.dir, 'cached');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('fastintConfig turns exactly the one line on, and refuses a config without it', () => {
  const cfg = '#define A\n#undef DUK_USE_FASTINT\n#undef DUK_USE_FASTINT_X\n';
  assert.is(fastintConfig(cfg), '#define A\n#define DUK_USE_FASTINT\n#undef DUK_USE_FASTINT_X\n');
  assert.throws(() => fastintConfig('#define DUK_USE_FASTINT\n'), /no `#undef DUK_USE_FASTINT` line/);
  if (!missing) assert.ok(readFileSync(join(DUKTAPE_DIR, 'duk_config.h'), 'utf8').includes('#undef DUK_USE_FASTINT'));
});

test.run();
