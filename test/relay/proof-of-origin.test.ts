/**
 * Proof of origin at the relay: a bundle must carry the MAC its camera's secret makes. A forged
 * one (another key, no MAC, one byte changed with the CRC made right again, or a camera with no
 * secret on record) is refused as 'bad-mac', counted per camera, and never stored or uploaded;
 * the genuine camera's bundles keep flowing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleTopic, chunkBundle, crc32, encodeBundle, macKey, MAC_BYTES } from '../../src/protocol/index.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { camera, testRelay, type TestRelay } from './helpers/relay.js';

function sendAll(t: TestRelay, cameraId: string, bundleId: string, bytes: Uint8Array): void {
  for (const c of chunkBundle(bytes, { cameraId, bundleId, chunkSize: 1024 })) t.send(bundleTopic(cameraId), c);
}

/** Re-seal the bundle CRC after an edit (a forger can always do that: a CRC is no proof). */
function reseal(b: Uint8Array): Uint8Array {
  const n = b.length;
  const crc = crc32(b, 0, n - 4);
  b.set([crc & 255, (crc >>> 8) & 255, (crc >>> 16) & 255, crc >>> 24], n - 4);
  return b;
}

test('forged bundles are refused as bad-mac, counted, and nothing of them is stored', async () => {
  const { secret, ...noSecret } = camera('nosecret');
  assert.ok(secret);
  const t = await testRelay([camera('porch'), noSecret]);
  try {
    const jpeg = await testJpeg();
    const porchKey = macKey(Buffer.from(camera('porch').secret!, 'hex'));
    const wrongKey = macKey(new Uint8Array(32).fill(7));
    const bundle = (id: string, cam = 'porch') => makeBundle({ cameraId: cam, bundleId: id, jpeg });
    sendAll(t, 'porch', 'f1', encodeBundle(bundle('f1'), undefined, wrongKey)); // another key
    sendAll(t, 'porch', 'f2', encodeBundle(bundle('f2'))); // no MAC (16 zero bytes)
    const edited = encodeBundle(bundle('f3'), undefined, porchKey); // genuine, then one raw-view byte changed
    edited[edited.length - 4 - MAC_BYTES - 10] ^= 0x01;
    sendAll(t, 'porch', 'f3', reseal(edited));
    const macEdited = encodeBundle(bundle('f4'), undefined, porchKey); // genuine, then one MAC bit changed
    macEdited[macEdited.length - 5] ^= 0x80;
    sendAll(t, 'porch', 'f4', reseal(macEdited));
    sendAll(t, 'nosecret', 'n1', encodeBundle(bundle('n1', 'nosecret'), undefined, wrongKey)); // no secret on record
    sendAll(t, 'porch', 'ok1', encodeBundle(bundle('ok1'), undefined, porchKey));
    await t.relay.whenIdle();
    const s = t.relay.status();
    assert.equal(s.rejectedByReason, { 'bad-mac': 5 });
    assert.equal(s.rejectedByCamera.porch, { 'bad-mac': 4 });
    assert.equal(s.rejectedByCamera.nosecret, { 'bad-mac': 1 });
    for (const id of ['f1', 'f2', 'f3', 'f4']) assert.not.ok(t.store.has('porch', id), `${id} not stored`);
    assert.not.ok(t.store.has('nosecret', 'n1'));
    assert.ok(t.store.has('porch', 'ok1'));
    assert.is(s.counts.uploaded, 1, 'the genuine bundle went through');
    const keys = [...t.bucket.objects.keys()];
    assert.ok(keys.length > 0 && keys.every((k) => k.includes('/ok1/')), 'nothing of a forged bundle reached S3');
  } finally {
    await t.relay.stop();
  }
});

test.run();
