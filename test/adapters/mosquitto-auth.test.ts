/**
 * Debian's mosquitto 2.0 with the password file, ACL file and config `quietcam broker-config`
 * writes (src/adapters/mosquitto-config.ts): the shared attack suite, the relay's shared
 * subscription, and a password file Debian's mosquitto_passwd accepts. Fails when mosquitto is
 * not installed.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { MemoryCameraCredentials, newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers } from '../../src/adapters/broker-users.js';
import { ALERTS_LOGIN, mosquittoAcl, NOTICES_LOGIN, writeMosquittoFiles } from '../../src/adapters/mosquitto-config.js';
import { mqttAlertsChannel } from '../../src/alerts/channels/mqtt-alerts.js';
import type { ConsentReminderMessage } from '../../src/alerts/notice.js';
import { tempDir } from '../relay/helpers/env.js';
import { startMosquitto } from '../relay/helpers/mosquitto.js';
import { brokerAttackSuite, type AuthWorld } from './helpers/broker-attacks.js';
import { closeAll, collect, connected, sleep, subscribe, tryConnect } from './helpers/mqtt.js';

async function withMosquitto(relays = 1): Promise<AuthWorld & { dir: string }> {
  const tmp = tempDir('quietcam-mosq-');
  try {
    const porch = newCameraCredentials('porch');
    const yard = newCameraCredentials('yard');
    const store = new MemoryCameraCredentials([porch, yard]);
    const services = loadOrCreateBrokerUsers(tmp.dir);
    const broker = await startMosquitto(tmp.dir, {
      listener: (port) => readFileSync(writeMosquittoFiles({ cameras: store.list(), services, dir: join(tmp.dir, 'auth'), port, relays }).conf, 'utf8').split('\n'),
    });
    return {
      url: broker.url, tokens: { porch: porch.token, yard: yard.token }, services, dir: tmp.dir,
      async stop() {
        await broker.stop();
        tmp.cleanup();
      },
    };
  } catch (err) {
    tmp.cleanup();
    throw err;
  }
}

const attacks = suite<{ world?: AuthWorld; clients: MqttClient[] }>('mosquitto attacks', { clients: [] });
brokerAttackSuite(attacks, withMosquitto, { refusesSubscribe: false });
attacks.run();

const files = suite<{ world?: Awaited<ReturnType<typeof withMosquitto>>; clients: MqttClient[] }>('mosquitto files', { clients: [] });
files.before.each(async (ctx) => {
  ctx.clients = [];
  ctx.world = await withMosquitto();
});
files.after.each(async (ctx) => {
  await closeAll(ctx.clients);
  await ctx.world?.stop();
});

files('passwd and acl are 0600, one line per login; mosquitto opened the one listener asked for', async ({ world }) => {
  const dir = join(world!.dir, 'auth');
  assert.is(statSync(join(dir, 'passwd')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'acl')).mode & 0o777, 0o600);
  const passwd = readFileSync(join(dir, 'passwd'), 'utf8');
  assert.equal(passwd.trim().split('\n').map((l) => l.split(':')[0]), ['quietcam-relay', 'quietcam-relay-alerts', 'quietcam-web', 'quietcam-web-notices', 'quietcam-ha', 'porch', 'yard']);
  // listener options before the `listener` line would open a default listener on 1883 for all interfaces
  const log = readFileSync(join(world!.dir, 'mosquitto.log'), 'utf8');
  assert.is(log.match(/Opening ipv[46] listen socket/g)?.length, 1, log);
});

files('the relay receives bundles through a $share subscription', async (ctx) => {
  const w = ctx.world!;
  const relay = await connected(w.url, { ...w.services.relay, clean: false });
  ctx.clients.push(relay);
  assert.equal(await subscribe(relay, '$share/relays/quietcam/+/bundle'), [1]);
  const got = collect(relay);
  const porch = await connected(w.url, { username: 'porch', password: w.tokens.porch });
  ctx.clients.push(porch);
  await porch.publishAsync('quietcam/porch/bundle', 'shared', { qos: 1 });
  for (let i = 0; i < 40 && got.length < 1; i++) await sleep(25);
  assert.equal(got, ['quietcam/porch/bundle shared']);
});

files('several relays (--relays 2): each its own login and client id, none knocks another off, together they get every bundle', async (ctx) => {
  await ctx.world?.stop();
  ctx.world = await withMosquitto(2);
  const w = ctx.world;
  const relays = [];
  const got: string[][] = [];
  const drops = [0, 0];
  for (const [i, name] of ['quietcam-relay-1', 'quietcam-relay-2'].entries()) {
    const r = await connected(w.url, { username: name, password: w.services.relay.password, clientId: 'quietcam-relay', clean: false });
    ctx.clients.push(r);
    relays.push(r);
    r.on('close', () => drops[i]++);
    assert.equal(await subscribe(r, '$share/relays/quietcam/+/bundle'), [1]);
    got.push(collect(r));
  }
  const porch = await connected(w.url, { username: 'porch', password: w.tokens.porch });
  ctx.clients.push(porch);
  for (let i = 0; i < 10; i++) await porch.publishAsync('quietcam/porch/bundle', `b${i}`, { qos: 1 });
  for (let i = 0; i < 40 && got[0].length + got[1].length < 10; i++) await sleep(25);
  assert.is(got[0].length + got[1].length, 10);
  assert.equal(drops, [0, 0]);
  assert.ok('error' in (await tryConnect(w.url, { username: 'quietcam-relay-3', password: w.services.relay.password })), 'a relay login that was not written');
});

files('the pages\' notices channel (its own login) reaches Home Assistant and leaves the relay\'s alert publisher connected; a second alert-login connection would knock it off', async (ctx) => {
  const w = ctx.world!;
  const alerts = mqttAlertsChannel({ url: w.url, username: ALERTS_LOGIN, password: w.services.relay.password });
  const notices = mqttAlertsChannel({ url: w.url, username: NOTICES_LOGIN, password: w.services.web.password });
  try {
    const seen = { connects: 0, offline: 0 };
    alerts.client.on('connect', () => seen.connects++);
    alerts.client.on('offline', () => seen.offline++);
    const ha = await connected(w.url, { ...w.services.ha!, clientId: 'quietcam-ha' });
    ctx.clients.push(ha);
    const got = collect(ha);
    assert.equal(await subscribe(ha, ['quietcam/+/reminder', 'quietcam/+/alert']), [1, 1]);
    for (let i = 0; i < 40 && !(alerts.client.connected && notices.client.connected); i++) await sleep(25);
    assert.ok(alerts.client.connected && notices.client.connected, 'both channels connected');
    const message: ConsentReminderMessage = { v: 1, kind: 'consent-reminder', camera: 'porch', cameraName: 'Porch', threshold: 'soon', purposes: 'Motion only',
      expiresMs: 0, at: '1970-01-01T00:00:00.000Z', daysLeft: 10, title: 'Consent for Porch ends in 10 day(s)', text: 't', page: 'https://x/cameras/porch' };
    const channels = { mqtt: true, webhookUrl: null, webhookSecret: null, webPush: false };
    for (let i = 0; i < 3; i++) assert.is(await notices.notify!({ message: { ...message, daysLeft: 10 - i }, ownerId: 'alice', channels, pushSubscriptions: () => [] }), 'sent');
    await alerts.client.publishAsync('quietcam/porch/alert', 'alert-after', { qos: 1 });
    for (let i = 0; i < 40 && got.length < 4; i++) await sleep(25);
    assert.equal(got.map((g) => g.split(' ')[0]), ['quietcam/porch/reminder', 'quietcam/porch/reminder', 'quietcam/porch/reminder', 'quietcam/porch/alert']);
    assert.equal(seen, { connects: 1, offline: 0 }, 'the relay\'s alert publisher connected once and stayed');
    assert.ok(notices.client.connected, 'the notices connection stays open');
    // what reminders on the alert login did (client id = username): the relay's alert connection is closed
    const intruder = await connected(w.url, { username: ALERTS_LOGIN, password: w.services.relay.password });
    ctx.clients.push(intruder);
    for (let i = 0; i < 40 && seen.offline === 0; i++) await sleep(25);
    assert.is(seen.offline, 1, 'the same login twice: mosquitto closes the older connection');
  } finally {
    await alerts.close?.();
    await notices.close?.();
  }
});

files('the ACL lists each login, no pattern rules', () => {
  const acl = mosquittoAcl(['porch']);
  assert.not.match(acl, /^pattern/m);
  assert.match(acl, /^user porch\ntopic write quietcam\/porch\/bundle\ntopic write quietcam\/porch\/event\ntopic write quietcam\/porch\/frame\ntopic write quietcam\/porch\/status\ntopic write quietcam\/porch\/live\ntopic read quietcam\/porch\/config\ntopic read quietcam\/porch\/ack\ntopic read quietcam\/porch\/command$/m);
  assert.match(acl, /^user quietcam-relay\ntopic read quietcam\/\+\/bundle\ntopic read quietcam\/\+\/event\ntopic read quietcam\/\+\/frame\ntopic write quietcam\/\+\/ack$/m);
  assert.match(acl, /^user quietcam-web-notices\ntopic write quietcam\/\+\/reminder\n\n/m);
  assert.match(acl, /^user quietcam-relay-alerts\ntopic write quietcam\/\+\/alert\ntopic write quietcam\/\+\/alert-image\ntopic write homeassistant\/binary_sensor\/\+\/person\/config\ntopic write homeassistant\/image\/\+\/person\/config\n\n/m);
  assert.match(acl, /^user quietcam-web\ntopic write quietcam\/\+\/config\ntopic write quietcam\/\+\/command\ntopic read quietcam\/\+\/status\ntopic read quietcam\/\+\/live$/m);
});

files.run();
