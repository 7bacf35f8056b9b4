/**
 * The board's side of the end-to-end acknowledgement (firmware/app/unacked.ts): a snapshot bundle
 * is kept until a signed ack names its id and CRC; it is sent again after ackTimeoutMs (doubling)
 * and at once after a reconnection; a forged ack, or one for other bytes, frees nothing; the slots
 * are bounded by the board profile. The same inputs give byte-identical publishes in Node and in
 * the Duktape runtime (acks, reconnections and resends included).
 */
// test-timeout: 90 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBoard } from '../../boards/schema.ts';
import { runFirmware, type FirmwareRun } from '../../firmware/node/run.ts';
import type { FirmwareInput } from '../../firmware/node/wire.ts';
import { collectBundles } from '../../sim/firmware.ts';
import { readU32 } from '../../src/protocol/bytes.ts';
import { ackTopic, asciiToBytes, demoCameraSecret, encodeAck, macKey } from '../../src/protocol/index.ts';
import { CAMERA, H, W, frames, motion, quiet, settle, twoEvents } from './scenario.ts';

const opts = { runtime: 'node' as const, width: W, height: H, settings: { camera: CAMERA }, quietLogs: true };
const chunkSends = (r: FirmwareRun) => r.publishes.filter((p) => p.topic.endsWith('/bundle')).length;
const ack = (id: string, crc: number, secret = demoCameraSecret(CAMERA)): FirmwareInput =>
  ({ kind: 'message', topic: ackTopic(CAMERA), payload: asciiToBytes(encodeAck(macKey(secret), CAMERA, id, crc)) });

/** The snapshot of twoEvents(): its id, CRC and chunk count. */
async function firstBundle(): Promise<{ id: string; crc: number; chunks: number }> {
  const r = await runFirmware(twoEvents(), opts);
  const b = collectBundles(r.publishes);
  assert.is(b.length, 1);
  return { id: b[0].bundleId, crc: readU32(b[0].bytes, b[0].bytes.length - 4), chunks: chunkSends(r) };
}


/** twoEvents() then `extra` inputs, then `minutes` quiet minutes (one frame a minute, clock continuing). */
function scenario(extra: FirmwareInput[], minutes: number): FirmwareInput[] {
  const base = twoEvents();
  const last = base[base.length - 1] as Extract<FirmwareInput, { kind: 'frame' }>;
  const tail = frames([quiet(minutes)], last.wallMs + 60000, 2, last.ticksMs + 60000);
  return [...base, ...extra, ...tail];
}

test('unacknowledged: the bundle is sent again after 60 s, then after 120 s more (backoff)', async () => {
  const b = await firstBundle();
  const r = await runFirmware(scenario([], 4), opts);
  assert.is(r.app.resent, 2, 'at +60 s and +180 s');
  assert.is(chunkSends(r), 3 * b.chunks);
  assert.is(r.app.unacked, 1);
  assert.is(collectBundles(r.publishes).length, 1, 'the same bytes each time');
});

test('a signed ack for the id and CRC frees the bundle: nothing is sent again', async () => {
  const b = await firstBundle();
  const r = await runFirmware(scenario([ack(b.id, b.crc)], 4), opts);
  assert.is(r.app.acked, 1);
  assert.is(r.app.resent, 0);
  assert.is(r.app.unacked, 0);
  assert.is(chunkSends(r), b.chunks);
});

test('a forged ack, an ack for other bytes, or for another bundle frees nothing', async () => {
  const b = await firstBundle();
  const forged = ack(b.id, b.crc, new Uint8Array(32).fill(5));
  const otherCamera = { ...ack(b.id, b.crc, demoCameraSecret('yard')) };
  const r = await runFirmware(scenario([forged, otherCamera, ack(b.id, (b.crc ^ 1) >>> 0), ack('t1-e1', b.crc)], 4), opts);
  assert.is(r.app.ackRejected, 2);
  assert.is(r.app.ackUnknown, 2);
  assert.is(r.app.acked, 0);
  assert.is(r.app.resent, 2);
  assert.is(r.app.unacked, 1);
});

test('a reconnection sends the waiting bundle again at the next frame, before its timeout', async () => {
  const b = await firstBundle();
  const base = twoEvents();
  const last = base[base.length - 1] as Extract<FirmwareInput, { kind: 'frame' }>;
  const next = frames([settle], last.wallMs + 100, 3, last.ticksMs + 100).slice(0, 2);
  const r = await runFirmware([...base, { kind: 'connected' }, ...next], opts);
  assert.is(r.app.resent, 1);
  assert.is(chunkSends(r), 2 * b.chunks);
});

test('bounded by the board profile: with one slot, a second snapshot gives up the first (counted)', async () => {
  const board = loadBoard('desktop');
  const one = { ...board, mqtt: { ...board.mqtt, unackedBundles: 1 } };
  const base = twoEvents();
  const last = base[base.length - 1] as Extract<FirmwareInput, { kind: 'frame' }>;
  const third = frames([quiet(10), motion(), settle], last.wallMs + 100, 4, last.ticksMs + 100);
  const r1 = await runFirmware([...base, ...third], { ...opts, board: one });
  assert.is(r1.app.snapshots, 2);
  assert.is(r1.app.unackedDropped, 1);
  assert.is(r1.app.unacked, 1);
  const r2 = await runFirmware([...base, ...third], opts); // desktop profile: 2 slots
  assert.is(r2.app.unackedDropped, 0);
  assert.is(r2.app.unacked, 2);
});

test('Node and Duktape publish the same bytes with acks, forged acks, reconnections and resends', async () => {
  const b = await firstBundle();
  const inputs = scenario([ack('t1-e1', b.crc), ack(b.id, b.crc, new Uint8Array(32).fill(5)), { kind: 'connected' }], 3);
  const acked = scenario([ack(b.id, b.crc)], 2);
  for (const [what, ins] of [['unacked', inputs], ['acked', acked]] as const) {
    const n = await runFirmware(ins, opts);
    const e = await runFirmware(ins, { ...opts, runtime: 'embedded' });
    assert.is(e.publishes.length, n.publishes.length, `${what}: publish count`);
    for (let i = 0; i < n.publishes.length; i++) {
      assert.is(e.publishes[i].topic, n.publishes[i].topic);
      assert.ok(Buffer.from(e.publishes[i].payload).equals(Buffer.from(n.publishes[i].payload)), `${what}: publish ${i} differs`);
    }
    for (const k of ['acked', 'ackRejected', 'ackUnknown', 'resent', 'unacked', 'unackedDropped']) assert.is(e.app[k], n.app[k], `${what}: ${k}`);
  }
});

test.run();
