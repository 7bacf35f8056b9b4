/**
 * A contribution a reviewer flagged is tombstoned in S3 (src/operator/keys.ts flagKey): a relay
 * that receives the same bundle again (an MQTT redelivery, a board that resends) does not store
 * it, and counts why; other bundles of the camera still go through.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flagKey } from '../../src/operator/keys.js';
import { bundleTopic } from '../../src/protocol/index.js';
import { makeBundle, testJpeg } from '../relay/helpers/bundles.js';
import { camera, stopTestRelays, testRelay } from '../relay/helpers/relay.js';

test.after.each(stopTestRelays);

test('the relay does not upload a redelivered bundle a reviewer flagged', async () => {
  const t = await testRelay([camera('porch')]);
  t.bucket.objects.set(flagKey('alice', 'porch', 'f1'), { key: flagKey('alice', 'porch', 'f1'), body: new Uint8Array(1), contentType: 'application/json', tags: {} });
  const jpeg = await testJpeg();
  for (const c of t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'f1', jpeg }))) t.send(bundleTopic('porch'), c);
  for (const c of t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'ok1', jpeg }))) t.send(bundleTopic('porch'), c);
  await t.relay.whenIdle();
  const keys = [...t.bucket.objects.keys()];
  assert.not.ok(keys.some((k) => k.includes('/f1/')), 'nothing of the flagged bundle stored');
  assert.ok(keys.some((k) => k.endsWith('/ok1/meta.json')), 'the next bundle is stored');
  const s = t.relay.status();
  assert.is(s.counts.uploaded, 1);
  await t.relay.stop();
});

test.run();
