/**
 * The attacks of issue 12 against a running broker with quietcam's logins and topic rules: one
 * suite, run against the embedded aedes (broker-auth.test.ts) and Debian's mosquitto with the
 * files `quietcam broker-config` writes (mosquitto-auth.test.ts).
 *
 * Two paired cameras (porch, yard), the relay and the web service users. Where the brokers differ
 * (a refused publish: aedes closes the connection, mosquitto drops the message), the suite asserts
 * what matters to an owner: nothing gets through.
 */
import type { MqttClient } from 'mqtt';
import type { uvu } from 'uvu';
import * as assert from 'uvu/assert';
import type { BrokerUsers } from '../../../src/adapters/broker-users.js';
import { closeAll, collect, connected, sleep, subscribe, tryConnect, type Login } from './mqtt.js';

export interface AuthWorld {
  url: string;
  /** Pairing tokens (= MQTT passwords) of porch and yard. */
  tokens: { porch: string; yard: string };
  services: BrokerUsers;
  ca?: string;
  stop(): Promise<void>;
}

/** How long a message that should not arrive is waited for. */
const QUIET_MS = 300;

/**
 * @param o.refusesSubscribe the broker answers a refused filter with SUBACK 0x80 (aedes); mosquitto's
 *   ACL file grants every SUBSCRIBE and checks `read` on each message instead.
 */
export function brokerAttackSuite(suite: uvu.Test<{ world?: AuthWorld; clients: MqttClient[] }>, start: () => Promise<AuthWorld>, o: { refusesSubscribe: boolean }): void {
  suite.before.each(async (ctx) => {
    ctx.clients = [];
    ctx.world = await start();
  });
  suite.after.each(async (ctx) => {
    await closeAll(ctx.clients);
    await ctx.world?.stop();
  });

  const cam = (w: AuthWorld, id: 'porch' | 'yard', extra: Partial<Login> = {}): Login => ({ username: id, password: w.tokens[id], ca: w.ca, ...extra });
  const svc = (w: AuthWorld, kind: 'relay' | 'web', extra: Partial<Login> = {}): Login => ({ ...w.services[kind], ca: w.ca, ...extra });
  const open = async (ctx: { clients: MqttClient[] }, url: string, login: Login) => {
    const c = await connected(url, login);
    ctx.clients.push(c);
    return c;
  };

  suite('anonymous, unknown and wrong-password clients cannot connect', async ({ world: w }) => {
    for (const login of [{}, { username: 'porch' }, { username: 'porch', password: w!.tokens.yard }, { username: 'garage', password: w!.tokens.porch }, { username: 'quietcam-relay', password: w!.tokens.porch }, { username: 'quietcam-relay', password: '' },
      { username: 'quietcam-web-notices', password: w!.services.relay.password }, { username: 'quietcam-web-notices', password: '' }]) {
      const r = await tryConnect(w!.url, { ...login, ca: w!.ca });
      assert.ok('error' in r, `${JSON.stringify(login)} connected`);
    }
  });

  suite('a camera publishes its own bundle and event; the relay gets both', async (ctx) => {
    const w = ctx.world!;
    const relay = await open(ctx, w.url, svc(w, 'relay'));
    assert.equal(await subscribe(relay, ['quietcam/+/bundle', 'quietcam/+/event']), [1, 1]);
    const got = collect(relay);
    const porch = await open(ctx, w.url, cam(w, 'porch'));
    await porch.publishAsync('quietcam/porch/bundle', 'chunk-1', { qos: 1 });
    await porch.publishAsync('quietcam/porch/event', 'event-1', { qos: 1 });
    for (let i = 0; i < 40 && got.length < 2; i++) await sleep(25);
    assert.equal(got.sort(), ['quietcam/porch/bundle chunk-1', 'quietcam/porch/event event-1']);
  });

  suite('a camera cannot publish a bundle for another camera, nor a retained config', async (ctx) => {
    const w = ctx.world!;
    const relay = await open(ctx, w.url, svc(w, 'relay'));
    await subscribe(relay, ['quietcam/+/bundle', 'quietcam/+/event']);
    const relayGot = collect(relay);
    const porch = await open(ctx, w.url, cam(w, 'porch'));
    porch.publish('quietcam/yard/bundle', 'FORGED', { qos: 0 });
    const porch2 = await open(ctx, w.url, cam(w, 'porch', { clientId: 'porch-2' }));
    porch2.publish('quietcam/porch/config', 'consent: both', { qos: 0, retain: true });
    porch2.publish('quietcam/yard/config', 'consent: off', { qos: 0, retain: true });
    await sleep(QUIET_MS);
    assert.equal(relayGot, []);
    // a camera subscribing afterwards gets no retained config from anyone but the web
    const yard = await open(ctx, w.url, cam(w, 'yard'));
    const yardGot = collect(yard);
    const porch3 = await open(ctx, w.url, cam(w, 'porch', { clientId: 'porch-3' }));
    const porchGot = collect(porch3);
    await subscribe(yard, 'quietcam/yard/config');
    await subscribe(porch3, 'quietcam/porch/config');
    await sleep(QUIET_MS);
    assert.equal([...yardGot, ...porchGot], []);
  });

  suite('the web publishes a retained config; only its camera receives it', async (ctx) => {
    const w = ctx.world!;
    const web = await open(ctx, w.url, svc(w, 'web'));
    await web.publishAsync('quietcam/porch/config', 'porch-config', { qos: 1, retain: true });
    const porch = await open(ctx, w.url, cam(w, 'porch'));
    const porchGot = collect(porch);
    assert.equal(await subscribe(porch, 'quietcam/porch/config'), [1]);
    const yard = await open(ctx, w.url, cam(w, 'yard'));
    const yardGot = collect(yard);
    const granted = await subscribe(yard, ['quietcam/porch/config', 'quietcam/+/config']);
    if (o.refusesSubscribe) assert.ok(granted.every((g) => g === 128), `yard was granted ${granted}`);
    for (let i = 0; i < 40 && porchGot.length < 1; i++) await sleep(25);
    await sleep(QUIET_MS);
    assert.equal(porchGot, ['quietcam/porch/config porch-config']);
    assert.equal(yardGot, []);
  });

  suite('a camera or the web subscribing to quietcam/# or #, or to another camera\'s topics, gets nothing', async (ctx) => {
    const w = ctx.world!;
    const web = await open(ctx, w.url, svc(w, 'web'));
    const yard = await open(ctx, w.url, cam(w, 'yard'));
    const got = [...[web, yard].map((c) => collect(c))];
    for (const c of [web, yard]) {
      const granted = await subscribe(c, ['quietcam/#', '#', 'quietcam/porch/bundle', 'quietcam/+/bundle', 'quietcam/porch/config', '$SYS/#']);
      if (o.refusesSubscribe) assert.ok(granted.every((g) => g === 128), `granted ${granted}`);
    }
    const porch = await open(ctx, w.url, cam(w, 'porch'));
    await porch.publishAsync('quietcam/porch/bundle', 'raw view', { qos: 1 });
    await web.publishAsync('quietcam/porch/config', 'consent', { qos: 1, retain: true });
    await sleep(QUIET_MS);
    assert.equal(got, [[], []]);
  });

  suite('status and live frames reach the web only, from their own camera; only the web sends a camera a command', async (ctx) => {
    const w = ctx.world!;
    const web = await open(ctx, w.url, svc(w, 'web'));
    const webGot = collect(web);
    assert.equal(await subscribe(web, ['quietcam/+/status', 'quietcam/+/live']), [1, 1]);
    const relay = await open(ctx, w.url, svc(w, 'relay'));
    const relayGot = collect(relay);
    const rGranted = await subscribe(relay, ['quietcam/+/live', 'quietcam/+/status', 'quietcam/porch/command']);
    if (o.refusesSubscribe) assert.ok(rGranted.every((g) => g === 128), `relay was granted ${rGranted}`);
    const porch = await open(ctx, w.url, cam(w, 'porch'));
    const porchGot = collect(porch);
    assert.equal(await subscribe(porch, 'quietcam/porch/command'), [1]);
    const yard = await open(ctx, w.url, cam(w, 'yard'));
    const yardGot = collect(yard);
    const yGranted = await subscribe(yard, ['quietcam/porch/command', 'quietcam/+/command', 'quietcam/porch/live', 'quietcam/+/status']);
    if (o.refusesSubscribe) assert.ok(yGranted.every((g) => g === 128), `yard was granted ${yGranted}`);
    await porch.publishAsync('quietcam/porch/status', 'porch-status', { qos: 1 });
    await porch.publishAsync('quietcam/porch/live', 'porch-frame', { qos: 1 });
    await web.publishAsync('quietcam/porch/command', 'live-request', { qos: 1 });
    for (let i = 0; i < 40 && (webGot.length < 2 || porchGot.length < 1); i++) await sleep(25);
    // forgeries, on connections of their own (aedes closes a connection after a refused publish)
    const yard2 = await open(ctx, w.url, cam(w, 'yard', { clientId: 'yard-2' }));
    yard2.publish('quietcam/porch/status', 'FORGED-status', { qos: 0 });
    const yard3 = await open(ctx, w.url, cam(w, 'yard', { clientId: 'yard-3' }));
    yard3.publish('quietcam/porch/command', 'FORGED-command', { qos: 0 });
    const relay2 = await open(ctx, w.url, svc(w, 'relay', { clientId: 'quietcam-relay-x' }));
    relay2.publish('quietcam/porch/command', 'FORGED-relay-command', { qos: 0 });
    const web2 = await open(ctx, w.url, svc(w, 'web', { clientId: 'quietcam-web-2' }));
    web2.publish('quietcam/porch/status', 'FORGED-web-status', { qos: 0 });
    await sleep(QUIET_MS);
    assert.equal(webGot.sort(), ['quietcam/porch/live porch-frame', 'quietcam/porch/status porch-status']);
    assert.equal(porchGot, ['quietcam/porch/command live-request']);
    assert.equal(relayGot, [], 'live frames and status never reach the relay');
    assert.equal(yardGot, []);
  });

  suite('the pages\' notices login publishes consent reminders (Home Assistant reads them) and nothing else, reads nothing, and leaves the relay\'s alert publisher connected', async (ctx) => {
    const w = ctx.world!;
    const notices = (clientId: string): Login => ({ username: 'quietcam-web-notices', password: w.services.web.password, clientId, ca: w.ca });
    const alerts = await open(ctx, w.url, { username: 'quietcam-relay-alerts', password: w.services.relay.password, clientId: 'quietcam-relay-alerts-t1', ca: w.ca });
    let alertDrops = 0;
    alerts.on('close', () => alertDrops++);
    alerts.on('offline', () => alertDrops++);
    const ha = await open(ctx, w.url, { ...w.services.ha!, clientId: 'quietcam-ha', ca: w.ca });
    const haGot = collect(ha);
    assert.equal(await subscribe(ha, ['quietcam/+/reminder', 'quietcam/+/alert', 'quietcam/+/alert-image', 'homeassistant/#']), [1, 1, 1, 1]);
    const relay = await open(ctx, w.url, svc(w, 'relay'));
    const relayGot = collect(relay);
    await subscribe(relay, ['quietcam/+/bundle', 'quietcam/+/frame', 'quietcam/+/event']);
    const n = await open(ctx, w.url, notices('quietcam-web-notices-t1'));
    const nGot = collect(n);
    const granted = await subscribe(n, ['quietcam/+/reminder', 'quietcam/+/alert', 'quietcam/+/status', 'quietcam/+/live', 'homeassistant/#', '#']);
    if (o.refusesSubscribe) assert.ok(granted.every((g) => g === 128), `notices was granted ${granted}`);
    for (let i = 0; i < 3; i++) await n.publishAsync('quietcam/porch/reminder', `reminder-${i}`, { qos: 1 });
    await alerts.publishAsync('quietcam/porch/alert', 'alert-1', { qos: 1 });
    const porch = await open(ctx, w.url, cam(w, 'porch'));
    await porch.publishAsync('quietcam/porch/status', 'porch-status', { qos: 1 });
    for (let i = 0; i < 40 && haGot.length < 4; i++) await sleep(25);
    // forgeries, each on a connection of its own (aedes closes a connection after a refused publish)
    const forged: [string, boolean][] = [['quietcam/porch/alert', false], ['quietcam/porch/alert-image', false], ['quietcam/porch/frame', false],
      ['quietcam/porch/bundle', false], ['quietcam/porch/event', false], ['homeassistant/binary_sensor/quietcam_porch/person/config', true]];
    if (o.refusesSubscribe) forged.push(['quietcam/porch/reminder', true]); // mosquitto's ACL cannot refuse a retain flag (mosquitto-config.ts)
    for (const [i, [topic, retain]] of forged.entries()) {
      const f = await open(ctx, w.url, notices(`quietcam-web-notices-f${i}`));
      f.publish(topic, `FORGED-${i}`, { qos: 0, retain });
      await sleep(50);
    }
    await sleep(QUIET_MS);
    assert.equal(haGot, ['quietcam/porch/reminder reminder-0', 'quietcam/porch/reminder reminder-1', 'quietcam/porch/reminder reminder-2', 'quietcam/porch/alert alert-1']);
    assert.equal(relayGot, [], 'no forged frame, bundle or event');
    assert.equal(nGot, [], 'the notices login reads nothing');
    assert.is(alertDrops, 0, 'the relay\'s alert publisher was knocked off');
    assert.ok(alerts.connected);
    if (o.refusesSubscribe) { // and nothing retained for a later subscriber
      const late = await open(ctx, w.url, { ...w.services.ha!, clientId: 'quietcam-ha-2', ca: w.ca });
      const lateGot = collect(late);
      await subscribe(late, ['quietcam/+/reminder', 'homeassistant/#']);
      await sleep(QUIET_MS);
      assert.equal(lateGot, []);
    }
  });

  suite('the relay\'s client id cannot be taken by a camera, the web or an anonymous client; the relay stays connected', async (ctx) => {
    const w = ctx.world!;
    const relay = await open(ctx, w.url, svc(w, 'relay', { clientId: 'quietcam-relay', clean: false }));
    await subscribe(relay, 'quietcam/+/bundle');
    const got = collect(relay);
    let drops = 0;
    relay.on('close', () => drops++);
    for (let i = 0; i < 5; i++) {
      for (const login of [cam(w, 'porch', { clientId: 'quietcam-relay' }), svc(w, 'web', { clientId: 'quietcam-relay' }), { clientId: 'quietcam-relay', ca: w.ca }]) {
        const r = await tryConnect(w.url, login);
        if ('client' in r) ctx.clients.push(r.client); // mosquitto: connected, but as its own username (use_username_as_clientid)
      }
    }
    await sleep(QUIET_MS);
    assert.is(drops, 0, 'the relay was knocked off');
    assert.ok(relay.connected);
    const porch = await open(ctx, w.url, cam(w, 'porch'));
    await porch.publishAsync('quietcam/porch/bundle', 'still here', { qos: 1 });
    for (let i = 0; i < 40 && got.length < 1; i++) await sleep(25);
    assert.equal(got, ['quietcam/porch/bundle still here']);
  });
}
