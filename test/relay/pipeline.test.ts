/**
 * The relay's stages end to end in one process, on in-memory ports (store, registry, bucket) and
 * real sharp: chunk faults, bad input, consent, derived images.
 */
import sharp from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleTopic, chunkBundle, crc32, encodeBundle, PURPOSE_MOTION } from '../../src/protocol/index.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { waitFor } from './helpers/env.js';
import { camera, stopTestRelays, testRelay } from './helpers/relay.js';

// a failed assert skips the test's own `relay.stop()`: this still stops it, so the file cannot hang
test.after.each(stopTestRelays);

const names = ['1-view.jpg', '2-sky.png', '3-static.png', '4-motion.png', '5-background.jpg', 'meta.json'];
const prefix = (owner: string, cam: string, id: string) => `contributions/${owner}/${cam}/2026/11/23/${id}/`;

test('duplicated, reordered and interleaved chunks: every bundle stored exactly once', async () => {
  const t = await testRelay([camera('porch'), camera('yard', 'bob')]);
  const jpeg = await testJpeg();
  const a = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'a1', jpeg }));
  const b = t.chunks(makeBundle({ cameraId: 'yard', bundleId: 'b1', jpeg }));
  assert.ok(a.length >= 4 && b.length >= 4, 'several chunks each');
  // reversed, every chunk twice, the two bundles interleaved, then the whole of `a` again
  const order: [string, Uint8Array][] = [];
  for (let i = Math.max(a.length, b.length) - 1; i >= 0; i--) {
    if (a[i]) order.push([bundleTopic('porch'), a[i]], [bundleTopic('porch'), a[i]]);
    if (b[i]) order.push([bundleTopic('yard'), b[i]]);
  }
  for (const c of b) order.push([bundleTopic('yard'), c]);
  for (const c of a) order.push([bundleTopic('porch'), c]);
  for (const [topic, c] of order) t.send(topic, c);
  await t.relay.whenIdle();
  const s = t.relay.status();
  assert.is(s.counts.accepted, 2);
  assert.is(s.counts.uploaded, 2);
  assert.is(s.counts.rejected, 0);
  assert.is(s.counts.chunksDuplicate, a.length + b.length + a.length);
  const keys = [...t.bucket.objects.keys()].sort();
  assert.equal(keys, [...names.map((n) => prefix('alice', 'porch', 'a1') + n), ...names.map((n) => prefix('bob', 'yard', 'b1') + n)].sort());
  assert.is(t.bucket.puts, 12, 'no object put twice');
  assert.is(t.store.journal().length, 0);
  await t.relay.stop();
});

test("only the chunk that completes a bundle makes its acknowledgement wait (for the outbox entry's fsync)", async () => {
  const t = await testRelay([camera('porch')]);
  const chunks = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'w1', jpeg: await testJpeg() }));
  let waited = 0;
  t.store.durable = () => {
    waited++;
    return Promise.resolve();
  };
  const results = chunks.map((c) => t.send(bundleTopic('porch'), c));
  assert.ok(results.slice(0, -1).every((r) => r === undefined), 'partial chunks: acknowledged at once');
  assert.instance(results[results.length - 1], Promise, 'the last chunk: a promise');
  await results[results.length - 1];
  assert.is(waited, 1);
  assert.is(t.send(bundleTopic('porch'), chunks[0]), undefined, 'a redelivered chunk of a stored bundle waits for nothing');
  // a failing fsync fails the relay and rejects, so no PUBACK is sent
  const more = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'w2', jpeg: await testJpeg() }));
  t.store.durable = () => Promise.reject(new Error('EIO: fsync failed'));
  const last = more.map((c) => t.send(bundleTopic('porch'), c)).pop();
  const err = await last!.then(() => null, (e: Error) => e);
  assert.match(String(err?.message), /EIO/);
  assert.is(t.relay.status().state, 'failed');
  await t.relay.stop();
});

test('a bundle missing a chunk is reported incomplete after the timeout and forgotten', async () => {
  const t = await testRelay([camera('porch')], { reassembly: { timeoutMs: 5000, expireEveryMs: 100 } });
  const chunks = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'lost-1', jpeg: await testJpeg() }));
  for (const c of chunks.slice(1)) t.send(bundleTopic('porch'), c);
  assert.is(t.relay.status().counts.partial, 1);
  assert.is(t.store.journal().length, chunks.length - 1, 'journalled before the ack');
  t.clock.now += 6000;
  await new Promise((r) => setTimeout(r, 250));
  const s = t.relay.status();
  assert.is(s.counts.incomplete.timeout, 1);
  assert.is(s.counts.partial, 0);
  assert.is(t.store.journal().length, 0);
  assert.is(s.counts.uploaded, 0);
  await t.relay.stop();
});

test('bad input is counted per camera and reason, never throws, never blocks a good camera', async () => {
  const t = await testRelay([camera('porch'), camera('shy', 'carol', []), { ...camera('hall', 'carol'), placement: 'interior' }]);
  const jpeg = await testJpeg();
  const good = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'g1', jpeg }));
  const send = (topic: string, p: Uint8Array) => t.send(topic, p);
  send(bundleTopic('porch'), good[0]);
  send(bundleTopic('porch'), new TextEncoder().encode('hello, I am not a chunk')); // garbage
  send('quietcam/porch/event', good[1]); // not the bundle topic
  send('elsewhere/porch/bundle', good[1]);
  const flipped = Uint8Array.from(good[1]);
  flipped[flipped.length - 10] ^= 0xff;
  send(bundleTopic('porch'), flipped); // chunk CRC
  send(bundleTopic('yard'), good[1]); // chunk of porch on yard's topic
  for (const c of t.chunks(makeBundle({ cameraId: 'ghost', bundleId: 'x1', jpeg }))) send(bundleTopic('ghost'), c); // unknown camera
  for (const c of t.chunks(makeBundle({ cameraId: 'hall', bundleId: 'x2', jpeg }))) send(bundleTopic('hall'), c); // interior, not confirmed
  for (const c of t.chunks(makeBundle({ cameraId: 'shy', bundleId: 'x3', jpeg }))) send(bundleTopic('shy'), c); // consent to nothing
  const corrupt = encodeBundle(makeBundle({ cameraId: 'porch', bundleId: 'x4', jpeg }));
  corrupt[100] ^= 0x55; // corrupted before chunking: the chunks are fine, the bundle CRC is not
  for (const c of chunkBundle(corrupt, { cameraId: 'porch', bundleId: 'x4', chunkSize: 1024 })) send(bundleTopic('porch'), c);
  const badField = encodeBundle(makeBundle({ cameraId: 'porch', bundleId: 'x5', jpeg }));
  badField[5] = 1; // reserved flags, with a CRC that matches: only the bundle decoder objects
  const n = badField.length;
  const crc = crc32(badField, 0, n - 4);
  badField.set([crc & 255, (crc >>> 8) & 255, (crc >>> 16) & 255, crc >>> 24], n - 4);
  for (const c of chunkBundle(badField, { cameraId: 'porch', bundleId: 'x5', chunkSize: 1024 })) send(bundleTopic('porch'), c);
  for (const c of good.slice(1)) send(bundleTopic('porch'), c);
  await t.relay.whenIdle();
  const s = t.relay.status();
  assert.equal(s.rejectedByReason, {
    'chunk-bad-magic': 1, 'bad-topic': 2, 'chunk-bad-crc': 1, 'topic-mismatch': 1, 'unknown-camera': 1, 'no-consent': 2, 'reassembly-bad-crc': 1, 'bundle-bad-field': 1,
  });
  assert.equal(s.rejectedByCamera.ghost, { 'unknown-camera': 1 }, 'once per bundle, not per chunk');
  assert.equal(s.rejectedByCamera.porch, { 'chunk-bad-magic': 1, 'bad-topic': 1, 'chunk-bad-crc': 1, 'reassembly-bad-crc': 1, 'bundle-bad-field': 1 });
  assert.equal(s.rejectedByCamera['(none)'], { 'bad-topic': 1 });
  assert.equal(s.rejectedByCamera.yard, { 'topic-mismatch': 1 });
  assert.equal(s.rejectedByCamera.hall, { 'no-consent': 1 });
  assert.equal(s.rejectedByCamera.shy, { 'no-consent': 1 });
  assert.is(s.counts.uploaded, 1, 'the good bundle went through');
  assert.ok(t.bucket.objects.has(prefix('alice', 'porch', 'g1') + 'meta.json'));
  assert.is([...t.bucket.objects.keys()].filter((k) => !k.includes('/g1/')).length, 0, 'nothing else left');
  assert.is(s.state, 'running');
  await t.relay.stop();
});

test('expired consent is refused; purposes not consented are dropped, not added', async () => {
  const t = await testRelay([camera('porch', 'alice', ['motion']), { ...camera('old'), consent: { purposes: ['motion'], version: 1, granted: '2025-01-01T00:00:00Z' } }]);
  const jpeg = await testJpeg();
  for (const c of t.chunks(makeBundle({ cameraId: 'old', bundleId: 'o1', jpeg }))) t.send(bundleTopic('old'), c);
  for (const c of t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'p1', jpeg, purposes: 3 }))) t.send(bundleTopic('porch'), c);
  await t.relay.whenIdle();
  assert.equal(t.relay.status().rejectedByReason, { 'consent-expired': 1 });
  const meta = JSON.parse(new TextDecoder().decode(t.bucket.objects.get(prefix('alice', 'porch', 'p1') + 'meta.json')!.body));
  assert.equal(meta.purposes, ['motion']);
  assert.is(meta.consentVersion, 3);
  for (const o of t.bucket.objects.values()) assert.equal(o.tags, { purpose: 'motion' });
  await t.relay.stop();
});

test('consent withdrawn while a bundle waits for S3: discarded, never uploaded', async () => {
  const t = await testRelay([camera('porch')]);
  t.bucket.down = true;
  for (const c of t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'w1', jpeg: await testJpeg() }))) t.send(bundleTopic('porch'), c);
  await waitFor(() => t.relay.status().counts.retries >= 1, 10000, 'a failed upload attempt');
  t.registry.put({ ...t.registry.get('porch')!, consent: null });
  t.bucket.down = false;
  await t.relay.whenIdle();
  const s = t.relay.status();
  assert.is(s.counts.uploaded, 0);
  assert.equal(s.rejectedByReason, { 'withdrawn-no-consent': 1 });
  assert.is(t.bucket.objects.size, 0);
  assert.is(t.store.pendingCount(), 0);
  await t.relay.stop();
});

test('a raw view that is not the JPEG it claims to be is discarded as bad-image', async () => {
  const t = await testRelay([camera('porch')]);
  const b = makeBundle({ cameraId: 'porch', bundleId: 'j1', jpeg: await testJpeg(640, 480) }); // says 320x240
  for (const c of t.chunks(b)) t.send(bundleTopic('porch'), c);
  const junk = makeBundle({ cameraId: 'porch', bundleId: 'j2', jpeg: Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 240, 1, 64, 1, 1, 0]) });
  for (const c of t.chunks(junk)) t.send(bundleTopic('porch'), c);
  await t.relay.whenIdle();
  assert.equal(t.relay.status().rejectedByReason, { 'bad-image': 2 });
  assert.is(t.bucket.objects.size, 0);
  await t.relay.stop();
});

test('the five images: raw JPEG as received, single-channel masks and background at its size', async () => {
  const t = await testRelay([camera('porch')]);
  const jpeg = await testJpeg(320, 240);
  const b = makeBundle({ cameraId: 'porch', bundleId: 'i1', jpeg, purposes: PURPOSE_MOTION });
  for (const c of t.chunks(b)) t.send(bundleTopic('porch'), c);
  await t.relay.whenIdle();
  const get = (n: string) => t.bucket.objects.get(prefix('alice', 'porch', 'i1') + n)!;
  assert.equal(get('1-view.jpg').body, jpeg);
  assert.is(get('1-view.jpg').contentType, 'image/jpeg');
  for (const n of ['2-sky.png', '3-static.png', '4-motion.png', '5-background.jpg']) {
    const m = await sharp(get(n).body).metadata();
    assert.equal([m.width, m.height, m.channels], [320, 240, 1], n);
  }
  const sky = await sharp(get('2-sky.png').body).raw().toBuffer();
  assert.is(sky[0], 255);
  assert.is(sky[239 * 320], 0);
  // the background is blurred: no sharp steps between neighbours
  const bg = await sharp(get('5-background.jpg').body).raw().toBuffer();
  let maxStep = 0;
  for (let i = 1; i < 320; i++) maxStep = Math.max(maxStep, Math.abs(bg[120 * 320 + i] - bg[120 * 320 + i - 1]));
  assert.ok(maxStep < 12, `max step ${maxStep}`);
  const meta = JSON.parse(new TextDecoder().decode(get('meta.json').body));
  assert.equal(meta.boxes.boxes[0].pixels, { x0: 128, y0: 96, x1: 191, y1: 175 });
  assert.is(meta.cameraId, 'porch');
  assert.is(meta.ownerId, 'alice');
  assert.is(meta.detectorVersion, '1.0.0');
  assert.equal(meta.purposes, ['motion']);
  assert.is(meta.captureTime, '2026-11-23T12:00:00.000Z');
  assert.is(meta.background.source, 'device+view');
  await t.relay.stop();
});

test('a camera registered after its chunks were refused as unknown is accepted from then on', async () => {
  const t = await testRelay([camera('porch')]);
  const jpeg = await testJpeg();
  for (const c of t.chunks(makeBundle({ cameraId: 'late', bundleId: 'l1', jpeg }))) t.send(bundleTopic('late'), c);
  assert.equal(t.relay.status().rejectedByReason, { 'unknown-camera': 1 });
  t.registry.put({ cameraId: 'late', ownerId: 'bob', placement: 'exterior', secret: camera('late').secret, consent: { purposes: 3, version: 1, grantedMs: 0, expiresMs: Date.UTC(2030, 0) } });
  for (const c of t.chunks(makeBundle({ cameraId: 'late', bundleId: 'l2', jpeg }))) t.send(bundleTopic('late'), c);
  await t.relay.whenIdle();
  assert.is(t.relay.status().counts.uploaded, 1);
  assert.ok(t.bucket.objects.has(prefix('bob', 'late', 'l2') + 'meta.json'));
  await t.relay.stop();
});

test('raw views of different sizes one after the other: every drawing and background at its own size', async () => {
  const t = await testRelay([camera('porch')]);
  const sizes: [number, number, [number, number, number, number]][] = [[640, 480, [1, 1, 18, 13]], [320, 240, [8, 6, 11, 10]], [642, 481, [0, 0, 3, 3]], [320, 240, [15, 10, 19, 14]]];
  for (const [i, [w, h, box]] of sizes.entries()) {
    const b = makeBundle({ cameraId: 'porch', bundleId: `s${i}`, jpeg: await testJpeg(w, h), rawWidth: w, rawHeight: h, box });
    for (const c of t.chunks(b, 4096)) t.send(bundleTopic('porch'), c);
  }
  await t.relay.whenIdle();
  const counts = t.relay.status().counts;
  assert.is(counts.uploaded, sizes.length);
  const { renderBoxes, renderMask } = await import('../../src/relay/masks.js');
  for (const [i, [w, h, box]] of sizes.entries()) {
    const b = makeBundle({ cameraId: 'porch', bundleId: `s${i}`, jpeg: new Uint8Array(0), rawWidth: w, rawHeight: h, box });
    const get = (n: string) => t.bucket.objects.get(prefix('alice', 'porch', `s${i}`) + n)!.body;
    const expected: Record<string, Uint8Array> = { '2-sky.png': renderMask(b.sky, b, w, h), '3-static.png': renderMask(b.staticMask, b, w, h), '4-motion.png': renderBoxes(b, w, h) };
    for (const [name, want] of Object.entries(expected)) {
      const { data, info } = await sharp(get(name)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      assert.equal([info.width, info.height, info.channels], [w, h, 1], name);
      assert.ok(Buffer.from(data).equals(Buffer.from(want)), `${name} of bundle s${i} (${w}x${h}) is exactly the drawing`);
    }
    const bg = await sharp(get('5-background.jpg')).metadata();
    assert.equal([bg.width, bg.height, bg.channels], [w, h, 1]);
  }
  await t.relay.stop();
});

test('the raw view is read as BT.601 luma (the grey the boards and the simulator use)', async () => {
  const { sharpCodec } = await import('../../src/adapters/sharp-codec.js');
  const rgb = new Uint8Array(64 * 48 * 3);
  for (let i = 0; i < rgb.length; i += 3) rgb.set([200, 40, 90], i);
  const jpeg = new Uint8Array(await sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
  const grey = await sharpCodec({ jpegQuality: 85 }).jpegToGrey(jpeg, 8, 6);
  assert.is(grey.length, 48);
  const luma = (77 * 200 + 150 * 40 + 29 * 90 + 128) >> 8; // 94; libvips' greyscale() (linear light) gives 107 here
  for (const v of grey) assert.ok(Math.abs(v - luma) <= 3, `grey ${v}, BT.601 luma ${luma}`);
});

test('a store failure stops acknowledging: handle throws, the relay reports failed', async () => {
  const t = await testRelay([camera('porch')]);
  const chunks = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 'f1', jpeg: await testJpeg() }));
  t.store.addChunk = () => {
    throw new Error('SQLITE_FULL: database or disk is full');
  };
  let failed: Error | null = null;
  t.relay.on('failed', (e) => (failed = e));
  assert.throws(() => t.send(bundleTopic('porch'), chunks[0]), /SQLITE_FULL/);
  assert.ok(failed);
  assert.is(t.relay.status().state, 'failed');
  assert.throws(() => t.send(bundleTopic('porch'), chunks[1]), /relay failed/);
  await t.relay.stop();
});

test.run();
