/**
 * The embedded broker (aedes) with quietcam's logins and topic rules: the shared attack suite,
 * then what only the embedded broker enforces (retained and config publishes refused by flag,
 * persistent sessions bound to their identity, refusals counted) and MQTT over TLS.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { brokerAuth, type BrokerAuth } from '../../src/adapters/broker-auth.js';
import { MemoryCameraCredentials, newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import type { BrokerUsers } from '../../src/adapters/broker-users.js';
import { startBroker, type EmbeddedBroker } from '../../src/adapters/aedes-broker.js';
import { brokerAttackSuite, type AuthWorld } from './helpers/broker-attacks.js';
import { closeAll, closesWithin, collect, connected, sleep, subscribe, tryConnect } from './helpers/mqtt.js';

const services: BrokerUsers = {
  relay: { username: 'quietcam-relay', password: 'relay-password-0123456789' },
  web: { username: 'quietcam-web', password: 'web-password-0123456789' },
  ha: { username: 'quietcam-ha', password: 'ha-password-0123456789' },
};

async function embedded(): Promise<AuthWorld & { broker: EmbeddedBroker; auth: BrokerAuth }> {
  const porch = newCameraCredentials('porch');
  const yard = newCameraCredentials('yard');
  const auth = brokerAuth({ cameras: new MemoryCameraCredentials([porch, yard]), services });
  const broker = await startBroker({ port: 0, auth });
  return { url: broker.url, tokens: { porch: porch.token, yard: yard.token }, services, broker, auth, stop: () => broker.stop() };
}

const attacks = suite<{ world?: AuthWorld; clients: MqttClient[] }>('embedded broker attacks', { clients: [] });
brokerAttackSuite(attacks, embedded, { refusesSubscribe: true });
attacks.run();

type Ctx = { world?: Awaited<ReturnType<typeof embedded>>; clients: MqttClient[] };
const only = suite<Ctx>('embedded broker only', { clients: [] });
only.before.each(async (ctx) => {
  ctx.clients = [];
  ctx.world = await embedded();
});
only.after.each(async (ctx) => {
  await closeAll(ctx.clients);
  await ctx.world?.stop();
});

only('a refused publish closes the camera\'s connection and is counted; retained bundles and non-retained configs are refused', async (ctx) => {
  const w = ctx.world!;
  const relay = await connected(w.url, { ...services.relay });
  ctx.clients.push(relay);
  await subscribe(relay, 'quietcam/+/bundle');
  const got = collect(relay);
  for (const [login, topic, retain] of [
    [{ username: 'porch', password: w.tokens.porch }, 'quietcam/yard/bundle', false],
    [{ username: 'porch', password: w.tokens.porch }, 'quietcam/porch/bundle', true],
    [{ ...services.web }, 'quietcam/porch/config', false],
    [{ ...services.relay }, 'quietcam/porch/config', true],
  ] as const) {
    const c = await connected(w.url, { ...login, clientId: `x-${Math.random()}` });
    ctx.clients.push(c);
    c.publish(topic, 'x', { qos: 1, retain });
    assert.ok(await closesWithin(c, 2000), `${login.username} ${topic} retain=${retain} was not disconnected`);
  }
  await sleep(100);
  assert.equal(got, []);
  assert.is(w.auth.refusals()['publish-denied'], 4);
});

only('refusals are counted by reason', async (ctx) => {
  const w = ctx.world!;
  await tryConnect(w.url, {});
  await tryConnect(w.url, { username: 'porch', password: 'nope' });
  const porch = await connected(w.url, { username: 'porch', password: w.tokens.porch });
  ctx.clients.push(porch);
  await subscribe(porch, 'quietcam/#');
  await tryConnect(w.url, { username: 'yard', password: w.tokens.yard, clientId: 'quietcam-relay' });
  const r = w.auth.refusals();
  assert.equal(r, { anonymous: 1, 'bad-login': 1, 'client-id-taken': 1, 'too-many-sessions': 0, revoked: 0, 'publish-denied': 0, 'subscribe-denied': 1 });
});

only('persistent sessions are capped: past the cap a new one is refused, clean ones and known ones still connect', async (ctx) => {
  await ctx.world!.stop();
  const porch = newCameraCredentials('porch');
  const auth = brokerAuth({ cameras: new MemoryCameraCredentials([porch]), services, maxSessions: 2 });
  const broker = await startBroker({ port: 0, auth });
  ctx.world = { ...ctx.world!, url: broker.url, auth, stop: () => broker.stop() };
  const login = { username: 'porch', password: porch.token };
  for (const id of ['s1', 's2']) await closeAll([await connected(broker.url, { ...login, clientId: id, clean: false })]);
  const third = await tryConnect(broker.url, { ...login, clientId: 's3', clean: false });
  assert.ok('error' in third, 'a third persistent session was made');
  ctx.clients.push(await connected(broker.url, { ...login, clientId: 's1', clean: false }));
  ctx.clients.push(await connected(broker.url, { ...login, clientId: 'c1', clean: true }));
  assert.is(auth.refusals()['too-many-sessions'], 1);
});

only('a live camera\'s client id cannot be taken by another camera; the same camera reconnecting takes it over', async (ctx) => {
  const w = ctx.world!;
  const first = await connected(w.url, { username: 'porch', password: w.tokens.porch, clientId: 'porch-board' });
  ctx.clients.push(first);
  const r = await tryConnect(w.url, { username: 'yard', password: w.tokens.yard, clientId: 'porch-board' });
  assert.ok('error' in r && /identifier rejected/i.test(r.error.message), 'yard took porch\'s client id');
  assert.ok(first.connected);
  const again = await connected(w.url, { username: 'porch', password: w.tokens.porch, clientId: 'porch-board' });
  ctx.clients.push(again);
  assert.ok(await closesWithin(first, 2000), 'the old connection of the same camera was not replaced');
});

only('a persistent session belongs to its identity: another cannot pick up its queued messages while it is away', async (ctx) => {
  const w = ctx.world!;
  const relay = await connected(w.url, { ...services.relay, clientId: 'quietcam-relay', clean: false });
  await subscribe(relay, 'quietcam/+/bundle');
  await closeAll([relay]);
  const porch = await connected(w.url, { username: 'porch', password: w.tokens.porch });
  ctx.clients.push(porch);
  await porch.publishAsync('quietcam/porch/bundle', 'queued', { qos: 1 });
  // yard's own persistent session under a neutral id
  const yard = await connected(w.url, { username: 'yard', password: w.tokens.yard, clientId: 'shared-id', clean: false });
  await closeAll([yard]);
  const thief = await tryConnect(w.url, { username: 'porch', password: w.tokens.porch, clientId: 'shared-id', clean: false });
  assert.ok('error' in thief, 'porch resumed yard\'s session');
  const back = await connected(w.url, { ...services.relay, clientId: 'quietcam-relay', clean: false });
  ctx.clients.push(back);
  const got = collect(back);
  for (let i = 0; i < 40 && got.length < 1; i++) await sleep(25);
  assert.equal(got, ['quietcam/porch/bundle queued']);
});

only('a camera given a new login (or removed) can publish no more on the connection it opened with the old one', async (ctx) => {
  await ctx.world!.stop();
  const porch = newCameraCredentials('porch');
  const store = new MemoryCameraCredentials([porch]);
  const auth = brokerAuth({ cameras: store, services });
  const broker = await startBroker({ port: 0, auth });
  ctx.world = { ...ctx.world!, url: broker.url, auth, stop: () => broker.stop() };
  const relay = await connected(broker.url, { ...services.relay });
  ctx.clients.push(relay);
  await subscribe(relay, 'quietcam/+/bundle');
  const got = collect(relay);
  const old = await connected(broker.url, { username: 'porch', password: porch.token });
  ctx.clients.push(old);
  await old.publishAsync('quietcam/porch/bundle', 'before', { qos: 1 });
  const renewed = newCameraCredentials('porch');
  store.put(renewed); // the owner made a new login (stolen board)
  old.publish('quietcam/porch/bundle', 'after', { qos: 1 });
  assert.ok(await closesWithin(old, 2000), 'the old connection kept publishing');
  const fresh = await connected(broker.url, { username: 'porch', password: renewed.token, clientId: 'porch-new' });
  ctx.clients.push(fresh);
  await fresh.publishAsync('quietcam/porch/bundle', 'new login', { qos: 1 });
  for (let i = 0; i < 40 && got.length < 2; i++) await sleep(25);
  assert.equal(got, ['quietcam/porch/bundle before', 'quietcam/porch/bundle new login']);
  assert.is(auth.refusals().revoked, 1);
});

only.run();
