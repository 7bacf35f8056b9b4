/** The desktop firmware runtime's failure modes: each ends with a clear error and its own status. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { ensureRuntime } from '../../firmware/node/runtime-binary.ts';
import { firmwareBundle } from '../../firmware/node/bundle.ts';
import { runFirmware, FirmwareRunError } from '../../firmware/node/run.ts';
import { CAMERA, CONSENT_BOTH, H, W, config, frames, motion, settle, warm } from './scenario.ts';

const inputs = () => [...config(CONSENT_BOTH), ...frames([warm, motion(), settle])];

async function failure(p: Promise<unknown>): Promise<FirmwareRunError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, FirmwareRunError);
    return e as FirmwareRunError;
  }
  throw new Error('expected the runtime to fail');
}

test('a heap cap below what the app needs stops it with status 4 and the figures', async () => {
  const e = await failure(runFirmware(inputs(), { runtime: 'embedded', width: W, height: H, settings: { camera: CAMERA }, heapCap: 160000 }));
  assert.is(e.status, 4);
  assert.match(e.message, /heap cap of 160000 bytes reached \(\d+ refused allocations, \d+ above the engine base of \d+\)/);
});

test('the app throwing (no camera id provisioned) is status 3 with the JS stack', async () => {
  const e = await failure(runFirmware(inputs(), { runtime: 'embedded', width: W, height: H, settings: {} }));
  assert.is(e.status, 3);
  assert.match(e.message, /quietcam\.start: RangeError: firmware app: settings "camera" must hold the camera id/);
});

test('bad arguments and broken input records are status 2', () => {
  const bin = ensureRuntime();
  const bundle = firmwareBundle('desktop');
  const noSize = spawnSync(bin, ['--bundle', bundle], { input: Buffer.alloc(0) });
  assert.is(noSize.status, 2);
  assert.match(noSize.stderr.toString(), /--width and --height are required/);
  const args = ['--bundle', bundle, '--width', '80', '--height', '60', '--set', 'camera=porch', '--set', `secret=${'42'.repeat(32)}`];
  const truncated = spawnSync(bin, args, { input: Buffer.from([0x46, 10, 0, 0, 0, 1, 2]) });
  assert.is(truncated.status, 2);
  assert.match(truncated.stderr.toString(), /broken input record/);
  const wrongSize = Buffer.alloc(5 + 28 + 100);
  wrongSize[0] = 0x46;
  wrongSize.writeUInt32LE(128, 1);
  wrongSize.writeUInt16LE(10, 21);
  wrongSize.writeUInt16LE(10, 23);
  wrongSize.writeUInt32LE(100, 25);
  const r = spawnSync(bin, args, { input: wrongSize });
  assert.is(r.status, 2);
  assert.match(r.stderr.toString(), /frame record does not match --width x --height/);
  const unknown = spawnSync(bin, [...args, '--turbo', '1'], { input: Buffer.alloc(0) });
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr.toString(), /unknown option '--turbo'/);
});

test('an empty input ends cleanly with a stats record', async () => {
  const r = await runFirmware([], { runtime: 'embedded', width: W, height: H, settings: { camera: CAMERA } });
  assert.is(r.app.frames, 0);
  assert.is((r.heap as Record<string, number>).frames, 0);
  assert.ok((r.heap as Record<string, number>).heapBase > 0);
});

test.run();
