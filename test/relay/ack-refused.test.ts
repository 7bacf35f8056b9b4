/**
 * A bundle the relay will never store gets a signed final answer (src/relay/ack.ts, format in
 * src/protocol/ack.ts): a refusal with its reason, bound to the bundle's id and CRC, sent again when
 * the board sends the bundle again. Never for bytes without the camera's own MAC (forged, wrong
 * secret, not a bundle at all) nor for chunks announcing another id than the bundle's: whoever
 * lacks the secret cannot make the relay sign anything.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readU32 } from '../../src/protocol/bytes.js';
import { crc32 } from '../../src/protocol/crc32.js';
import { ackMacDomain, ackTopic, asciiToBytes, signJson, bundleTopic, chunkBundle, demoCameraSecret, encodeAck, encodeBundle, MAX_ACK_BYTES, macKey, openAck } from '../../src/protocol/index.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { camera, stopTestRelays, testRelay, type TestRelay } from './helpers/relay.js';

test.after.each(stopTestRelays);

const key = (id: string) => macKey(demoCameraSecret(id));

function acksOf(t: TestRelay): { topic: string; text: string }[] {
  const acks: { topic: string; text: string }[] = [];
  t.relay.acks.connect((topic, payload) => acks.push({ topic, text: Buffer.from(payload).toString('ascii') }));
  return acks;
}

async function sendAll(t: TestRelay, cameraId: string, bytes: Uint8Array, bundleId: string): Promise<void> {
  for (const c of chunkBundle(bytes, { cameraId, bundleId, chunkSize: 1024 })) await t.send(bundleTopic(cameraId), c);
}

test('no consent: a signed refusal naming the bundle and its CRC, not stored; sent again for a re-send of the same bytes only', async () => {
  const t = await testRelay([camera('shed', 'alice', [])]);
  const acks = acksOf(t);
  const jpeg = await testJpeg();
  const bytes = encodeBundle(makeBundle({ cameraId: 'shed', bundleId: 'n1', jpeg }), undefined, key('shed'));
  await sendAll(t, 'shed', bytes, 'n1');
  assert.is(acks.length, 1);
  assert.is(acks[0].topic, ackTopic('shed'));
  const a = openAck(key('shed'), 'shed', asciiToBytes(acks[0].text));
  assert.ok(a.ok, a.error);
  assert.equal([a.bundleId, a.crc, a.refused], ['n1', readU32(bytes, bytes.length - 4), 'no-consent']);
  assert.is(t.relay.status().counts.accepted, 0, 'not stored');
  assert.is(t.relay.acks.refusals, 1);
  assert.is(t.relay.status().counts.acks.refusals, 1, 'on the status page');
  await sendAll(t, 'shed', bytes, 'n1'); // the refusal was lost: the board sends it again
  assert.is(acks.length, 2);
  assert.is(acks[1].text, acks[0].text, 'the same refusal');
  const other = encodeBundle(makeBundle({ cameraId: 'shed', bundleId: 'n1', jpeg, captureTimeMs: 5 }), undefined, key('shed'));
  await sendAll(t, 'shed', other, 'n1'); // other bytes under the refused id: dropped, no answer
  assert.is(acks.length, 2);
});

test('nothing signed for bytes without the camera MAC, for a non-bundle, or for chunks announcing another id', async () => {
  const t = await testRelay([camera('shed', 'alice', []), camera('porch')]);
  const acks = acksOf(t);
  const jpeg = await testJpeg();
  // wrong secret (a forger): bad-mac, no answer
  await sendAll(t, 'shed', encodeBundle(makeBundle({ cameraId: 'shed', bundleId: 'f1', jpeg }), undefined, macKey(new Uint8Array(32).fill(3))), 'f1');
  // another camera's secret
  await sendAll(t, 'shed', encodeBundle(makeBundle({ cameraId: 'shed', bundleId: 'f2', jpeg }), undefined, key('porch')), 'f2');
  // not a bundle: garbage with a right CRC (the reassembler accepts it, the decoder refuses it)
  const junk = new Uint8Array(3000).fill(7);
  junk.set(Buffer.from('QCBN'), 0);
  const c = crc32(junk, 0, junk.length - 4);
  junk[junk.length - 4] = c & 255;
  junk[junk.length - 3] = (c >>> 8) & 255;
  junk[junk.length - 2] = (c >>> 16) & 255;
  junk[junk.length - 1] = c >>> 24;
  assert.is(readU32(junk, junk.length - 4), c);
  await sendAll(t, 'porch', junk, 'j1');
  // the camera's own bytes, announced under another id by whoever re-chunked them
  await sendAll(t, 'shed', encodeBundle(makeBundle({ cameraId: 'shed', bundleId: 'x1', jpeg }), undefined, key('shed')), 'y1');
  assert.is(acks.length, 0);
  const r = t.relay.status().rejectedByReason;
  assert.is(r['bad-mac'], 2);
  assert.is(r['bundle-id-mismatch'], 1);
  assert.ok(Object.keys(r).some((k) => k.startsWith('bundle-') && k !== 'bundle-id-mismatch'), JSON.stringify(r));
  assert.is(t.relay.acks.refusals, 0);
});

test('format: a refusal fits MAX_ACK_BYTES with the longest id and reason; malformed reasons are refused; a stored ack reads refused ""', () => {
  const k = key('porch');
  const long = encodeAck(k, 'porch', 'b'.repeat(64), 0xffffffff, 'r'.repeat(24));
  assert.ok(long.length <= MAX_ACK_BYTES, `${long.length} bytes`);
  assert.is(openAck(k, 'porch', asciiToBytes(long)).refused, 'r'.repeat(24));
  assert.is(openAck(k, 'porch', asciiToBytes(encodeAck(k, 'porch', 'b1', 7))).refused, '');
  for (const bad of ['', 'R', 'a b', 'x'.repeat(25), 'a"b']) assert.throws(() => encodeAck(k, 'porch', 'b1', 7, bad), RangeError, bad);
  // signed bodies with a garbled refusal member read as malformed, never as "stored"
  for (const tail of [',"refused":""', ',"refused":"No"', ',"refusal":"x"', ',"refused":"x","y":1', ',"refused":"x"x']) {
    const text = signJson(k, ackMacDomain('porch'), '{"v":1,"bundle":"b1","crc":"00000007"' + tail + '}');
    assert.is(openAck(k, 'porch', asciiToBytes(text)).error, 'malformed', tail);
  }
});

test.run();
