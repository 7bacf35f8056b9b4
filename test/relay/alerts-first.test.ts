/**
 * Alerts go first: while the alert stage has event frames to score (its person detector is busy),
 * the relay stores and acknowledges bundles as always but starts no new upload, for at most
 * upload.alertsFirstMs per busy spell; then uploads run even if the detector is still busy.
 * The real alert stage (startRelay({ alerts })) with a detector whose answers the test releases.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite-schema.ts';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.ts';
import type { PersonResult } from '../../src/alerts/types.ts';
import { silentLogger } from '../../src/log.ts';
import { bundleTopic, chunkBundle, demoCameraSecret, encodeBundle, encodeEventFrame, frameTopic, macKey } from '../../src/protocol/index.ts';
import { resolveConfig } from '../../src/relay/config.ts';
import { startRelay } from '../../src/relay/main.ts';
import type { Relay } from '../../src/relay/relay.ts';
import { makeBundle, testJpeg } from './helpers/bundles.ts';
import { tempDir, waitFor } from './helpers/env.ts';
import { camera, MemoryBucket } from './helpers/relay.ts';

const KEY = macKey(demoCameraSecret('porch'));
const held: ((r: PersonResult) => void)[] = [];
const relays: Relay[] = [];
const cleanups: (() => void)[] = [];
test.after.each(async () => {
  for (const release of held.splice(0)) release({ person: false, score: 0, boxes: [] });
  for (const r of relays.splice(0)) await r.stop();
  for (const c of cleanups.splice(0)) c();
});

async function relayWith(alertsFirstMs: number): Promise<Relay> {
  const { dir, cleanup } = tempDir('quietcam-alerts-first-');
  cleanups.push(cleanup);
  const config = resolveConfig({ dataDir: join(dir, 'relay'), status: { port: null }, cameras: [camera('porch')] as never, upload: { alertsFirstMs } });
  const db = openDatabase(join(dir, 'relay', 'relay.db'));
  new SqliteEventHistory(db, join(dir, 'relay', 'alerts')).setEnrolled('porch', true, 'alice', Date.now());
  db.close();
  // a detector that answers when the test says so: busy until then
  const detector = { name: 'held', detect: () => new Promise<PersonResult>((resolve) => held.push(resolve)), async close() {} };
  const relay = await startRelay({ config, objects: new MemoryBucket(), log: silentLogger, mqtt: false, alerts: { detector, channels: [] } });
  relays.push(relay);
  return relay;
}

function sendFrame(relay: Relay, eventId: number): void {
  const out = new Uint8Array(200);
  const j = new Uint8Array([0xff, 0xd8, 1, 2]);
  const n = encodeEventFrame(out, KEY, { cameraId: 'porch', eventId, index: 0, count: 3, timeMs: Date.now(), offsetMs: 0, width: 8, height: 8 }, j, j.length);
  relay.handle({ topic: frameTopic('porch'), payload: out.slice(0, n), receivedMs: Date.now() });
}

async function sendBundle(relay: Relay, bundleId: string): Promise<void> {
  const b = makeBundle({ cameraId: 'porch', bundleId, jpeg: await testJpeg() });
  for (const c of chunkBundle(encodeBundle(b, undefined, KEY), { cameraId: 'porch', bundleId })) await relay.handle({ topic: bundleTopic('porch'), payload: c, receivedMs: Date.now() });
}

test('a bundle waits while the detector scores a frame, and is uploaded once it is done', async () => {
  const relay = await relayWith(5000);
  sendFrame(relay, 1);
  await waitFor(() => held.length === 1, 2000, 'the frame is being scored');
  await sendBundle(relay, 'b1');
  assert.is(relay.status().counts.accepted, 1, 'stored (and acknowledged) at once');
  await new Promise((r) => setTimeout(r, 400));
  assert.is(relay.status().counts.uploaded, 0, 'no upload started while an alert is being decided');
  held.shift()!({ person: false, score: 0.1, boxes: [] });
  await waitFor(() => relay.status().counts.uploaded === 1, 5000, 'uploaded once the detector is idle');
});

test('the wait is bounded: after alertsFirstMs uploads go on though the detector stays busy', async () => {
  const relay = await relayWith(300);
  sendFrame(relay, 1);
  await waitFor(() => held.length === 1, 2000, 'the frame is being scored');
  const t0 = Date.now();
  await sendBundle(relay, 'b2');
  await waitFor(() => relay.status().counts.uploaded === 1, 5000, 'uploaded after the bound');
  assert.ok(Date.now() - t0 >= 250, `${Date.now() - t0} ms: it waited first`);
  const t1 = Date.now();
  await sendBundle(relay, 'b3'); // the same busy spell has had its wait
  await waitFor(() => relay.status().counts.uploaded === 2, 5000, 'second uploaded');
  assert.ok(Date.now() - t1 < 250, `${Date.now() - t1} ms: no second wait in the same spell`);
  assert.is(held.length, 1, 'the detector was busy all along');
});

test('alertsFirstMs 0: uploads never wait', async () => {
  const relay = await relayWith(0);
  sendFrame(relay, 1);
  await waitFor(() => held.length === 1, 2000, 'the frame is being scored');
  await sendBundle(relay, 'b4');
  await waitFor(() => relay.status().counts.uploaded === 1, 3000, 'uploaded although the detector is busy');
});

test.run();
