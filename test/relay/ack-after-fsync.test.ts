/**
 * The PUBACK of a bundle's last chunk leaves only after the outbox entry's fsync (store.durable()),
 * yet the relay goes on reading the next messages meanwhile (adapters/mqtt-ingest.ts). Seen from
 * the broker: aedes reports every PUBACK it receives from the relay ('ack').
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker } from '../../src/adapters/aedes-broker.js';
import { connectPublisher } from '../../src/adapters/mqtt-publisher.js';
import { resolveConfig } from '../../src/relay/config.js';
import { MemoryCameraRegistry } from '../../src/relay/consent.js';
import { silentLogger } from '../../src/log.js';
import { MemoryRelayStore } from '../../src/relay/memory-store.js';
import { startRelay } from '../../src/relay/main.js';
import type { Relay } from '../../src/relay/relay.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { waitFor } from './helpers/env.js';
import { camera, MemoryBucket } from './helpers/relay.js';

test('PUBACKs wait for the fsync; messages after it are still read, their PUBACKs held too', async () => {
  const broker = await startBroker({ port: 0 });
  const store = new MemoryRelayStore();
  const held: (() => void)[] = [];
  store.durable = () => new Promise<void>((resolve) => held.push(resolve));
  const config = resolveConfig({ broker: { url: broker.url }, status: { port: null }, cameras: [camera('porch')] });
  let acks = 0;
  broker.aedes.on('ack', (_packet, client) => {
    if (client?.id === config.broker.clientId) acks++;
  });
  const relay = await startRelay({
    config, store, registry: new MemoryCameraRegistry(), objects: new MemoryBucket(), clock: () => Date.UTC(2026, 10, 23, 12), log: silentLogger,
  });
  const pub = await connectPublisher({ url: broker.url, chunkSize: 1024 });
  try {
    const jpeg = await testJpeg();
    const first = makeBundle({ cameraId: 'porch', bundleId: 'h1', jpeg });
    await pub.publish(first);
    await waitFor(() => relay.status().counts.accepted === 1, 5000, 'first bundle accepted');
    await waitFor(() => held.length === 1, 5000, 'its fsync asked for');
    await new Promise((r) => setTimeout(r, 200));
    const n = relay.status().counts.chunksReceived;
    assert.ok(n >= 4, `${n} chunks`);
    // PUBACKs written in the same turn as the last chunk's are held with it
    assert.ok(acks < n, `${acks} of ${n} PUBACKs before the fsync: the last chunk's is held`);
    const before = acks;
    // the connection is not stalled: the next bundle is read and stored meanwhile
    await pub.publish(makeBundle({ cameraId: 'porch', bundleId: 'h2', jpeg }));
    await waitFor(() => relay.status().counts.accepted === 2, 5000, 'second bundle accepted during the first fsync');
    assert.is(acks, before, 'its PUBACKs are held behind the fsync too');
    held.shift()!();
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(acks < 2 * n, `${acks} of ${2 * n}: the second bundle's last PUBACK waits for its own fsync`);
    held.shift()!();
    await waitFor(() => acks === 2 * n, 5000, 'every PUBACK after both fsyncs');
  } finally {
    for (const release of held) release();
    await pub.close();
    await relay.stop();
    await broker.stop();
  }
});

test.run();
