// test-timeout: 120 s
/**
 * Smart alerts end to end through Debian's mosquitto (started here with the config `quietcam
 * broker-config` writes: every login, the ACL). Two simulated cameras run the device app on clips
 * from ../shared/footage: "porch" on the start of vtest.avi (people walking), "yard" on tree.avi
 * up to its only motion event (a swaying tree and a hand, no person). Each sends its first two
 * event frames and its event message with its own broker login; the relay (its own login,
 * real NanoDet detector in its thread) scores them. Only the porch produces an alert: on MQTT as
 * Home Assistant's login reads it, at a local webhook receiver (signature checked) and at a local
 * push endpoint (decrypted with the subscription's keys). The yard's event is in the history as
 * "no-person" with its frames scored, and nothing about it went anywhere.
 * Skipped loudly when the footage or ffmpeg is absent; fails when mosquitto is not installed.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteAlertSettings } from '../../src/adapters/sqlite-alert-settings.js';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.js';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite-schema.js';
import { verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { silentLogger } from '../../src/log.js';
import { startRelay } from '../../src/relay/main.js';
import type { Relay } from '../../src/relay/relay.js';
import { runFirmwareOnSource } from '../../sim/firmware.js';
import { openSource } from '../../sim/sources/open.js';
import { FOOTAGE } from '../../bench/alerts-frames.js';
import { connected, subscribe } from '../adapters/helpers/mqtt.js';
import { testLogins, type TestLogins } from '../relay/helpers/auth.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { startMosquitto, type Mosquitto } from '../relay/helpers/mosquitto.js';
import { camera, MemoryBucket } from '../relay/helpers/relay.js';
import { testConfig } from '../relay/helpers/world.js';
import { browser, decrypt } from './push-crypto.js';

const OWNER = { id: 'alice', username: 'alice' };
const SECRET = 'mosquitto-e2e-webhook-secret-0123456789abcdef';
/** Where each clip's first motion event starts (device app, 80 px grid) and how much to play: two event frames (0 s and 1 s). */
const CLIPS = { porch: { file: 'vtest.avi', seconds: 7.5 }, yard: { file: 'tree.avi', seconds: 25 } } as const;
const absent = !existsSync(join(FOOTAGE, CLIPS.porch.file)) || !existsSync(join(FOOTAGE, CLIPS.yard.file)) || spawnSync('ffmpeg', ['-version']).status !== 0;

interface Hit { path: string; body: Buffer; req: IncomingMessage }
interface Ctx {
  tmp: ReturnType<typeof tempDir>; logins: TestLogins; broker: Mosquitto; http: Server; url: string; hits: Hit[];
  relay: Relay; db: SqliteDatabase; clients: MqttClient[];
}
const test = suite<Ctx>('alerts: a person clip and an empty one through mosquitto');

test.before(async (c) => {
  c.clients = [];
  c.hits = [];
  if (absent) return;
  c.tmp = tempDir('quietcam-alerts-mosquitto-');
  c.logins = testLogins(join(c.tmp.dir, 'relay'), ['porch', 'yard']);
  c.broker = await startMosquitto(c.tmp.dir, { listener: c.logins.mosquittoListener(c.tmp.dir) });
  c.http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (x) => chunks.push(x));
    req.on('end', () => {
      c.hits.push({ path: req.url!, body: Buffer.concat(chunks), req });
      res.writeHead(req.url === '/hook' ? 200 : 201).end();
    });
  });
  await new Promise<void>((r) => c.http.listen(0, '127.0.0.1', r));
  c.url = `http://127.0.0.1:${(c.http.address() as AddressInfo).port}`;
});

test.after(async (c) => {
  for (const cl of c.clients) cl.end(true);
  await c.relay?.stop();
  if (c.db?.open) c.db.close();
  await c.broker?.stop();
  c.http?.closeAllConnections();
  if (c.http) await new Promise((r) => c.http.close(r));
  c.tmp?.cleanup();
});

/** The device app on the clip; what it would publish on its frame and event topics. */
async function play(cameraId: keyof typeof CLIPS, wallStartMs: number) {
  const source = await openSource(join(FOOTAGE, CLIPS[cameraId].file));
  const fw = await runFirmwareOnSource(source, { runtime: 'node', cameraId, seconds: CLIPS[cameraId].seconds, wallStartMs, quietLogs: true });
  return fw.publishes.filter((p) => p.topic === `quietcam/${cameraId}/frame` || p.topic === `quietcam/${cameraId}/event`);
}

test('only the clip with a person alerts: MQTT, a verified webhook call and a decrypted push', async (c) => {
  if (absent) return console.log(`\n  !!!!! SKIPPED: ${FOOTAGE} (vtest.avi, tree.avi) or ffmpeg is absent: no clip was played through mosquitto !!!!!\n`);
  const t0 = Date.now();
  const config = testConfig(c.tmp.dir, c.broker.url, 'http://127.0.0.1:9', [camera('porch'), camera('yard')], { broker: { ...c.logins.services.relay } });
  c.relay = await startRelay({ config, objects: new MemoryBucket(), log: silentLogger, alerts: { workers: 0 } });
  // the owner's choices, as the pages write them: both cameras enrolled, every channel on, this "phone" subscribed
  c.db = openDatabase(join(config.dataDir, 'relay.db'));
  const settings = new SqliteAlertSettings(c.db);
  for (const cam of ['porch', 'yard']) settings.setEnabled(OWNER.id, cam, true, OWNER, Date.now());
  settings.setChannels(OWNER.id, { mqtt: true, webPush: true, webhookUrl: `${c.url}/hook`, webhookSecret: SECRET });
  const phone = browser(`${c.url}/push/phone`);
  settings.addPushSubscription(OWNER.id, { endpoint: phone.endpoint, p256dh: phone.ecdh.getPublicKey().toString('base64url'), auth: phone.auth.toString('base64url'), createdMs: Date.now() }, 10);
  const ha = await connected(c.broker.url, { ...c.logins.services.ha!, clientId: c.logins.services.ha!.username });
  c.clients.push(ha);
  const got: { topic: string; payload: Buffer; atMs: number }[] = [];
  ha.on('message', (topic, payload) => got.push({ topic, payload, atMs: Date.now() }));
  await subscribe(ha, ['quietcam/+/alert']);

  const wall0 = Date.now() - 30000; // the clips "happened" just now: inside the 7 days, before the relay's clock
  let porchSentMs = 0;
  for (const cam of ['yard', 'porch'] as const) {
    const pubs = await play(cam, wall0);
    if (cam === 'porch') porchSentMs = Date.now();
    assert.ok(pubs.filter((p) => p.topic.endsWith('/frame')).length >= 2, `${cam}: the device app sent its event frames`);
    const board = await connected(c.broker.url, { ...c.logins.cameras[cam], clientId: cam });
    c.clients.push(board);
    for (const p of pubs) await board.publishAsync(p.topic, Buffer.from(p.payload), { qos: 1 });
  }
  const history = new SqliteEventHistory(c.db, join(config.dataDir, 'alerts'));
  const scored = () => history.list({ ownerId: OWNER.id }).filter((e) => e.frames.length >= 2 && e.frames.slice(0, 2).every((f) => f.score >= 0 || e.verdict === 'person'));
  await waitFor(() => scored().length === 2 && c.hits.length >= 2 && got.length >= 1, 60000, 'both events scored; the alert at the webhook, the push endpoint and on MQTT');
  await new Promise((r) => setTimeout(r, 500)); // a second alert (there must be none) would come within this

  const byCam = Object.fromEntries(history.list({ ownerId: OWNER.id }).map((e) => [e.cameraId, e]));
  assert.is(byCam.porch.verdict, 'person');
  assert.ok(byCam.porch.bestScore >= 0.5, `porch: ${byCam.porch.bestScore}`);
  assert.ok(byCam.porch.boxes.length >= 1, 'porch: person boxes');
  assert.ok(byCam.yard.frames.every((f) => f.score < 0.5), `yard frames: ${byCam.yard.frames.map((f) => f.score)}`);
  assert.not.equal(byCam.yard.verdict, 'person');
  assert.is(byCam.yard.alertMs, null);

  assert.equal(got.map((g) => g.topic), ['quietcam/porch/alert'], 'one MQTT alert, the porch\'s');
  const mqttAlert = JSON.parse(got[0].payload.toString());
  assert.is(mqttAlert.verdict, 'person');
  assert.is(mqttAlert.event, String(byCam.porch.id));
  const hooks = c.hits.filter((h) => h.path === '/hook');
  assert.is(hooks.length, 1);
  const h = hooks[0];
  assert.is(verifyWebhook(SECRET, h.req.headers['x-quietcam-timestamp'] as string, h.req.headers['x-quietcam-signature'] as string, h.body.toString(), Date.now()), 'ok');
  assert.is(verifyWebhook('another-secret-another-secret-another-sec', h.req.headers['x-quietcam-timestamp'] as string, h.req.headers['x-quietcam-signature'] as string, h.body.toString(), Date.now()) === 'ok', false, 'the signature is the secret\'s');
  assert.is(JSON.parse(h.body.toString()).camera, 'porch');
  const pushes = c.hits.filter((x) => x.path === '/push/phone');
  assert.is(pushes.length, 1);
  const push = JSON.parse(decrypt(phone, pushes[0].body));
  assert.is(push.verdict, 'person');
  assert.is(push.camera, 'porch');
  assert.not.ok([...got.map((g) => g.payload.toString()), ...c.hits.map((x) => x.body.toString('latin1'))].some((s) => s.includes('yard')), 'nothing about the yard anywhere');
  await waitFor(() => settings.forEvent(OWNER.id, 'porch', String(byCam.porch.id))?.deliveries.webhook === 'sent', 5000, 'deliveries recorded');
  const sent = settings.forEvent(OWNER.id, 'porch', String(byCam.porch.id))!;
  assert.equal(sent.deliveries, { mqtt: 'sent', webhook: 'sent', webpush: 'sent' });
  console.log(`  mosquitto e2e: porch ${byCam.porch.bestScore.toFixed(2)}, yard best ${Math.max(...byCam.yard.frames.map((f) => f.score)).toFixed(2)}; ` +
    `porch's frames published -> MQTT alert ${got[0].atMs - porchSentMs} ms (behind the yard's frames in the detector's queue); whole test ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});

test.run();
