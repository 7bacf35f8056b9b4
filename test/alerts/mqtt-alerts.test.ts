/**
 * Smart alerts on MQTT, against the real brokers: the embedded one (aedes with the quietcam auth
 * hooks) and Debian's mosquitto 2.0 with the files `quietcam broker-config` writes. The relay's
 * alert publisher sends the alert, its image and Home Assistant discovery; only the
 * `quietcam-ha` login reads them; cameras, the web login and anonymous clients get nothing, and
 * nobody but the relay can publish an alert.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker } from '../../src/adapters/aedes-broker.js';
import { brokerAuth } from '../../src/adapters/broker-auth.js';
import { mayPublish, mayReceive, maySubscribe, isDiscoveryTopic, type BrokerIdentity } from '../../src/adapters/broker-acl.js';
import { MemoryCameraCredentials, newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers, type BrokerUsers } from '../../src/adapters/broker-users.js';
import { ALERTS_LOGIN, writeMosquittoFiles } from '../../src/adapters/mosquitto-config.js';
import { mqttAlertsChannel } from '../../src/alerts/channels/mqtt-alerts.js';
import { AlertDispatcher } from '../../src/alerts/dispatcher.js';
import { closeAll, collect, connected, sleep, subscribe, tryConnect } from '../adapters/helpers/mqtt.js';
import { freePort, tempDir, waitFor } from '../relay/helpers/env.js';
import { startMosquitto } from '../relay/helpers/mosquitto.js';
import { alertStore, enrol, jpegFile, memoryLog, percentile, sampleAlert } from './helpers.js';

const relay: BrokerIdentity = { kind: 'relay' };
const ha: BrokerIdentity = { kind: 'ha' };
const web: BrokerIdentity = { kind: 'web' };
const porch: BrokerIdentity = { kind: 'camera', cameraId: 'porch' };

const rules = suite('alerts: topic rules');
rules('the relay publishes alerts (not retained) and discovery (retained); nobody else does', () => {
  assert.ok(mayPublish(relay, 'quietcam/porch/alert', false));
  assert.ok(mayPublish(relay, 'quietcam/porch/alert-image', false));
  assert.not.ok(mayPublish(relay, 'quietcam/porch/alert', true));
  assert.ok(mayPublish(relay, 'homeassistant/binary_sensor/quietcam_porch/person/config', true));
  assert.ok(mayPublish(relay, 'homeassistant/image/quietcam_porch/person/config', true));
  assert.not.ok(mayPublish(relay, 'homeassistant/binary_sensor/quietcam_porch/person/config', false));
  assert.not.ok(mayPublish(relay, 'homeassistant/switch/quietcam_porch/person/config', true));
  assert.not.ok(mayPublish(relay, 'homeassistant/binary_sensor/garage/door/config', true), 'not another integration\'s entities');
  for (const id of [porch, web, ha]) {
    assert.not.ok(mayPublish(id, 'quietcam/porch/alert', false), id.kind);
    assert.not.ok(mayPublish(id, 'quietcam/porch/alert-image', false), id.kind);
    assert.not.ok(mayPublish(id, 'homeassistant/binary_sensor/quietcam_porch/person/config', true), id.kind);
  }
  assert.ok(mayPublish(ha, 'homeassistant/status', false), 'Home Assistant\'s birth and will');
  assert.not.ok(isDiscoveryTopic('homeassistant/image/quietcam_Bad!/person/config'));
});
rules('only the quietcam-ha login reads alerts and discovery', () => {
  for (const f of ['quietcam/+/alert', 'quietcam/porch/alert', 'quietcam/+/alert-image', 'homeassistant/#', 'homeassistant/status']) assert.ok(maySubscribe(ha, f), f);
  for (const f of ['#', 'quietcam/#', 'quietcam/+/+', 'quietcam/+/bundle', 'quietcam/porch/config', '$SYS/#']) assert.not.ok(maySubscribe(ha, f), f);
  for (const id of [porch, web, relay]) {
    for (const f of ['quietcam/porch/alert', 'quietcam/+/alert', 'quietcam/porch/alert-image', 'homeassistant/#']) assert.not.ok(maySubscribe(id, f), `${id.kind} ${f}`);
    assert.not.ok(mayReceive(id, 'quietcam/porch/alert'), id.kind);
    assert.not.ok(mayReceive(id, 'homeassistant/image/quietcam_porch/person/config'), id.kind);
  }
  assert.ok(mayReceive(ha, 'quietcam/porch/alert'));
  assert.not.ok(mayReceive(ha, 'quietcam/porch/bundle'));
  assert.not.ok(mayReceive(ha, 'quietcam/porch/config'));
});
rules.run();

interface World { url: string; services: BrokerUsers; porchToken: string; stop(): Promise<void> }

async function embedded(): Promise<World> {
  const tmp = tempDir('quietcam-alerts-mqtt-');
  const cam = newCameraCredentials('porch');
  const services = loadOrCreateBrokerUsers(tmp.dir);
  const broker = await startBroker({ port: 0, auth: brokerAuth({ cameras: new MemoryCameraCredentials([cam]), services }) });
  return { url: broker.url, services, porchToken: cam.token, async stop() { await broker.stop(); tmp.cleanup(); } };
}

async function mosquitto(): Promise<World> {
  const tmp = tempDir('quietcam-alerts-mosq-');
  try {
    const cam = newCameraCredentials('porch');
    const services = loadOrCreateBrokerUsers(tmp.dir);
    const m = await startMosquitto(tmp.dir, {
      listener: (port) => readFileSync(writeMosquittoFiles({ cameras: [cam], services, dir: join(tmp.dir, 'auth'), port }).conf, 'utf8').split('\n'),
    });
    return { url: m.url, services, porchToken: cam.token, async stop() { await m.stop(); tmp.cleanup(); } };
  } catch (err) {
    tmp.cleanup();
    throw err;
  }
}

function brokerSuite(name: string, make: () => Promise<World>): void {
  interface Ctx { w?: World; clients: MqttClient[]; closers: (() => Promise<void>)[]; tmp: ReturnType<typeof tempDir> }
  const test = suite<Ctx>(`alerts on MQTT: ${name}`, { clients: [], closers: [], tmp: null! });
  test.before.each(async (c) => {
    c.clients = [];
    c.closers = [];
    c.tmp = tempDir('quietcam-alerts-img-');
    c.w = await make();
  });
  test.after.each(async (c) => {
    for (const close of c.closers) await close().catch(() => {});
    await closeAll(c.clients);
    await c.w?.stop();
    c.tmp.cleanup();
  });

  function dispatcher(c: Ctx) {
    const store = alertStore();
    const ch = mqttAlertsChannel({ url: c.w!.url, username: ALERTS_LOGIN, password: c.w!.services.relay.password, offDelayS: 30 });
    const d = new AlertDispatcher({ store, channels: [ch], pagesUrl: 'https://cams.example.org', cameraName: () => 'Front door', log: memoryLog() });
    c.closers.push(() => d.close(3000));
    enrol(store, 'porch', { mqtt: true });
    return { store, d, ch };
  }

  test('Home Assistant gets discovery (retained), the alert JSON and the image; the sensor turns off by itself', async (c) => {
    const { d, ch } = dispatcher(c);
    const haClient = await connected(c.w!.url, { ...c.w!.services.ha!, clientId: 'quietcam-ha' });
    c.clients.push(haClient);
    const got: { topic: string; payload: Buffer; retain: boolean; atMs: number }[] = [];
    haClient.on('message', (topic, payload, packet) => got.push({ topic, payload, retain: packet.retain, atMs: Date.now() }));
    assert.equal(await subscribe(haClient, ['quietcam/+/alert', 'quietcam/+/alert-image', 'homeassistant/#']), [1, 1, 1]);
    await waitFor(() => ch.client.connected, 5000, 'the alert publisher connected');
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = Date.now();
      d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
      await waitFor(() => got.filter((g) => g.topic === 'quietcam/porch/alert').length === i + 1, 5000, 'the alert', 2);
      latencies.push(got.filter((g) => g.topic === 'quietcam/porch/alert')[i].atMs - t);
    }
    console.log(`mqtt alert latency on ${name} (send -> Home Assistant login, 10 alerts): p50 ${percentile(latencies, 50)} ms, max ${Math.max(...latencies)} ms`);
    const alert = JSON.parse(got.find((g) => g.topic === 'quietcam/porch/alert')!.payload.toString());
    assert.is(alert.verdict, 'person');
    assert.is(alert.score, 0.87);
    assert.match(alert.image, /^https:\/\/cams\.example\.org\/alerts\/\d+\/image$/);
    await waitFor(() => got.some((g) => g.topic === 'quietcam/porch/alert-image'), 2000, 'the image');
    assert.equal([...got.find((g) => g.topic === 'quietcam/porch/alert-image')!.payload.subarray(0, 2)], [0xff, 0xd8]);
    const bs = JSON.parse(got.find((g) => g.topic === 'homeassistant/binary_sensor/quietcam_porch/person/config')!.payload.toString());
    assert.is(bs.state_topic, 'quietcam/porch/alert');
    assert.is(bs.off_delay, 30);
    assert.is(bs.device.name, 'Front door');
    const img = JSON.parse(got.find((g) => g.topic === 'homeassistant/image/quietcam_porch/person/config')!.payload.toString());
    assert.is(img.image_topic, 'quietcam/porch/alert-image');
    assert.is(got.filter((g) => g.topic.startsWith('homeassistant/')).length, 2, 'announced once per connection');

    // Home Assistant restarting finds the discovery retained
    const later = await connected(c.w!.url, { ...c.w!.services.ha!, clientId: 'quietcam-ha' });
    c.clients.push(later);
    const again = collect(later);
    await subscribe(later, 'homeassistant/#');
    await waitFor(() => again.length === 2, 2000, 'retained discovery');
  });

  test('cameras, the web login and anonymous clients read no alert; nobody but the relay publishes one', async (c) => {
    const { d, ch } = dispatcher(c);
    const w = c.w!;
    const anon = await tryConnect(w.url, {});
    assert.ok('error' in anon, 'anonymous refused');
    const cam = await connected(w.url, { username: 'porch', password: w.porchToken, clientId: 'porch' });
    const webc = await connected(w.url, { ...w.services.web, clientId: 'quietcam-web' });
    const haClient = await connected(w.url, { ...w.services.ha!, clientId: 'quietcam-ha' });
    c.clients.push(cam, webc, haClient);
    const camGot = collect(cam);
    const webGot = collect(webc);
    const haGot = collect(haClient);
    const camSub = await subscribe(cam, ['quietcam/porch/alert', 'quietcam/+/alert', 'quietcam/porch/alert-image', 'homeassistant/#']);
    const webSub = await subscribe(webc, ['quietcam/+/alert', 'homeassistant/#']);
    if (name === 'embedded broker') {
      assert.equal(camSub, [128, 128, 128, 128]);
      assert.equal(webSub, [128, 128]);
    }
    await subscribe(haClient, ['quietcam/+/alert', 'homeassistant/#']);
    await waitFor(() => ch.client.connected, 5000, 'the alert publisher connected');
    d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
    await waitFor(() => haGot.some((l) => l.startsWith('quietcam/porch/alert ')), 5000, 'the real alert at Home Assistant');
    // forgeries: the camera and the web try to publish an alert; neither reaches Home Assistant
    cam.publish('quietcam/porch/alert', '{"verdict":"person","forged":"camera"}', { qos: 0 });
    webc.publish('quietcam/porch/alert', '{"verdict":"person","forged":"web"}', { qos: 0 });
    webc.publish('homeassistant/binary_sensor/quietcam_porch/person/config', '{"forged":"web"}', { qos: 0, retain: true });
    await sleep(300);
    assert.equal(camGot, []);
    assert.equal(webGot, []);
    assert.not.ok(haGot.some((l) => l.includes('forged')), haGot.join('\n'));
  });

  test.run();
}

brokerSuite('embedded broker', embedded);
brokerSuite('mosquitto', mosquitto);

const outage = suite('alerts: an unreachable broker');
outage('is told once per outage, not at every reconnect (a second)', async () => {
  const lines: string[] = [];
  const ch = mqttAlertsChannel({ url: `mqtt://127.0.0.1:${await freePort()}`, username: ALERTS_LOGIN, password: 'x', log: (l) => lines.push(l) });
  try {
    await sleep(2600); // the first attempt and two reconnects, all refused
    assert.is(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^alerts mqtt \(quietcam-relay-alerts\): .*ECONNREFUSED/);
  } finally {
    await ch.close?.();
  }
});
outage.run();
