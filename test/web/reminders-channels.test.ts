/**
 * A consent reminder through each of the owner's alert channels, with the real AlertDispatcher
 * and channels (src/alerts): the signed webhook (verified like a receiver does), Web Push (the
 * VAPID-signed, encrypted body decrypted with the subscription's keys), and MQTT on
 * `quietcam/<camera>/reminder` under the pages' notices login, which the Home Assistant login reads
 * and a camera's login cannot.
 * The camera's smart alerts are off: reminders follow the account's channels, not the person alerts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker, type EmbeddedBroker } from '../../src/adapters/aedes-broker.js';
import { brokerAuth } from '../../src/adapters/broker-auth.js';
import { mayPublish, mayReceive, maySubscribe } from '../../src/adapters/broker-acl.js';
import { MemoryCameraCredentials, newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers, type BrokerUsers } from '../../src/adapters/broker-users.js';
import { ALERTS_LOGIN, mosquittoAcl, NOTICES_LOGIN } from '../../src/adapters/mosquitto-config.js';
import { loadOrCreateVapidKeys } from '../../src/adapters/vapid-keys.js';
import { mqttAlertsChannel } from '../../src/alerts/channels/mqtt-alerts.js';
import { webPushChannel } from '../../src/alerts/channels/web-push.js';
import { webhookChannel } from '../../src/alerts/channels/webhook.js';
import { AlertDispatcher } from '../../src/alerts/dispatcher.js';
import { verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { silentLogger } from '../../src/log.js';
import { ConsentReminders } from '../../src/web/reminders.js';
import { browser, decrypt, type Browser } from '../alerts/push-crypto.js';
import { closeAll, connected, subscribe, tryConnect } from '../adapters/helpers/mqtt.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { addCamera, DAY, signUp, testWeb, type Owner, type TestWeb } from './helpers.js';

const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I';

interface Hit { path: string; headers: IncomingMessage['headers']; body: Buffer }
interface Ctx {
  web: TestWeb; ann: Owner; porch: string; tmp: ReturnType<typeof tempDir>; http: Server; url: string; hits: Hit[];
  broker: EmbeddedBroker; services: BrokerUsers; cams: MemoryCameraCredentials; clients: MqttClient[]; dispatcher: AlertDispatcher; phone: Browser;
}
const test = suite<Ctx>('web: consent reminders through every alert channel');

test.before.each(async (c) => {
  c.tmp = tempDir('quietcam-remind-ch-');
  c.hits = [];
  c.clients = [];
  // one local server: the webhook receiver (/hook) and the push service (/push/...)
  c.http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (x) => chunks.push(x));
    req.on('end', () => {
      c.hits.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(req.url!.startsWith('/push') ? 201 : 200).end();
    });
  });
  await new Promise<void>((r) => c.http.listen(0, '127.0.0.1', r));
  c.url = `http://127.0.0.1:${(c.http.address() as AddressInfo).port}`;
  c.services = loadOrCreateBrokerUsers(c.tmp.dir);
  c.cams = new MemoryCameraCredentials([]);
  c.broker = await startBroker({ port: 0, auth: brokerAuth({ cameras: c.cams, services: c.services }) });
  c.web = testWeb();
  c.ann = await signUp(c.web, 'ann');
  c.porch = (await addCamera(c.ann, 'Porch')).cameraId;
  await c.ann.client.post(`/cameras/${c.porch}/contributions`, { choice: 'both', agree: 'yes' });
  const vapid = loadOrCreateVapidKeys(c.tmp.dir);
  const store = c.web.ports.alerts;
  c.dispatcher = new AlertDispatcher({
    store, pagesUrl: 'https://cams.example.org', log: silentLogger,
    channels: [
      mqttAlertsChannel({ url: c.broker.url, username: NOTICES_LOGIN, password: c.services.web.password }),
      webhookChannel({ baseDelayMs: 20 }),
      webPushChannel({ vapid, subject: 'mailto:test@example.org', forget: (o, e) => store.removePushSubscription(o, e) }),
    ],
  });
  c.phone = browser(`${c.url}/push/ann-phone`);
  store.addPushSubscription(c.ann.id, { endpoint: c.phone.endpoint, p256dh: c.phone.ecdh.getPublicKey().toString('base64url'), auth: c.phone.auth.toString('base64url'), createdMs: 0 }, 10);
  store.setChannels(c.ann.id, { mqtt: true, webhookUrl: `${c.url}/hook`, webhookSecret: SECRET, webPush: true });
});
test.after.each(async (c) => {
  await closeAll(c.clients);
  await c.dispatcher?.close(2000);
  await c.web?.close();
  await c.broker?.stop();
  c.http.closeAllConnections();
  await new Promise((r) => c.http.close(r));
  c.tmp.cleanup();
});

test('the broker rules: the pages\' notices login writes reminders, only Home Assistant reads them (embedded and mosquitto alike)', () => {
  assert.ok(mayPublish({ kind: 'notices' }, 'quietcam/cam-1/reminder', false));
  assert.not.ok(mayPublish({ kind: 'notices' }, 'quietcam/cam-1/reminder', true), 'never retained');
  assert.ok(maySubscribe({ kind: 'ha' }, 'quietcam/+/reminder'));
  assert.ok(mayReceive({ kind: 'ha' }, 'quietcam/cam-1/reminder'));
  for (const id of [{ kind: 'camera', cameraId: 'cam-1' }, { kind: 'web' }, { kind: 'relay' }] as const) {
    assert.not.ok(maySubscribe(id, 'quietcam/cam-1/reminder'), id.kind);
    assert.not.ok(mayReceive(id, 'quietcam/cam-1/reminder'), id.kind);
    assert.not.ok(mayPublish(id, 'quietcam/cam-1/reminder', false), id.kind);
  }
  assert.not.ok(maySubscribe({ kind: 'notices' }, 'quietcam/+/reminder'));
  const acl = mosquittoAcl([]);
  assert.match(acl, new RegExp(`user ${NOTICES_LOGIN}\\ntopic write quietcam/\\+/reminder\\n\\n`));
  assert.not.match(acl, new RegExp(`user ${ALERTS_LOGIN}\\n(topic [^\\n]+\\n)*topic write quietcam/\\+/reminder`));
  assert.match(acl, /user quietcam-ha\n(topic [^\n]+\n)*topic read quietcam\/\+\/reminder/);
});

test('each channel gets the "ends in 30 days" and the "ended" reminder once, camera alerts off', async (c) => {
  assert.not.ok(c.web.ports.alerts.enabled(c.porch), 'smart alerts are off for the camera');
  const ha = await connected(c.broker.url, { ...c.services.ha!, clientId: 'quietcam-ha' });
  c.clients.push(ha);
  const mqttGot: { topic: string; body: string; retain: boolean }[] = [];
  ha.on('message', (topic, payload, p) => mqttGot.push({ topic, body: payload.toString(), retain: p.retain }));
  assert.equal(await subscribe(ha, ['quietcam/+/reminder']), [1]);
  const reminders = new ConsentReminders({ ports: c.web.ports, config: c.web.ctx.config, notifier: c.dispatcher, pagesUrl: 'https://cams.example.org', log: silentLogger });
  const expires = c.web.ports.cameras.get(c.porch)!.consent!.expiresMs;

  for (const [at, threshold, title] of [[expires - 30 * DAY, 'soon', 'Consent for Porch ends in 30 day(s)'], [expires + 1, 'expired', 'Consent for Porch has ended']] as const) {
    c.web.clock.now = at;
    const sent = await reminders.check();
    assert.equal(sent.map((r) => r.deliveries), [{ mqtt: 'sent', webhook: 'sent', webpush: 'sent' }], threshold);
    await waitFor(() => mqttGot.length === (threshold === 'soon' ? 1 : 2), 5000, 'the MQTT reminder');
    // MQTT: the Home Assistant login reads it, not retained
    const m = mqttGot[mqttGot.length - 1];
    assert.is(m.topic, `quietcam/${c.porch}/reminder`);
    assert.not.ok(m.retain);
    const mj = JSON.parse(m.body);
    assert.equal([mj.kind, mj.threshold, mj.title, mj.purposes, mj.page], ['consent-reminder', threshold, title, 'Motion and ObjecTron', `https://cams.example.org/cameras/${c.porch}`]);
    // webhook: signed as alerts are
    const hooks = c.hits.filter((h) => h.path === '/hook');
    const hook = hooks[hooks.length - 1];
    assert.is(verifyWebhook(SECRET, hook.headers['x-quietcam-timestamp'] as string, hook.headers['x-quietcam-signature'] as string, hook.body.toString('utf8'), Date.now()), 'ok');
    assert.is(verifyWebhook('another-secret', hook.headers['x-quietcam-timestamp'] as string, hook.headers['x-quietcam-signature'] as string, hook.body.toString('utf8'), Date.now()), 'bad-signature');
    assert.equal(JSON.parse(hook.body.toString()), mj, 'the same message on every channel');
    // Web Push: only the phone's keys open it
    const pushes = c.hits.filter((h) => h.path === '/push/ann-phone');
    const push = pushes[pushes.length - 1];
    assert.is(push.headers['content-encoding'], 'aes128gcm');
    assert.not.ok(push.body.includes(Buffer.from('Porch')), 'the push service sees ciphertext');
    const pj = JSON.parse(decrypt(c.phone, push.body));
    assert.equal([pj.title, pj.page, pj.at], [title, mj.page, mj.at]);
    assert.throws(() => decrypt(browser(c.phone.endpoint), push.body), 'another browser\'s keys cannot read it');
  }
  c.web.clock.now += 7 * DAY;
  assert.equal(await reminders.check(), []);
  assert.is(c.hits.length, 4, 'two webhook calls and two pushes, no more');
  assert.is(mqttGot.length, 2);
});

test('neither the camera\'s own login nor the pages\' login can read its reminder', async (c) => {
  const cred = newCameraCredentials(c.porch);
  c.cams.put(cred);
  for (const login of [{ username: c.porch, password: cred.token, clientId: c.porch }, { username: 'quietcam-web', password: c.services.web.password, clientId: 'quietcam-web-x' }]) {
    const r = await tryConnect(c.broker.url, login);
    assert.ok('client' in r, login.username);
    const client = (r as { client: MqttClient }).client;
    c.clients.push(client);
    assert.equal(await subscribe(client, [`quietcam/${c.porch}/reminder`]), [128], `${login.username}: refused`);
  }
});

test('the broker away: the webhook and the phone still get it, MQTT is recorded as failed, and the channels close', async (c) => {
  await c.broker.stop();
  c.broker = null!;
  const reminders = new ConsentReminders({ ports: c.web.ports, config: c.web.ctx.config, notifier: c.dispatcher, pagesUrl: 'https://cams.example.org', log: silentLogger });
  c.web.clock.now = c.web.ports.cameras.get(c.porch)!.consent!.expiresMs - 2 * DAY;
  const [r] = await reminders.check();
  assert.equal(r.deliveries, { mqtt: 'failed: broker did not acknowledge in time', webhook: 'sent', webpush: 'sent' });
  const t = Date.now();
  await c.dispatcher.close(2000);
  assert.ok(Date.now() - t < 3000, 'closed without waiting for the broker');
});

test('an owner without channels: recorded with no deliveries; the page still shows the banner', async (c) => {
  c.web.ports.alerts.setChannels(c.ann.id, { mqtt: false, webhookUrl: null, webhookSecret: null, webPush: false });
  const reminders = new ConsentReminders({ ports: c.web.ports, config: c.web.ctx.config, notifier: c.dispatcher, pagesUrl: 'https://cams.example.org', log: silentLogger });
  c.web.clock.now = c.web.ports.cameras.get(c.porch)!.consent!.expiresMs - 2 * DAY;
  assert.equal((await reminders.check()).map((r) => r.deliveries), [{}]);
  assert.is(c.hits.length, 0);
});

test.run();
