/**
 * All-or-nothing uploads (issue 19, item 1): consent withdrawn while a bundle's objects are going
 * out (a paused object store, or one failing part-way) leaves nothing in the bucket: every key
 * the bundle may have put is deleted, and the discard is recorded with its reason.
 */
// test-timeout: 90 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleTopic } from '../../src/protocol/index.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { waitFor } from './helpers/env.js';
import { camera, stopTestRelays, testRelay, type TestRelay } from './helpers/relay.js';

test.after.each(stopTestRelays);

const discarded = (t: TestRelay) => (t.store as unknown as { discarded: Map<string, string> }).discarded;

test('withdrawn while the objects are being put (paused store): 0 objects left, discard recorded', async () => {
  const t = await testRelay([camera('porch')]);
  let release!: () => void;
  t.bucket.gate = new Promise((r) => (release = r));
  for (const c of t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'p1', jpeg: await testJpeg() }))) t.send(bundleTopic('porch'), c);
  await waitFor(() => t.bucket.puts >= 5, 10000, 'the first five puts to start');
  t.registry.put({ ...t.registry.get('porch')!, consent: { ...t.registry.get('porch')!.consent!, purposes: 0, version: 4 } });
  release();
  t.bucket.gate = null;
  await t.relay.whenIdle();
  assert.ok(t.bucket.puts >= 5, 'objects did reach the store');
  assert.equal([...t.bucket.objects.keys()], [], 'no orphan');
  assert.is(t.relay.status().counts.uploaded, 0);
  assert.is(t.relay.contributions().length, 0);
  assert.equal(t.relay.status().rejectedByReason, { 'withdrawn-no-consent': 1 });
  assert.equal([...discarded(t).values()], ['consent: no-consent; objects deleted']);
  await t.relay.stop();
});

test('withdrawn after a part of the objects were stored and the rest failed: they are deleted (retrying while S3 is down)', async () => {
  const t = await testRelay([camera('porch')]);
  const put = t.bucket.put.bind(t.bucket);
  let n = 0;
  t.bucket.put = async (req) => {
    if (++n > 3) t.bucket.down = true;
    return put(req);
  };
  for (const c of t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'p2', jpeg: await testJpeg() }))) t.send(bundleTopic('porch'), c);
  await waitFor(() => t.relay.status().counts.retries >= 1, 10000, 'a failed attempt');
  assert.ok(t.bucket.objects.size >= 1, 'some objects are in the bucket');
  t.registry.put({ ...t.registry.get('porch')!, consent: null });
  await waitFor(() => t.relay.status().counts.retries >= 2, 10000, 'a failed delete (S3 still down)');
  assert.is(t.store.pendingCount(), 1, 'kept in the outbox until its objects are gone');
  t.bucket.down = false;
  await t.relay.whenIdle();
  assert.equal([...t.bucket.objects.keys()], [], 'no orphan');
  assert.is(t.store.pendingCount(), 0);
  assert.equal([...discarded(t).values()], ['consent: no-consent; objects deleted']);
  await t.relay.stop();
});

test.run();
