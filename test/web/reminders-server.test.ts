/**
 * The consent reminders as `quietcam web` runs them: startWebServer on a home stack (embedded
 * broker, local S3, relay) checks on its own and sends through the owner's alert channels, kept
 * open for the server's life on the pages' notices login (one MQTT connection for every reminder,
 * closed when the server stops): the signed webhook gets it, and the Home Assistant login reads it
 * on `quietcam/<camera>/reminder`. Once, though the server keeps checking. Then the same on
 * Debian's mosquitto with the relay's alert publisher connected: it is never knocked off (fails
 * when mosquitto is not installed).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers } from '../../src/adapters/broker-users.js';
import { ALERTS_LOGIN, writeMosquittoFiles } from '../../src/adapters/mosquitto-config.js';
import { mqttAlertsChannel } from '../../src/alerts/channels/mqtt-alerts.js';
import { resolveConfig } from '../../src/relay/config.js';
import { verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { silentLogger } from '../../src/log.js';
import { startStack, type Stack } from '../../src/relay/stack.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { closeAll, connected, subscribe } from '../adapters/helpers/mqtt.js';
import { freePort, tempDir, waitFor } from '../relay/helpers/env.js';
import { startMosquitto } from '../relay/helpers/mosquitto.js';

const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I';
const DAY = 86400000;

interface Ctx {
  tmp: ReturnType<typeof tempDir>; stack: Stack; web?: WebServer; http: Server; hooks: { headers: IncomingMessage['headers']; body: string }[]; clients: MqttClient[];
  /** The broker's view of the pages' notices connections (client id `quietcam-web-notices-<random>`). */
  notices: { connects: number; disconnects: number };
}
const test = suite<Ctx>('web server: consent reminders through the alert channels');

test.before(async (c) => {
  c.tmp = tempDir('quietcam-remind-srv-');
  c.hooks = [];
  c.clients = [];
  c.http = createServer((req, res) => {
    let body = '';
    req.on('data', (x) => (body += x));
    req.on('end', () => {
      c.hooks.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => c.http.listen(0, '127.0.0.1', r));
  c.stack = await startStack({ dataDir: c.tmp.dir, brokerPort: 0, s3Port: 0, statusPort: null, log: silentLogger, alerts: false });
  c.notices = { connects: 0, disconnects: 0 };
  const mine = (id: string) => id.startsWith('quietcam-web-notices-');
  c.stack.broker.aedes.on('client', (cl) => mine(cl.id) && c.notices.connects++);
  c.stack.broker.aedes.on('clientDisconnect', (cl) => mine(cl.id) && c.notices.disconnects++);
});
test.after(async (c) => {
  await closeAll(c.clients);
  await c.web?.close();
  await c.stack?.stop();
  c.http.closeAllConnections();
  await new Promise((r) => c.http.close(r));
  c.tmp.cleanup();
});

test('a camera whose consent ends in 10 days: the running server tells the webhook and Home Assistant, once', async (c) => {
  const ha = await connected(c.stack.brokerUrl, { ...c.stack.services.ha!, clientId: 'quietcam-ha' });
  c.clients.push(ha);
  const got: { topic: string; body: string }[] = [];
  ha.on('message', (topic, p) => got.push({ topic, body: p.toString() }));
  assert.equal(await subscribe(ha, ['quietcam/+/reminder']), [1]);
  c.web = await startWebServer({
    relay: c.stack.relay.config, log: silentLogger, reminders: { everyMs: 100, pagesUrl: 'https://cams.example.org' },
    web: { port: 0, cookies: 'insecure-localhost', passwords: { scryptLogN: 10, minLength: 10 } },
  });
  const { ports } = c.web!;
  const now = Date.now();
  const owner = ports.accounts.create({ id: 'o-remind', username: 'rena', passwordHash: 'x', totpSecret: 'JBSWY3DPEHPK3PXP', createdMs: now, timeZone: 'Europe/Paris' });
  assert.ok(owner !== 'taken');
  const cred = newCameraCredentials('cam-remind');
  ports.cameras.add({ cameraId: cred.cameraId, ownerId: 'o-remind', name: 'Garden', placement: 'exterior', interiorConfirmed: false, pairingHash: cred.pairingHash, createdMs: now }, cred);
  ports.alerts.setChannels('o-remind', { mqtt: true, webhookUrl: `http://127.0.0.1:${(c.http.address() as AddressInfo).port}/hook`, webhookSecret: SECRET, webPush: false });
  ports.cameras.setConsent({ cameraId: cred.cameraId, ownerId: 'o-remind', purposes: 1, version: 1, textVersion: 't', grantedMs: now - 355 * DAY, expiresMs: now + 10 * DAY, action: 'set' });
  await waitFor(() => c.hooks.length === 1 && got.length === 1, 15000, 'the reminder on the webhook and on MQTT');
  const hook = c.hooks[0];
  assert.is(verifyWebhook(SECRET, hook.headers['x-quietcam-timestamp'] as string, hook.headers['x-quietcam-signature'] as string, hook.body, Date.now()), 'ok');
  const m = JSON.parse(hook.body);
  assert.equal([m.kind, m.threshold, m.title, m.page], ['consent-reminder', 'soon', 'Consent for Garden ends in 10 day(s)', 'https://cams.example.org/cameras/cam-remind']);
  assert.is(got[0].topic, 'quietcam/cam-remind/reminder');
  assert.equal(JSON.parse(got[0].body), m);
  await waitFor(() => ports.reminders.forOwner('o-remind', 5)[0]?.deliveries.webhook === 'sent', 5000, 'the deliveries recorded');
  assert.equal(ports.reminders.forOwner('o-remind', 5)[0].deliveries, { mqtt: 'sent', webhook: 'sent' });
  await new Promise((r) => setTimeout(r, 600)); // several more checks
  assert.is(c.hooks.length, 1, 'once');
  assert.is(got.length, 1);
});

test('one notices connection for the server\'s life: a second reminder goes on it, and it closes with the server', async (c) => {
  const { ports } = c.web!;
  const now = Date.now();
  const cred = newCameraCredentials('cam-remind-2');
  ports.cameras.add({ cameraId: cred.cameraId, ownerId: 'o-remind', name: 'Gate', placement: 'exterior', interiorConfirmed: false, pairingHash: cred.pairingHash, createdMs: now }, cred);
  ports.cameras.setConsent({ cameraId: cred.cameraId, ownerId: 'o-remind', purposes: 1, version: 1, textVersion: 't', grantedMs: now - 360 * DAY, expiresMs: now + 5 * DAY, action: 'set' });
  await waitFor(() => ports.reminders.forOwner('o-remind', 5).find((r) => r.cameraId === 'cam-remind-2')?.deliveries.mqtt === 'sent', 15000, 'the second reminder sent on MQTT');
  assert.equal(c.notices, { connects: 1, disconnects: 0 }, 'the same connection');
  await c.web!.close();
  c.web = undefined;
  await waitFor(() => c.notices.disconnects === 1, 5000, 'the notices connection closed with the server');
  assert.is(c.notices.connects, 1);
});

test.run();

/**
 * The same server on Debian's mosquitto with the files `quietcam broker-config` writes, the relay's
 * alert publisher connected as the relay runs it: a reminder goes out on the pages' notices login
 * and the alert publisher is never knocked off (with the alert login, mosquitto would close it).
 */
const real = suite<{ tmp?: ReturnType<typeof tempDir>; stop: (() => Promise<void>)[] }>('web server: consent reminders on mosquitto', { stop: [] });
real.after(async (c) => {
  for (const stop of c.stop.reverse()) await stop().catch(() => {});
  c.tmp?.cleanup();
});

real('a reminder through mosquitto reaches Home Assistant; the relay\'s alert publisher stays connected', async (c) => {
  const tmp = (c.tmp = tempDir('quietcam-remind-mosq-'));
  const services = loadOrCreateBrokerUsers(tmp.dir);
  const broker = await startMosquitto(tmp.dir, {
    listener: (port) => readFileSync(writeMosquittoFiles({ cameras: [], services, dir: join(tmp.dir, 'auth'), port }).conf, 'utf8').split('\n'),
  });
  c.stop.push(() => broker.stop());
  const alerts = mqttAlertsChannel({ url: broker.url, username: ALERTS_LOGIN, password: services.relay.password });
  c.stop.push(async () => alerts.close?.());
  const seen = { offline: 0 };
  alerts.client.on('offline', () => seen.offline++);
  const ha = await connected(broker.url, { ...services.ha!, clientId: 'quietcam-ha' });
  c.stop.push(() => closeAll([ha]));
  const got: string[] = [];
  ha.on('message', (topic) => got.push(topic));
  assert.equal(await subscribe(ha, ['quietcam/+/reminder']), [1]);
  await waitFor(() => alerts.client.connected, 5000, 'the alert publisher connected');
  // S3 is not used here (no upload, no operator bucket write with no camera at start)
  const relay = resolveConfig({ dataDir: tmp.dir, broker: { url: broker.url }, s3: { endpoint: `http://127.0.0.1:${await freePort()}` }, status: { port: null } });
  const web = await startWebServer({
    relay, log: silentLogger, reminders: { everyMs: 100, pagesUrl: 'https://cams.example.org' },
    web: { port: 0, cookies: 'insecure-localhost', passwords: { scryptLogN: 10, minLength: 10 } },
  });
  c.stop.push(() => web.close());
  const { ports } = web;
  const now = Date.now();
  assert.ok(ports.accounts.create({ id: 'o-mosq', username: 'mo', passwordHash: 'x', totpSecret: 'JBSWY3DPEHPK3PXP', createdMs: now, timeZone: 'UTC' }) !== 'taken');
  for (const [id, days] of [['cam-m1', 10], ['cam-m2', 3]] as const) {
    const cred = newCameraCredentials(id);
    ports.cameras.add({ cameraId: id, ownerId: 'o-mosq', name: id, placement: 'exterior', interiorConfirmed: false, pairingHash: cred.pairingHash, createdMs: now }, cred);
    ports.cameras.setConsent({ cameraId: id, ownerId: 'o-mosq', purposes: 1, version: 1, textVersion: 't', grantedMs: now - 300 * DAY, expiresMs: now + days * DAY, action: 'set' });
  }
  ports.alerts.setChannels('o-mosq', { mqtt: true, webhookUrl: null, webhookSecret: null, webPush: false });
  await waitFor(() => got.length === 2, 15000, 'both reminders at Home Assistant');
  assert.equal(got.sort(), ['quietcam/cam-m1/reminder', 'quietcam/cam-m2/reminder']);
  assert.equal(ports.reminders.forOwner('o-mosq', 5).map((r) => r.deliveries), [{ mqtt: 'sent' }, { mqtt: 'sent' }]);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(seen.offline, 0, 'the relay\'s alert publisher was never knocked off');
  assert.ok(alerts.client.connected);
});

real.run();
