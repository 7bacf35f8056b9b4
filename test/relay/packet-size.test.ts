/**
 * MQTT packet size cap (issue 19, item 4): the embedded broker closes a connection that sends a
 * packet over 400 KiB after its fixed header (nothing delivered), and the relay's client does the
 * same with a broker that lets one through. RSS under 128 MiB publishes: `npm run bench -- packet-size`.
 */
// test-timeout: 90 s
import mqtt, { type MqttClient } from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker, type EmbeddedBroker } from '../../src/adapters/aedes-broker.js';
import { mosquittoFiles } from '../../src/adapters/mosquitto-config.js';
import { MAX_PACKET_BYTES, packetSizeChecker } from '../../src/adapters/mqtt-size-guard.js';
import { startMqttIngest, type MqttIngest } from '../../src/adapters/mqtt-ingest.js';
import type { IngestMessage } from '../../src/relay/types.js';
import { waitFor } from './helpers/env.js';

const connect = (url: string, clientId: string) => new Promise<MqttClient>((resolve, reject) => {
  const c = mqtt.connect(url, { clientId, reconnectPeriod: 0 });
  c.once('connect', () => resolve(c));
  c.once('error', reject);
});

test('packetSizeChecker: sizes from the fixed header, across chunk boundaries', () => {
  // PUBLISH with remaining length 200 (0xc8 0x01), then a PINGREQ (0xc0 0x00)
  const small = new Uint8Array(2 + 1 + 200 + 2);
  small.set([0x30, 0xc8, 0x01], 0);
  small.set([0xc0, 0x00], 203);
  const check = packetSizeChecker(203);
  for (let i = 0; i < small.length; i++) assert.is(check(small.subarray(i, i + 1)), 0, `byte ${i}`);
  assert.is(check(small), 0);
  assert.is(packetSizeChecker(202)(small), 203, 'one byte over');
  // 2 MiB announced in a 4-byte length, split inside the length bytes
  const big = Uint8Array.of(0x30, 0x80, 0x80, 0x80, 0x01);
  const c2 = packetSizeChecker(MAX_PACKET_BYTES);
  assert.is(c2(big.subarray(0, 2)), 0);
  assert.is(c2(big.subarray(2)), 5 + 2 ** 21);
  assert.ok(packetSizeChecker(1e9)(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0xff, 0x01)) > 1e9, 'a 5th length byte is refused');
});

test('the embedded broker refuses a 2 MiB publish (connection closed, nothing delivered); 300 KiB passes', async () => {
  let broker: EmbeddedBroker | undefined;
  const clients: MqttClient[] = [];
  try {
    broker = await startBroker({ port: 0 });
    const sub = await connect(broker.url, 'sub');
    clients.push(sub);
    const got: number[] = [];
    sub.on('message', (_t, p) => got.push(p.length));
    await sub.subscribeAsync('big/#', { qos: 1 });
    const pub = await connect(broker.url, 'pub');
    clients.push(pub);
    let closed = false;
    pub.once('close', () => (closed = true));
    pub.publish('big/1', Buffer.alloc(2 * 1024 * 1024), { qos: 0 });
    await waitFor(() => closed, 5000, 'the broker to close the connection');
    assert.equal(broker.oversize, { connections: 1, largestBytes: 2 * 1024 * 1024 + 5 + 7 });
    const ok = await connect(broker.url, 'pub2');
    clients.push(ok);
    await ok.publishAsync('big/2', Buffer.alloc(300 * 1024), { qos: 1 });
    await waitFor(() => got.length === 1, 5000, 'the 300 KiB message');
    assert.equal(got, [300 * 1024], 'only the allowed one arrived');
  } finally {
    for (const c of clients) c.end(true);
    await broker?.stop();
  }
});

test('the relay\'s client closes a connection that brings a packet over its cap, and takes the next ones', async () => {
  let broker: EmbeddedBroker | undefined;
  let ingest: MqttIngest | undefined;
  const clients: MqttClient[] = [];
  try {
    broker = await startBroker({ port: 0, maxPacketBytes: 8 * 1024 * 1024 }); // a broker with a looser cap
    const errors: string[] = [];
    const got: IngestMessage[] = [];
    ingest = await startMqttIngest({
      url: broker.url, clientId: 'relay-size', keepaliveS: 30, reconnectMs: 100, subscription: 'quietcam/+/bundle', maxPacketBytes: 64 * 1024,
      log: { info() {}, warn() {}, error: (m: string) => errors.push(m) },
      onMessage: (m) => void got.push(m),
    });
    const pub = await connect(broker.url, 'cam');
    clients.push(pub);
    await pub.publishAsync('quietcam/porch/bundle', Buffer.alloc(2 * 1024 * 1024), { qos: 0 });
    await waitFor(() => errors.length >= 1, 5000, 'the refusal');
    assert.match(errors[0], /over the 65536-byte limit/);
    await waitFor(() => ingest!.connected(), 5000, 'the reconnection');
    await pub.publishAsync('quietcam/porch/bundle', Buffer.alloc(1000), { qos: 1 });
    await waitFor(() => got.length === 1, 5000, 'the next message');
    assert.equal(got.map((m) => m.payload.length), [1000], 'the big one never reached the relay');
  } finally {
    for (const c of clients) c.end(true);
    await ingest?.stop();
    await broker?.stop();
  }
});

test('the generated mosquitto config caps packets at the same size', () => {
  const files = mosquittoFiles({
    dir: '/tmp/x', cameras: [], services: { relay: { username: 'quietcam-relay', password: 'p' }, web: { username: 'quietcam-web', password: 'q' } },
  } as never);
  assert.match(files.conf, new RegExp(`^max_packet_size ${MAX_PACKET_BYTES}$`, 'm'));
});

test.run();
