/**
 * The native per-pixel kernels (firmware/native/qc_kernels.c, ports.kernels in the desktop runtime)
 * give the same integers as the TypeScript reference (src/core/kernels.ts) on thousands of random
 * cases, run inside Duktape through the bundle's own checker; their bindings refuse arguments
 * that would read or write out of bounds. The checker itself is shown to catch a wrong kernel.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JS_KERNELS, checkKernels, type PixelKernels } from '../../src/core/index.ts';
import { runFirmware } from '../../firmware/node/run.ts';
import { runtimeMissing } from '../../firmware/node/runtime-binary.ts';
import { WALL_2025 } from '../../firmware/node/synthetic.ts';
import type { FirmwareInput } from '../../firmware/node/wire.ts';

const W = 80;
const H = 60;
const missing = runtimeMissing();
if (missing) console.error(`\n  !!! kernels.test.ts: the desktop runtime cannot be built here (${missing}); its tests FAIL until it is installed\n`);

function frames(n: number): FirmwareInput[] {
  return Array.from({ length: n }, (_, i) => ({ kind: 'frame' as const, wallMs: WALL_2025 + i * 100, ticksMs: i * 100, grey: new Uint8Array(W * H).fill(100 + (i & 7)) }));
}

/** Runs `script` (defining qcbare.step) after each of `n` app steps in the runtime; returns the run. */
async function inRuntime(script: string, n: number, noKernels = false) {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-kernels-'));
  try {
    const file = join(dir, 'check.js');
    writeFileSync(file, script);
    return await runFirmware(frames(n), { runtime: 'embedded', width: W, height: H, settings: { camera: 'k' }, bareFile: file, noKernels });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the reference checker finds a kernel that is off by one in a single case', () => {
  assert.is(checkKernels(JS_KERNELS, 300, 7), null, 'the reference agrees with itself');
  const offByOne: PixelKernels = {
    difference: JS_KERNELS.difference,
    updateBackground(frame, bgq, bg8, rate, w, h, cell, stride, phase) {
      JS_KERNELS.updateBackground(frame, bgq, bg8, rate, w, h, cell, stride, phase);
      if (w === 27 && phase === 0) bgq[0]++; // only some cases: the checker must still see it
    },
  };
  const sloppyCount: PixelKernels = {
    difference(frame, bg8, thr, cnt, sad, w, h, cell) {
      JS_KERNELS.difference(frame, bg8, thr.map((t) => Math.max(0, t - 1)), cnt, sad, w, h, cell); // >= instead of >
    },
    updateBackground: JS_KERNELS.updateBackground,
  };
  assert.match(String(checkKernels(offByOne, 2000, 7)), /updateBackground pixel 0/);
  assert.match(String(checkKernels(sloppyCount, 300, 7)), /difference cnt/);
});

test('native kernels in Duktape match the TypeScript reference on 6,000 random cases', async () => {
  const run = await inRuntime(`var qcbare = { seed: 11, step: function () {
    var bad = quietcam.checkKernels(200, this.seed++);
    if (bad !== null) throw new Error('kernels: ' + bad);
  } };`, 30);
  assert.is(run.app.nativeKernels, 1, 'the app passed its own start-up check and runs the native kernels');
  assert.is(run.app.frames, 30);
  assert.ok(run.logs.some((l) => /native kernels$/.test(l.text)), 'the start-up log names the kernels');
});

test('without native kernels the app says so and runs the TypeScript ones', async () => {
  const run = await inRuntime(`var qcbare = { step: function () {
    if (quietcam.checkKernels(1, 1) !== 'this platform has no native kernels') throw new Error('kernels present');
  } };`, 3, true);
  assert.is(run.app.nativeKernels, 0);
  assert.ok(run.logs.some((l) => /TypeScript kernels$/.test(l.text)));
});

test('the bindings refuse arrays too small for the sizes given, before touching memory', async () => {
  const run = await inRuntime(`var qcbare = { done: false, step: function () {
    if (this.done) return;
    this.done = true;
    var k = ports.kernels, f = new Uint8Array(80 * 60), b = new Uint8Array(80 * 60), q = new Uint16Array(80 * 60);
    var thr = new Uint8Array(300), cnt = new Uint16Array(300), sad = new Int32Array(300), rate = new Uint8Array(300);
    var bad = [
      function () { k.difference(f.subarray(1), b, thr, cnt, sad, 80, 60, 4); },
      function () { k.difference(f, b, thr, new Uint8Array(300), sad, 80, 60, 4); },
      function () { k.difference(f, b, thr, cnt, new Int32Array(299), 80, 60, 4); },
      function () { k.difference(f, b, thr, cnt, sad, 80, 60, 0); },
      function () { k.difference(f, b, thr, cnt, sad, 80.5, 60, 4); },
      function () { k.updateBackground(f, b, b, rate, 80, 60, 4, 1, 0); },
      function () { k.updateBackground(f, q, b, rate.subarray(1), 80, 60, 4, 1, 0); },
      function () { k.updateBackground(f, q, b, rate, 80, 60, 4, 0, 0); },
      function () { k.updateBackground(f, q, b, rate, 80, 61, 4, 1, 0); }
    ];
    for (var i = 0; i < bad.length; i++) {
      var threw = null;
      try { bad[i](); } catch (e) { threw = e; }
      if (!(threw instanceof RangeError)) throw new Error('call ' + i + ' was not refused with a RangeError: ' + threw);
    }
    k.difference(f, b, thr, cnt, sad, 80, 60, 4);
    k.updateBackground(f, q, b, rate, 80, 60, 4, 8, 3);
  } };`, 2);
  assert.is(run.app.frames, 2, 'every bad call was refused and the good ones ran');
});

test.run();
