/**
 * The consent reminders as `quietcam web` runs them: startWebServer on a home stack (embedded
 * broker, local S3, relay) checks on its own and sends through the owner's alert channels, kept
 * open for the server's life on the pages' notices login (one MQTT connection for every reminder,
 * closed when the server stops): the signed webhook gets it, and the Home Assistant login reads it
 * on `quietcam/<camera>/reminder`. Once, though the server keeps checking.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { silentLogger } from '../../src/log.js';
import { startStack, type Stack } from '../../src/relay/stack.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { closeAll, connected, subscribe } from '../adapters/helpers/mqtt.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';

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
