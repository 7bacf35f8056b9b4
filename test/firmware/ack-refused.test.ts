/**
 * The board's side of a refusal (src/protocol/ack.ts): a signed refusal naming the waiting
 * bundle's id and CRC frees its slot like a "stored" ack (the relay will never store those bytes),
 * so it is not sent again; a forged refusal, or one for other bytes, frees nothing. Node and the
 * Duktape runtime publish the same bytes and count the same.
 */
// test-timeout: 90 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runFirmware, type FirmwareRun } from '../../firmware/node/run.ts';
import type { FirmwareInput } from '../../firmware/node/wire.ts';
import { collectBundles } from '../../sim/firmware.ts';
import { readU32 } from '../../src/protocol/bytes.ts';
import { ackTopic, asciiToBytes, demoCameraSecret, encodeAck, macKey } from '../../src/protocol/index.ts';
import { CAMERA, H, W, frames, quiet, twoEvents } from './scenario.ts';

const opts = { runtime: 'node' as const, width: W, height: H, settings: { camera: CAMERA }, quietLogs: true };
const chunkSends = (r: FirmwareRun) => r.publishes.filter((p) => p.topic.endsWith('/bundle')).length;
const refusal = (id: string, crc: number, secret = demoCameraSecret(CAMERA)): FirmwareInput =>
  ({ kind: 'message', topic: ackTopic(CAMERA), payload: asciiToBytes(encodeAck(macKey(secret), CAMERA, id, crc, 'no-consent')) });

function scenario(extra: FirmwareInput[], minutes: number): FirmwareInput[] {
  const base = twoEvents();
  const last = base[base.length - 1] as Extract<FirmwareInput, { kind: 'frame' }>;
  return [...base, ...extra, ...frames([quiet(minutes)], last.wallMs + 60000, 2, last.ticksMs + 60000)];
}

test('a signed refusal for the waiting bundle frees it: not sent again; a forged one or one for other bytes frees nothing', async () => {
  const o = opts;
  const first = await runFirmware(twoEvents(), o);
  const [b] = collectBundles(first.publishes);
  const crc = readU32(b.bytes, b.bytes.length - 4);
  const chunks = chunkSends(first);

  const refused = await runFirmware(scenario([refusal(b.bundleId, crc)], 4), o);
  assert.is(refused.app.refused, 1, 'counted as refused');
  assert.is(refused.app.acked, 0, 'not counted as delivered');
  assert.is(refused.app.resent, 0);
  assert.is(refused.app.unacked, 0);
  assert.is(chunkSends(refused), chunks, 'sent once');

  const forged = await runFirmware(scenario([refusal(b.bundleId, crc, new Uint8Array(32).fill(5)), refusal(b.bundleId, (crc ^ 1) >>> 0)], 4), o);
  assert.is(forged.app.ackRejected, 1);
  assert.is(forged.app.ackUnknown, 1);
  assert.is(forged.app.unacked, 1);
  assert.is(forged.app.resent, 2, 'still sent again with back-off');

  {
    const ins = scenario([refusal(b.bundleId, (crc ^ 1) >>> 0), refusal(b.bundleId, crc)], 2);
    const n = await runFirmware(ins, o);
    const e = await runFirmware(ins, { ...o, runtime: 'embedded' });
    assert.is(e.publishes.length, n.publishes.length, 'publish count');
    for (let i = 0; i < n.publishes.length; i++) assert.ok(Buffer.from(e.publishes[i].payload).equals(Buffer.from(n.publishes[i].payload)), `publish ${i} differs`);
    for (const k of ['acked', 'refused', 'ackRejected', 'ackUnknown', 'resent', 'unacked']) assert.is(e.app[k], n.app[k], k);
  }
});

test.run();
