/**
 * Fault: the broker (mosquitto, with persistence) restarts mid-stream. Publishers and the relay
 * reconnect by themselves; QoS 1 publishes in flight are resent, the relay's persistent session
 * is delivered after the restart, and every bundle the broker accepted ends up in S3 exactly once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectPublisher } from '../../src/adapters/mqtt-publisher.js';
import { join } from 'node:path';
import { testLogins } from './helpers/auth.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { sleep, tempDir, waitFor } from './helpers/env.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { camera } from './helpers/relay.js';
import { expectedKeys, listKeys } from './helpers/s3.js';
import { BUCKET, reader, startTestRelay, startTestS3, testConfig } from './helpers/world.js';

test('mosquitto restarted mid-stream: every published bundle in S3 exactly once', async () => {
  const tmp = tempDir();
  const logins = testLogins(join(tmp.dir, 'relay'), ['porch', 'yard']);
  const broker = await startMosquitto(tmp.dir, { listener: logins.mosquittoListener(tmp.dir) });
  const s3 = await startTestS3(tmp.dir);
  const config = testConfig(tmp.dir, broker.url, s3.endpoint, [camera('porch'), camera('yard')], { broker: { ...logins.services.relay } });
  const { relay } = await startTestRelay(config);
  // pubs[0] publishes porch's bundles, pubs[1] yard's, each with its camera's login
  const pubs = await Promise.all(['porch', 'yard'].map((id) => connectPublisher({ url: broker.url, chunkSize: 1024, reconnectMs: 100, ...logins.cameras[id] })));
  let drops = 0;
  for (const p of pubs) p.client.on('close', () => drops++);
  try {
    const jpeg = await testJpeg();
    const bundles = Array.from({ length: 40 }, (_, i) => makeBundle({ cameraId: i % 2 ? 'yard' : 'porch', bundleId: `r-${i}`, jpeg }));
    const published: Promise<void>[] = [];
    let restartedAt = -1;
    for (let i = 0; i < bundles.length; i++) {
      published.push(pubs[i % 2].publish(bundles[i]));
      await sleep(30);
      if (i === 15) {
        const pid = broker.pid();
        await broker.stop(); // SIGTERM by PID, mid-stream: chunks of bundles 14-16 are in flight
        assert.ok(pid > 0);
        restartedAt = relay.status().counts.uploaded;
        await sleep(500);
        await broker.start();
      }
    }
    await Promise.all(published); // every chunk acknowledged by the broker
    await waitFor(() => relay.status().counts.uploaded === 40, 30000, 'all 40 bundles uploaded');
    assert.ok(restartedAt < 40, 'the restart happened mid-stream');
    assert.ok(drops >= 2, 'both publishers lost the broker');
    const client = reader(config);
    assert.equal(await listKeys(client, BUCKET, 'contributions/'), expectedKeys('alice', bundles));
    assert.is(relay.contributions().length, 40);
    const s = relay.status();
    assert.is(s.counts.rejected, 0);
    assert.is(s.counts.accepted, 40);
    assert.ok(s.broker.connected, `the relay reconnected: ${JSON.stringify({ state: s.state, broker: s.broker, storage: (s as any).storage })}`);
    client.destroy();
  } finally {
    await Promise.all(pubs.map((p) => p.close()));
    await relay.stop();
    await broker.stop();
    await s3.stop();
    tmp.cleanup();
  }
});

test.run();
