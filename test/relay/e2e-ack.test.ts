/**
 * The end-to-end acknowledgement and long camera outages, at the relay (in-memory ports, virtual
 * clock): a stored bundle is acked on `quietcam/<camera>/ack` with its camera's MAC only once it is
 * durable; a re-sent copy is a duplicate (stored once, uploaded once) and is acked again; a forged
 * bundle gets no ack; a camera offline for 5 minutes mid-bundle still gets its bundle
 * stored exactly once.
 */
// test-timeout: 90 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readU32 } from '../../src/protocol/bytes.js';
import { ackTopic, asciiToBytes, bundleTopic, chunkBundle, decodeChunk, demoCameraSecret, encodeBundle, macKey, openAck } from '../../src/protocol/index.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { sleep } from './helpers/env.js';
import { camera, stopTestRelays, testRelay, type TestRelay } from './helpers/relay.js';

test.after.each(stopTestRelays);

function acksOf(t: TestRelay): { topic: string; text: string }[] {
  const acks: { topic: string; text: string }[] = [];
  t.relay.acks.connect((topic, payload) => acks.push({ topic, text: Buffer.from(payload).toString('ascii') }));
  return acks;
}

test('a stored bundle is acked once durable, with its camera MAC and CRC; a re-sent copy is stored once and acked again', async () => {
  const t = await testRelay([camera('porch')]);
  const acks = acksOf(t);
  const b = makeBundle({ cameraId: 'porch', bundleId: 'a1', jpeg: await testJpeg() });
  const bytes = encodeBundle(b, undefined, macKey(demoCameraSecret('porch')));
  const chunks = chunkBundle(bytes, { cameraId: 'porch', bundleId: 'a1', chunkSize: 1024 });
  let release!: () => void;
  const fsync = new Promise<void>((r) => (release = r));
  const durable = t.store.durable.bind(t.store);
  t.store.durable = () => fsync.then(durable);
  const last = chunks.map((c) => t.send(bundleTopic('porch'), c)).pop();
  await sleep(20);
  assert.is(acks.length, 0, 'no ack before the outbox entry is fsynced');
  release();
  await last;
  assert.is(acks.length, 1);
  assert.is(acks[0].topic, ackTopic('porch'));
  const a = openAck(macKey(demoCameraSecret('porch')), 'porch', asciiToBytes(acks[0].text));
  assert.ok(a.ok, a.error);
  assert.is(a.bundleId, 'a1');
  assert.is(a.crc, readU32(bytes, bytes.length - 4));
  assert.is(openAck(macKey(demoCameraSecret('yard')), 'porch', asciiToBytes(acks[0].text)).error, 'bad-mac', 'only the camera secret opens it');
  // the board did not hear the ack and sends the whole bundle again
  for (const c of chunks) await t.send(bundleTopic('porch'), c);
  assert.is(acks.length, 2, 'acked again on the re-sent copy\'s last chunk');
  assert.is(acks[1].text, acks[0].text);
  await t.relay.whenIdle();
  assert.is(t.relay.status().counts.uploaded, 1, 'uploaded once');
  assert.is(t.relay.status().counts.accepted, 1);
  assert.is([...t.bucket.objects.keys()].filter((k) => k.includes('/a1/')).length, 6, 'six objects, once');
});

test('a forged bundle gets no ack (a bundle without consent gets a signed refusal: ack-refused.test.ts)', async () => {
  const t = await testRelay([camera('porch')]);
  const acks = acksOf(t);
  const jpeg = await testJpeg();
  const forged = encodeBundle(makeBundle({ cameraId: 'porch', bundleId: 'f1', jpeg }), undefined, macKey(new Uint8Array(32).fill(9)));
  for (const c of chunkBundle(forged, { cameraId: 'porch', bundleId: 'f1', chunkSize: 1024 })) await t.send(bundleTopic('porch'), c);
  assert.is(acks.length, 0);
  assert.equal(t.relay.status().rejectedByReason['bad-mac'], 1);
});

test('a camera offline for 5 minutes mid-bundle: the partial bundle waits (journalled) and is stored exactly once', async () => {
  const t = await testRelay([camera('porch')], { reassembly: { expireEveryMs: 100 } });
  const acks = acksOf(t);
  const chunks = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'o1', jpeg: await testJpeg() }), 512);
  assert.ok(chunks.length >= 6);
  const half = chunks.length >> 1;
  for (const c of chunks.slice(0, half)) await t.send(bundleTopic('porch'), c);
  assert.is(t.store.journal().length, half, 'the first half is on disk (journal)');
  for (let s = 0; s < 300; s += 30) {
    t.clock.now += 30_000; // 5 virtual minutes, with sweeps in between
    await sleep(120);
  }
  assert.is(t.relay.status().counts.partial, 1, 'still waiting for the rest');
  assert.is(t.relay.status().counts.incomplete.timeout, 0);
  for (const c of chunks.slice(half)) await t.send(bundleTopic('porch'), c);
  await t.relay.whenIdle();
  assert.is(t.relay.status().counts.uploaded, 1);
  assert.is(acks.length, 1);
  assert.is([...t.bucket.objects.keys()].filter((k) => k.includes('/o1/')).length, 6);
});

test('with the old 60 s timeout the same outage loses the partial bundle (what the default fixes)', async () => {
  const t = await testRelay([camera('porch')], { reassembly: { timeoutMs: 60_000, expireEveryMs: 100 } });
  const chunks = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'o2', jpeg: await testJpeg() }), 512);
  for (const c of chunks.slice(0, 2)) await t.send(bundleTopic('porch'), c);
  t.clock.now += 65_000;
  await sleep(300);
  assert.is(t.relay.status().counts.incomplete.timeout, 1);
  assert.is(t.store.journal().length, 0);
});

test('partial bundles are bounded per camera: a fifth evicts that camera\'s oldest, not another camera\'s', async () => {
  const t = await testRelay([camera('porch'), camera('yard')], { reassembly: { maxPerCamera: 4 } });
  const jpeg = await testJpeg();
  await t.send(bundleTopic('yard'), t.chunks(makeBundle({ cameraId: 'yard', bundleId: 'y0', jpeg }))[0]);
  for (let i = 0; i < 5; i++) await t.send(bundleTopic('porch'), t.chunks(makeBundle({ cameraId: 'porch', bundleId: `p${i}`, jpeg }))[0]);
  assert.is(t.relay.status().counts.partial, 5, '4 of porch + 1 of yard');
  assert.is(t.relay.status().counts.incomplete.evicted, 1);
  const held = t.store.journal().map((c) => {
    const d = decodeChunk(c.bytes);
    return d.ok ? `${d.chunk.cameraId}/${d.chunk.bundleId}` : '?';
  });
  assert.equal(held.sort(), ['porch/p1', 'porch/p2', 'porch/p3', 'porch/p4', 'yard/y0'], 'porch\'s oldest went, yard kept its own');
});

test.run();
