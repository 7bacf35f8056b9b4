/**
 * The channels as the relay runs them (startAlertChannels), fed the way the relay's alert stage
 * feeds them (`stageChannel.onAlert` with pixel boxes): one person alert reaches Home Assistant's
 * login on the embedded broker, a local webhook receiver (signature checked) and a local push
 * endpoint (decrypted with the subscription's keys), for 8 cameras at once; a camera with alerts
 * off sends nothing anywhere; the feed forgets alerts after 7 days.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker, type EmbeddedBroker } from '../../src/adapters/aedes-broker.js';
import { brokerAuth } from '../../src/adapters/broker-auth.js';
import { MemoryCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers } from '../../src/adapters/broker-users.js';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite-schema.js';
import { startAlertChannels, ALERT_RETENTION_MS } from '../../src/alerts/start.js';
import { verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { connected, subscribe } from '../adapters/helpers/mqtt.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { memoryLog, OWNER, percentile } from './helpers.js';
import { browser, decrypt } from './push-crypto.js';
import type { MqttClient } from 'mqtt';

const SECRET = 'e2e-webhook-secret-e2e-webhook-secret-e2e-we';
const CAMS = ['cam-1', 'cam-2', 'cam-3', 'cam-4', 'cam-5', 'cam-6', 'cam-7', 'cam-8'];

interface Hit { path: string; body: Buffer; req: IncomingMessage; atMs: number }
interface Ctx { tmp: ReturnType<typeof tempDir>; broker: EmbeddedBroker; http: Server; url: string; hits: Hit[]; db: SqliteDatabase; ha: MqttClient; closers: (() => Promise<void>)[] }
const test = suite<Ctx>('alerts: every channel, as the relay runs them');

test.before.each(async (c) => {
  c.closers = [];
  c.hits = [];
  c.tmp = tempDir('quietcam-alerts-e2e-');
  const services = loadOrCreateBrokerUsers(c.tmp.dir);
  c.broker = await startBroker({ port: 0, auth: brokerAuth({ cameras: new MemoryCameraCredentials(), services }) });
  c.http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (x) => chunks.push(x));
    req.on('end', () => {
      c.hits.push({ path: req.url!, body: Buffer.concat(chunks), req, atMs: Date.now() });
      res.writeHead(req.url === '/hook' ? 200 : 201).end();
    });
  });
  await new Promise<void>((r) => c.http.listen(0, '127.0.0.1', r));
  c.url = `http://127.0.0.1:${(c.http.address() as AddressInfo).port}`;
  c.db = openDatabase(join(c.tmp.dir, 'relay.db'));
  c.ha = await connected(c.broker.url, { ...services.ha!, clientId: 'quietcam-ha' });
});
test.after.each(async (c) => {
  for (const close of c.closers) await close().catch(() => {});
  c.ha?.end(true);
  c.http.closeAllConnections();
  await new Promise((r) => c.http.close(r));
  await c.broker.stop();
  c.db.close();
  c.tmp.cleanup();
});

test('one person alert per camera, 8 cameras at once: MQTT, a verified webhook and a decrypted push each', async (c) => {
  const clock = { now: Date.now() };
  const reached = new Map<string, string[]>();
  const alerts = startAlertChannels({ dataDir: c.tmp.dir, db: c.db, broker: { url: c.broker.url }, pagesUrl: 'https://cams.example.org', log: memoryLog(), clock: () => clock.now, onDelivered: (a, to) => reached.set(a.eventId, to) });
  c.closers.push(() => alerts.close());
  const phone = browser(`${c.url}/push/phone`);
  for (const cam of [...CAMS, 'cam-off']) c.db.prepare("INSERT INTO cameras (camera_id, owner_id, placement) VALUES (?, ?, 'exterior')").run(cam, OWNER.id);
  for (const cam of CAMS) alerts.store.setEnabled(OWNER.id, cam, true, OWNER, clock.now);
  alerts.store.setChannels(OWNER.id, { mqtt: true, webPush: true, webhookUrl: `${c.url}/hook`, webhookSecret: SECRET });
  alerts.store.addPushSubscription(OWNER.id, { endpoint: phone.endpoint, p256dh: phone.ecdh.getPublicKey().toString('base64url'), auth: phone.auth.toString('base64url'), createdMs: clock.now }, 10);
  const mqttGot: { topic: string; payload: Buffer; atMs: number }[] = [];
  c.ha.on('message', (topic, payload) => mqttGot.push({ topic, payload, atMs: Date.now() }));
  await subscribe(c.ha, ['quietcam/+/alert', 'quietcam/+/alert-image']);
  await waitFor(() => (alerts.dispatcher as unknown as { o: { channels: { client?: MqttClient }[] } }).o.channels[0].client?.connected, 5000, 'alert publisher connected');

  const frame = join(c.tmp.dir, 'frame.jpg');
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#456' } }).jpeg().toFile(frame);
  const ms = (xs: number[]) => `p50 ${percentile(xs, 50)} ms, max ${Math.max(...xs)} ms`;
  for (const round of [0, 1]) {
    // round 0 is cold (first connections, first key derivations); round 1 is the steady state
    const t0 = Date.now();
    const seen = { mqtt: mqttGot.length, hits: c.hits.length };
    for (const [i, cam] of [...CAMS, 'cam-off'].entries()) {
      void alerts.stageChannel.onAlert({ cameraId: cam, ownerId: OWNER.id, eventId: 100 * (round + 1) + i, atMs: clock.now, verdict: 'person', score: 0.77, boxes: [{ x: 32, y: 24, w: 160, h: 120 }], imagePath: frame });
    }
    const newMqtt = () => mqttGot.slice(seen.mqtt).filter((g) => g.topic.endsWith('/alert'));
    const newHits = (p: string) => c.hits.slice(seen.hits).filter((h) => h.path === p);
    await waitFor(() => newMqtt().length === 8 && newHits('/hook').length === 8 && newHits('/push/phone').length === 8, 10000, 'every channel, every camera');
    console.log(`8 cameras at once (${round ? 'warm' : 'cold'}), from the stage's call: mqtt ${ms(newMqtt().map((g) => g.atMs - t0))}; webhook ${ms(newHits('/hook').map((h) => h.atMs - t0))}; web push ${ms(newHits('/push/phone').map((h) => h.atMs - t0))}`);
  }

  const hook = c.hits.find((h) => h.path === '/hook')!;
  assert.is(verifyWebhook(SECRET, hook.req.headers['x-quietcam-timestamp'] as string, hook.req.headers['x-quietcam-signature'] as string, hook.body.toString(), Date.now()), 'ok');
  const body = JSON.parse(hook.body.toString());
  assert.equal(body.boxes, [{ x: 0.1, y: 0.1, w: 0.5, h: 0.5 }], 'pixel boxes as 0..1 of the 320x240 frame');
  assert.is(body.event.startsWith('10'), true);
  const push = JSON.parse(decrypt(phone, c.hits.find((h) => h.path === '/push/phone')!.body));
  assert.is(push.verdict, 'person');
  await waitFor(() => mqttGot.filter((g) => g.topic.endsWith('/alert-image')).length === 16, 3000, 'the images');
  assert.is(mqttGot.filter((g) => g.topic === 'quietcam/cam-1/alert-image').length, 2);
  assert.not.ok([...mqttGot.map((g) => g.topic), ...c.hits.map((h) => h.body.toString('latin1'))].some((s) => s.includes('cam-off')), 'alerts off: nothing anywhere');
  assert.is(alerts.dispatcher.counts().off, 2);
  await waitFor(() => alerts.store.latest(OWNER.id, 20).every((a) => a.deliveries.mqtt === 'sent' && a.deliveries.webhook === 'sent' && a.deliveries.webpush === 'sent'), 3000, 'deliveries recorded');

  assert.equal([...(reached.get('100') ?? [])].sort(), ['mqtt', 'webhook', 'webpush'], 'where it went, for the event history');
  assert.not.ok(reached.has('108'), 'cam-off: nowhere');
  // the feed keeps 7 days: a restart (start again) a week and an hour later forgets them
  clock.now += ALERT_RETENTION_MS + 3600000;
  const later = startAlertChannels({ dataDir: c.tmp.dir, db: c.db, broker: { url: c.broker.url }, mqtt: false, log: memoryLog(), clock: () => clock.now });
  c.closers.push(() => later.close());
  assert.equal(later.store.latest(OWNER.id, 10), []);
});

test.run();
