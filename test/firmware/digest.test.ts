/**
 * The native SHA-256 compression (firmware/native/qc_sha256.c, ports.digest in the desktop
 * runtime): the app trusts it after its own start-up check; the binding refuses arguments that
 * would read or write out of bounds; without it (--no-kernels) the app says so and still signs
 * the same bytes (identity.test.ts compares them with Node's).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFirmware } from '../../firmware/node/run.ts';
import { WALL_2025 } from '../../firmware/node/synthetic.ts';

const W = 16;
const H = 16;

async function inRuntime(script: string, noKernels = false) {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-digest-'));
  try {
    const file = join(dir, 'check.js');
    writeFileSync(file, script);
    const frame = { kind: 'frame' as const, wallMs: WALL_2025, ticksMs: 0, grey: new Uint8Array(W * H) };
    return await runFirmware([frame], { runtime: 'embedded', width: W, height: H, settings: { camera: 'd' }, bareFile: file, noKernels });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the app checks and uses the native SHA-256; the binding refuses out-of-bounds arguments', async () => {
  const run = await inRuntime(`var qcbare = { step: function () {
    var d = ports.digest, s = new Int32Array(8), b = new Uint8Array(130);
    var bad = [
      function () { d.sha256Blocks(new Int32Array(7), b, 0, 1); },
      function () { d.sha256Blocks(s, b, 3, 2); },
      function () { d.sha256Blocks(s, b, -1, 1); },
      function () { d.sha256Blocks(s, b, 0, 1.5); },
      function () { d.sha256Blocks(s, b.subarray(0, 63), 0, 1); }
    ];
    for (var i = 0; i < bad.length; i++) {
      var threw = null;
      try { bad[i](); } catch (e) { threw = e; }
      if (!(threw instanceof RangeError)) throw new Error('call ' + i + ' was not refused with a RangeError: ' + threw);
    }
    d.sha256Blocks(s, b, 2, 2);
  } };`);
  assert.is(run.app.nativeDigest, 1, 'the app passed its own start-up check');
  assert.is(run.app.frames, 1, 'every bad call was refused and the good one ran');
  assert.ok(run.logs.some((l) => /native SHA-256, native kernels$/.test(l.text)), 'the start-up log says so');
});

test('without the port the app runs the TypeScript SHA-256 and says so', async () => {
  const run = await inRuntime('var qcbare = { step: function () { if (ports.digest) throw new Error("digest present"); } };', true);
  assert.is(run.app.nativeDigest, 0);
  assert.ok(run.logs.some((l) => /TypeScript SHA-256, TypeScript kernels$/.test(l.text)));
});

test.run();
