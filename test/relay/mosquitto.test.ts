/**
 * Integration with the real external broker: Debian's mosquitto, started here on a free loopback
 * port and stopped by PID, the relay subscribed to it, s3rver as the bucket, SSE aws:kms with a
 * key id (asserted on the requests: s3rver ignores SSE). Fails when mosquitto is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectPublisher } from '../../src/adapters/mqtt-publisher.js';
import { join } from 'node:path';
import { testLogins } from './helpers/auth.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { tempDir, waitFor } from './helpers/env.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { camera } from './helpers/relay.js';
import { expectedKeys, getBytes, listKeys } from './helpers/s3.js';
import { BUCKET, reader, startTestRelay, startTestS3, testConfig } from './helpers/world.js';

test('mosquitto -> relay -> s3rver: every bundle once, aws:kms with its key id on every put', async () => {
  const tmp = tempDir();
  const logins = testLogins(join(tmp.dir, 'relay'), ['porch', 'yard']);
  const broker = await startMosquitto(tmp.dir, { listener: logins.mosquittoListener(tmp.dir) });
  const s3 = await startTestS3(tmp.dir);
  const config = testConfig(tmp.dir, broker.url, s3.endpoint, [camera('porch'), camera('yard', 'bob')], { s3: { sse: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/test-key' }, broker: { ...logins.services.relay } });
  const { relay, puts } = await startTestRelay(config);
  // each camera publishes with its own login (the broker's ACL allows nothing else)
  const pubs = { porch: await connectPublisher({ url: broker.url, chunkSize: 2048, ...logins.cameras.porch }), yard: await connectPublisher({ url: broker.url, chunkSize: 2048, ...logins.cameras.yard }) };
  try {
    const jpeg = await testJpeg();
    const bundles = Array.from({ length: 6 }, (_, i) => makeBundle({ cameraId: i % 2 ? 'yard' : 'porch', bundleId: `m-${i}`, jpeg }));
    await Promise.all(bundles.map((b) => pubs[b.cameraId as 'porch' | 'yard'].publish(b)));
    await waitFor(() => relay.status().counts.uploaded === 6, 20000, '6 uploads');
    const client = reader(config);
    const keys = await listKeys(client, BUCKET, 'contributions/');
    assert.equal(keys, [...expectedKeys('alice', bundles.filter((b) => b.cameraId === 'porch')), ...expectedKeys('bob', bundles.filter((b) => b.cameraId === 'yard'))].sort());
    assert.is(puts.length, 36);
    for (const p of puts) {
      assert.is(p.headers['x-amz-server-side-encryption'], 'aws:kms');
      assert.is(p.headers['x-amz-server-side-encryption-aws-kms-key-id'], 'arn:aws:kms:eu-west-1:111122223333:key/test-key');
    }
    assert.equal(await getBytes(client, BUCKET, 'contributions/bob/yard/2026/11/23/m-1/1-view.jpg'), jpeg);
    assert.ok(relay.status().broker.connected);
    client.destroy();
  } finally {
    await Promise.all([pubs.porch.close(), pubs.yard.close()]);
    await relay.stop();
    await broker.stop();
    await s3.stop();
    tmp.cleanup();
  }
});

test.run();
