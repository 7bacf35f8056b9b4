/**
 * Integration: the embedded stack (aedes broker, s3rver, relay with SQLite and sharp), bundles
 * published over MQTT QoS 1 by the publisher helper (one per camera, with its paired login: the
 * broker refuses anything else), read back over the real S3 protocol.
 * s3rver ignores SSE headers (and object tags), so both are asserted on the outgoing requests.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleTopic } from '../../src/protocol/index.js';
import { connectPublisher, type BundlePublisher } from '../../src/adapters/mqtt-publisher.js';
import { s3Client, type S3Store } from '../../src/adapters/s3-store.js';
import { S3RVER_CREDENTIALS } from '../../src/adapters/s3rver-endpoint.js';
import { silentLogger } from '../../src/log.js';
import { startStack, type Stack } from '../../src/relay/stack.js';
import type { PublicStatus } from '../../src/relay/status.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { tempDir, waitFor } from './helpers/env.js';
import { camera } from './helpers/relay.js';
import { capturePuts, expectedKeys, getBytes, listKeys, type CapturedPut } from './helpers/s3.js';

const tmp = tempDir();
let stack: Stack;
/** One publisher per camera, logged in as that camera ('ghost' is paired with the broker, unknown to the relay). */
const pubs: Record<string, BundlePublisher> = {};
let puts: CapturedPut[];

test.before(async () => {
  stack = await startStack({ dataDir: tmp.dir, brokerPort: 0, s3Port: 0, statusPort: 0, cameras: [camera('porch'), camera('yard')], pair: ['porch', 'yard', 'ghost'], log: silentLogger, alerts: false });
  puts = capturePuts(stack.relay.objects as S3Store);
  for (const [id, login] of Object.entries(stack.paired)) pubs[id] = await connectPublisher({ url: stack.brokerUrl, chunkSize: 1024, ...login });
});

test.after(async () => {
  await Promise.all(Object.values(pubs).map((p) => p.close()));
  await stack?.stop();
  tmp.cleanup();
});

const reader = () => s3Client({ ...stack.relay.config.s3, ...S3RVER_CREDENTIALS });

test('bundles over MQTT land in S3 as 6 objects each, SSE AES256 and purpose tags on every put', async () => {
  const jpeg = await testJpeg();
  const bundles = [
    makeBundle({ cameraId: 'porch', bundleId: 'p-1', jpeg }),
    makeBundle({ cameraId: 'yard', bundleId: 'y-1', jpeg, purposes: 2 }),
    makeBundle({ cameraId: 'porch', bundleId: 'p-2', jpeg }),
  ];
  // the third one reversed and with duplicates, as a flaky board link would deliver it
  await Promise.all([
    pubs.porch.publish(bundles[0]),
    pubs.yard.publish(bundles[1]),
    pubs.porch.publish(bundles[2], { order: (n) => [...Array(n).keys()].reverse().flatMap((i) => [i, i]) }),
  ]);
  await waitFor(() => stack.relay.status().counts.uploaded === 3, 15000, '3 uploads');
  const client = reader();
  const keys = await listKeys(client, stack.bucket, 'contributions/');
  assert.equal(keys, expectedKeys('alice', bundles));
  assert.is(puts.length, 18, 'one PutObject per object, none repeated');
  for (const p of puts) {
    assert.is(p.headers['x-amz-server-side-encryption'], 'AES256', p.key);
    const tag = p.key.includes('/yard/') ? 'purpose=objectron' : 'purpose=motion%2Bobjectron';
    assert.is(p.headers['x-amz-tagging'], tag, p.key);
  }
  assert.equal(await getBytes(client, stack.bucket, 'contributions/alice/porch/2026/11/23/p-1/1-view.jpg'), jpeg);
  const meta = JSON.parse(new TextDecoder().decode(await getBytes(client, stack.bucket, 'contributions/alice/yard/2026/11/23/y-1/meta.json')));
  assert.equal(meta.purposes, ['objectron']);
  assert.is(meta.bundleId, 'y-1');
  const png = await getBytes(client, stack.bucket, 'contributions/alice/porch/2026/11/23/p-2/2-sky.png');
  assert.equal([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.is(stack.relay.contributions({ cameraId: 'porch' }).length, 2);
  client.destroy();
});

test('bad input over MQTT is counted by reason; the broker connection and good bundles carry on', async () => {
  const jpeg = await testJpeg();
  await pubs.porch.publishRaw(bundleTopic('porch'), new TextEncoder().encode('garbage'));
  const chunks = (await import('../../src/protocol/index.js')).chunkBundle(
    (await import('../../src/protocol/index.js')).encodeBundle(makeBundle({ cameraId: 'porch', bundleId: 'crc-1', jpeg })), { cameraId: 'porch', bundleId: 'crc-1', chunkSize: 1024 });
  const bad = Uint8Array.from(chunks[0]);
  bad[40] ^= 1;
  await pubs.porch.publishRaw(bundleTopic('porch'), bad);
  await pubs.ghost.publish(makeBundle({ cameraId: 'ghost', bundleId: 'g-1', jpeg }));
  await pubs.porch.publish(makeBundle({ cameraId: 'porch', bundleId: 'p-3', jpeg }));
  await waitFor(() => stack.relay.status().counts.uploaded === 4, 15000, 'the good bundle after the bad ones');
  const s = stack.relay.status();
  assert.equal(s.rejectedByReason, { 'chunk-bad-magic': 1, 'chunk-bad-crc': 1, 'unknown-camera': 1 });
  assert.ok(s.broker.connected);
  assert.is(s.state, 'running');
});

test('status: /status JSON, / HTML with counts only (no owner, camera or key), /healthz', async () => {
  const json = (await (await fetch(`${stack.statusUrl}/status`)).json()) as PublicStatus;
  assert.is(json.counts.uploaded, 4);
  assert.is(json.counts.pending, 0);
  assert.ok(json.latencyMs.p50! > 0 && json.latencyMs.p99! >= json.latencyMs.p50!);
  assert.is(json.bucket.sse, 'AES256');
  const html = await (await fetch(`${stack.statusUrl}/`)).text();
  assert.ok(html.includes('quietcam relay'));
  assert.ok(html.includes('unknown-camera'), 'rejections by reason');
  for (const body of [html, JSON.stringify(json)]) {
    for (const s of ['alice', 'porch', 'yard', 'ghost', 'contributions/', 'p-3']) assert.not.ok(body.includes(s), `the signed-out status shows ${s}`);
  }
  assert.is((await fetch(`${stack.statusUrl}/contributions?camera=yard`)).status, 404);
  assert.is((await fetch(`${stack.statusUrl}/healthz`)).status, 200);
});

test.run();
