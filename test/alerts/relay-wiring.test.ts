/**
 * startRelay({ alerts }) (src/relay/main.ts): the relay routes event frames and event messages to
 * its alert stage (a fake detector here), bundles still go to the pipeline, and with alerts off
 * a frame is refused as before. The MQTT subscriptions follow the option.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite-schema.ts';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.ts';
import type { PersonAlert } from '../../src/alerts/types.ts';
import { silentLogger } from '../../src/log.ts';
import { demoCameraSecret, encodeEventFrame, macKey } from '../../src/protocol/index.ts';
import { resolveConfig } from '../../src/relay/config.ts';
import { relaySubscriptions, startRelay } from '../../src/relay/main.ts';
import type { Relay } from '../../src/relay/relay.ts';
import { tempDir } from '../relay/helpers/env.ts';
import { camera, MemoryBucket } from '../relay/helpers/relay.ts';

const relays: Relay[] = [];
const cleanups: (() => void)[] = [];
test.after.each(async () => {
  for (const r of relays.splice(0)) await r.stop();
  for (const c of cleanups.splice(0)) c();
});

function frame(cam: string, index: number, firstByte: number): Uint8Array {
  const out = new Uint8Array(200);
  const j = new Uint8Array([firstByte, 1, 2, 3]);
  const n = encodeEventFrame(out, macKey(demoCameraSecret(cam)), { cameraId: cam, eventId: 1, index, count: 3, timeMs: Date.now(), offsetMs: index * 1000, width: 8, height: 8 }, j, j.length);
  return out.slice(0, n);
}

async function relayWithAlerts(on: boolean) {
  const { dir, cleanup } = tempDir('quietcam-alerts-wiring-');
  cleanups.push(cleanup);
  const config = resolveConfig({ dataDir: join(dir, 'relay'), status: { port: null }, cameras: [camera('porch')] as never });
  const db = openDatabase(join(dir, 'relay', 'relay.db'));
  new SqliteEventHistory(db, join(dir, 'relay', 'alerts')).setEnrolled('porch', true, 'alice', Date.now());
  db.close();
  const alerts: PersonAlert[] = [];
  const detector = { name: 'fake', async detect(j: Uint8Array) { return { person: false, score: j[0] / 100, boxes: [] }; }, async close() {} };
  const relay = await startRelay({
    config, objects: new MemoryBucket(), log: silentLogger, mqtt: false,
    alerts: on ? { detector, channels: [{ name: 't', onAlert: (a) => void alerts.push(a) }] } : false,
  });
  relays.push(relay);
  return { relay, alerts, config };
}

test('with alerts: frames reach the stage, one alert for the person event', async () => {
  const { relay, alerts, config } = await relayWithAlerts(true);
  for (const [i, s] of [10, 90, 95].entries()) relay.handle({ topic: 'quietcam/porch/frame', payload: frame('porch', i, s), receivedMs: Date.now() });
  await relay.alerts!.whenIdle();
  assert.is(alerts.length, 1);
  assert.is(alerts[0].score, 0.9);
  assert.is(relay.status().counts.rejected, 0, 'nothing counted against the bundle pipeline');
  assert.equal(relaySubscriptions(config, true), ['quietcam/+/bundle', 'quietcam/+/frame', 'quietcam/+/event']);
});

test('without alerts: a frame is refused by the pipeline (bad-topic), nothing stored', async () => {
  const { relay, config } = await relayWithAlerts(false);
  relay.handle({ topic: 'quietcam/porch/frame', payload: frame('porch', 0, 90), receivedMs: Date.now() });
  assert.is(relay.alerts, undefined);
  assert.is(relay.status().rejectedByReason['bad-topic'], 1);
  assert.equal(relaySubscriptions(config, false), ['quietcam/+/bundle']);
});

test.run();
