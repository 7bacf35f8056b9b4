/**
 * The default home stack (startStack, what `npm start` and `npm run web` run) starts smart alerts
 * with the real person detector loaded: a paired camera's event frame over MQTT is scored and
 * lands in the history. `alerts: false` (--no-alerts) leaves them out, and the relay then
 * subscribes to bundles only.
 */
// test-timeout: 150 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { connectPublisher, type BundlePublisher } from '../../src/adapters/mqtt-publisher.ts';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.ts';
import { openDatabase } from '../../src/adapters/sqlite-schema.ts';
import { silentLogger } from '../../src/log.ts';
import { encodeEventFrame, eventFrameSize, hexToBytes, macKey } from '../../src/protocol/index.ts';
import { relaySubscriptions } from '../../src/relay/main.ts';
import { demoCamera, startStack, type Stack } from '../../src/relay/stack.ts';
import { testJpeg } from './helpers/bundles.ts';
import { tempDir, waitFor } from './helpers/env.ts';

const stacks: Stack[] = [];
const pubs: BundlePublisher[] = [];
const dirs: (() => void)[] = [];
test.after.each(async () => {
  for (const p of pubs.splice(0)) await p.close();
  for (const s of stacks.splice(0)) await s.stop();
  for (const c of dirs.splice(0)) c();
});

async function stack(alerts?: false): Promise<Stack> {
  const { dir, cleanup } = tempDir('quietcam-stack-alerts-');
  dirs.push(cleanup);
  const s = await startStack({ dataDir: dir, brokerPort: 0, s3Port: 0, statusPort: null, cameras: [demoCamera('porch')], pair: ['porch'], log: silentLogger, ...(alerts === false ? { alerts } : {}) });
  stacks.push(s);
  return s;
}

test('default stack: alerts on, the person detector loaded; a camera\'s event frame over MQTT is scored into the history', async () => {
  const s = await stack();
  assert.ok(s.relay.alerts, 'the relay has an alert stage');
  assert.equal(relaySubscriptions(s.relay.config, true), ['quietcam/+/bundle', 'quietcam/+/frame', 'quietcam/+/event']);
  // the owner turns alerts on for the camera (what the pages' alert settings store)
  const db = openDatabase(join(s.relay.config.dataDir, 'relay.db'));
  const history = new SqliteEventHistory(db, join(s.relay.config.dataDir, 'alerts'));
  history.setEnrolled('porch', true, 'alice', Date.now());
  try {
    const jpeg = await testJpeg(320, 240);
    const frame = new Uint8Array(eventFrameSize('porch', jpeg.length));
    const login = s.paired.porch;
    encodeEventFrame(frame, macKey(hexToBytes(login.secret, 32)!), { cameraId: 'porch', eventId: 7, index: 0, count: 1, timeMs: Date.now(), offsetMs: 0, width: 320, height: 240 }, jpeg, jpeg.length);
    const pub = await connectPublisher({ url: s.brokerUrl, clientId: 'porch', username: login.username, password: login.password });
    pubs.push(pub);
    await pub.publishRaw('quietcam/porch/frame', frame);
    const stage = s.relay.alerts as unknown as { stats(): { frames: number; scored: number; rejected: Record<string, number> } };
    await waitFor(() => stage.stats().scored === 1, 60000, 'the frame scored by the detector');
    assert.equal(stage.stats().rejected, {});
    const row = db.prepare('SELECT detector, best_score AS score FROM alert_events').get() as { detector: string; score: number };
    assert.match(row.detector, /^nanodet/, 'scored by the real model, not a stand-in');
    assert.ok(row.score >= 0 && row.score <= 1, `a score in 0..1, got ${row.score}`);
  } finally {
    db.close();
  }
});

test('alerts: false (--no-alerts): no alert stage, bundles only', async () => {
  const s = await stack(false);
  assert.is(s.relay.alerts, undefined);
});

test.run();
