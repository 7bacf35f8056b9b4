/**
 * The review console against a home, in-process, S3 (in memory) between them: only ObjecTron
 * contributions under consent in force reach the queue, the images and the COCO export; every
 * look is an access entry in the owner's prefix before a byte is served, and the owner's access
 * log shows it; a flag deletes the contribution from S3 at once and the owner's zone says why;
 * a revoked reviewer's open session stops working.
 */
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PURPOSE_OBJECTRON } from '../../src/protocol/consent.js';
import { consentKey, flagKey, statsKey } from '../../src/operator/keys.js';
import { recordBytes } from '../../src/operator/records.js';
import { buildCoco } from '../../src/review/coco.js';
import { addCamera, signUp, type Owner } from '../web/helpers.js';
import { consentTo, porchAndGarden, reviewer, ReviewClient, seed, T0, world, type World } from './helpers.js';

interface Ctx { w: World; ann: Owner; porch: string; garden: string; shed: string; hall: string; rita: Awaited<ReturnType<typeof reviewer>>; rc: ReviewClient }
const test = suite<Ctx>('review console');
const DAY = 86400000;

const queueIds = async (c: Ctx) => [...(await c.rc.request('GET', '/')).body.matchAll(/<tr class="item"><td>[^<]*<\/td><td><a href="\/c\/[^/]+\/([^/]+)\/([^"]+)"/g)].map((m) => `${m[1]}/${m[2]}`);

test.before.each(async (c) => {
  c.w = world();
  c.ann = await signUp(c.w.home, 'ann');
  c.porch = (await addCamera(c.ann, 'Porch')).cameraId;
  c.garden = (await addCamera(c.ann, 'Garden')).cameraId;
  c.shed = (await addCamera(c.ann, 'Shed')).cameraId;
  c.hall = (await addCamera(c.ann, 'Hall', 'interior')).cameraId;
  await porchAndGarden(c.w, c.ann, c.porch, c.garden);
  await consentTo(c.ann, c.shed, 'objectron');
  await seed(c.w, c.ann.id, c.shed, 's-1', PURPOSE_OBJECTRON, T0 - DAY);
  await seed(c.w, c.ann.id, c.hall, 'h-1', PURPOSE_OBJECTRON, T0 - DAY);
  // The hall camera is interior and never confirmed: its record says ObjecTron, the rule still says no.
  await c.w.bucket.put(consentKey(c.ann.id, c.hall), recordBytes({ v: 1, ownerId: c.ann.id, cameraId: c.hall, purposes: 2, placement: 'interior', interiorConfirmed: false, grantedMs: T0 - DAY, expiresMs: T0 + 300 * DAY, consentVersion: 1, writtenMs: T0 }), 'application/json');
  await consentTo(c.ann, c.shed, 'off'); // withdrawn after it contributed
  c.rita = await reviewer(c.w, 'rita');
  c.rc = new ReviewClient(c.w);
  const r = await c.rc.signIn('rita', c.rita.password, c.rita.totpSecret);
  assert.is(r.statusCode, 303, r.body.slice(0, 300));
});
test.after.each(async (c) => { await c.w.close(); });

test('the home writes a consent record per camera to S3 at each decision', async (c) => {
  const rec = JSON.parse(new TextDecoder().decode((await c.w.bucket.get(consentKey(c.ann.id, c.porch)))!));
  assert.equal({ purposes: rec.purposes, placement: rec.placement, interiorConfirmed: rec.interiorConfirmed, consentVersion: rec.consentVersion }, { purposes: 3, placement: 'exterior', interiorConfirmed: false, consentVersion: 1 });
  assert.is(rec.expiresMs > T0, true);
  const shed = JSON.parse(new TextDecoder().decode((await c.w.bucket.get(consentKey(c.ann.id, c.shed)))!));
  assert.is(shed.purposes, 0, 'the withdrawal reached S3');
  assert.is(shed.consentVersion, 2);
});

test('the queue holds only ObjecTron contributions under consent in force: not Motion-only, not interior unconfirmed, not withdrawn', async (c) => {
  assert.equal(await queueIds(c), [`${c.porch}/p-1`, `${c.porch}/p-2`]);
  for (const [cam, b] of [[c.garden, 'g-1'], [c.hall, 'h-1'], [c.shed, 's-1']]) {
    assert.is((await c.rc.request('GET', `/c/${c.ann.id}/${cam}/${b}`)).statusCode, 404, `${b} page`);
    assert.is((await c.rc.request('GET', `/img/${c.ann.id}/${cam}/${b}`)).statusCode, 404, `${b} image`);
  }
  assert.equal(await c.w.bucket.list(`access/${c.ann.id}/`), [], 'nothing refused was logged as seen');
});

test('an image is logged in the owner prefix before it is served, watermarked, and the owner sees the look', async (c) => {
  const page = await c.rc.request('GET', `/c/${c.ann.id}/${c.porch}/p-1`);
  assert.is(page.statusCode, 200);
  assert.not.match(page.body, /contributions\//, 'no S3 key or link in the page');
  assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/);
  assert.not.match(page.body, /<script>|onclick=/);
  const img = await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`);
  assert.is(img.statusCode, 200);
  assert.is(img.headers['content-type'], 'image/jpeg');
  const stored = (await c.w.bucket.get(`contributions/${c.ann.id}/${c.porch}/2026/04/30/p-1/1-view.jpg`))!;
  assert.is.not(Buffer.compare(img.rawPayload, Buffer.from(stored)), 0, 'the served bytes are not the stored ones (watermarked)');
  // the watermark's dark band at the bottom: the stored view is a flat grey (~100), the band much darker
  const served = await sharp(img.rawPayload).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.equal([served.info.width, served.info.height], [320, 240]);
  const mean = (y0: number, y1: number) => { let s = 0; for (let y = y0; y < y1; y++) for (let x = 0; x < 320; x++) s += served.data[y * 320 + x]; return s / ((y1 - y0) * 320); };
  assert.ok(mean(236, 240) < 70, `band ${mean(236, 240)}`);
  assert.ok(mean(0, 10) > 90, `top untouched ${mean(0, 10)}`);
  const keys = await c.w.bucket.list(`access/${c.ann.id}/`);
  assert.is(keys.length, 1);
  const entry = JSON.parse(new TextDecoder().decode((await c.w.bucket.get(keys[0]))!));
  assert.equal({ viewer: entry.viewer, bundleId: entry.bundleId, why: entry.why, atMs: entry.atMs }, { viewer: 'rita', bundleId: 'p-1', why: 'annotation', atMs: T0 });
  const log = await c.ann.client.get('/access-log');
  assert.match(log.body, /rita \(reviewer\)/);
  assert.match(log.body, /p-1 \/ 1-view.jpg/);
});

test('no access entry, no image: a failed write to S3 refuses the look', async (c) => {
  const real = c.w.bucket.putNew.bind(c.w.bucket);
  let viewsRead = 0;
  const get = c.w.bucket.get.bind(c.w.bucket);
  c.w.bucket.putNew = async () => { throw new Error('S3 down'); };
  c.w.bucket.get = async (k) => { if (k.endsWith('1-view.jpg')) viewsRead++; return get(k); };
  const img = await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`);
  assert.is(img.statusCode, 500);
  assert.is(img.headers['content-type']?.toString().startsWith('text/html'), true);
  assert.is(viewsRead, 0, 'the image was not even read');
  c.w.bucket.putNew = real;
});

test('access entries are new keys: two looks, two entries; the console cannot overwrite one', async (c) => {
  await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`);
  await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`);
  const keys = await c.w.bucket.list(`access/${c.ann.id}/`);
  assert.is(keys.length, 2);
  try {
    await c.w.bucket.putNew(keys[0], new Uint8Array([1]), 'application/json');
    assert.unreachable('overwrote an access entry');
  } catch (err) {
    assert.is((err as Error).name, 'KeyExistsError');
  }
});

test('withdrawing consent removes items and refuses their images at once', async (c) => {
  assert.is((await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`)).statusCode, 200);
  await consentTo(c.ann, c.porch, 'motion');
  assert.equal(await queueIds(c), []);
  assert.is((await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`)).statusCode, 404);
});

test('a camera removed from the home (contributions kept) gives no consent: its items leave the queue', async (c) => {
  assert.is((await c.ann.client.post(`/cameras/${c.porch}/remove`, { contributions: 'keep', confirm: 'yes' })).status, 303);
  assert.is(c.w.home.ports.contributions.count(c.ann.id, { cameraId: c.porch }), 2, 'kept at home');
  assert.equal(await queueIds(c), []);
  assert.is((await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`)).statusCode, 404);
});

test('expired consent refuses images', async (c) => {
  c.w.clock.now = T0 + 366 * DAY;
  const rc = new ReviewClient(c.w);
  assert.is((await rc.signIn('rita', c.rita.password, c.rita.totpSecret)).statusCode, 303);
  assert.is((await rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`)).statusCode, 404);
});

test('annotating: boxes saved, "no objects" is an answer, bad boxes refused; the owner sees the counts', async (c) => {
  const boxes = JSON.stringify([{ label: 'person', x: 40, y: 60, w: 80, h: 100 }, { label: 'package', x: 200, y: 150, w: 30, h: 20 }]);
  const first = await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-1/annotate`, { boxes });
  assert.is(first.headers.location, `/c/${c.ann.id}/${c.porch}/p-2?saved=1`, 'on to the next one');
  const last = await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-2/annotate`, { none: 'yes' });
  assert.is(last.headers.location, '/?done=1', 'none left');
  assert.is((await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-2/annotate`, { boxes: JSON.stringify([{ label: 'face', x: 1, y: 1, w: 5, h: 5 }]) })).statusCode, 400);
  assert.is((await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-2/annotate`, { boxes: JSON.stringify([{ label: 'car', x: 300, y: 1, w: 50, h: 5 }]) })).statusCode, 400);
  assert.equal(await queueIds(c), []);
  const stats = JSON.parse(new TextDecoder().decode((await c.w.bucket.get(statsKey(c.ann.id)))!));
  assert.equal({ annotated: stats.annotated, boxes: stats.boxes }, { annotated: 2, boxes: 2 });
  const zone = await c.ann.client.get('/zone');
  assert.match(zone.body, /id="so-far">5 stored · 2 annotated by reviewers \(2 objects marked\) · 0 flagged/);
});

test('a request without the CSRF token changes nothing', async (c) => {
  const r = await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-1/annotate`, { _csrf: 'nope', none: 'yes' });
  assert.is(r.statusCode, 403);
  assert.is(c.w.review.store.annotation(c.ann.id, c.porch, 'p-1'), null);
});

test('flag: deleted from S3 (every version), tombstoned, gone for every reviewer and the export, the owner sees why', async (c) => {
  await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-1/annotate`, { boxes: JSON.stringify([{ label: 'person', x: 1, y: 1, w: 10, h: 10 }]) });
  const prefix = `contributions/${c.ann.id}/${c.porch}/2026/04/30/p-1/`;
  await c.w.bucket.put(prefix + '1-view.jpg', new Uint8Array([9]), 'image/jpeg'); // a second version
  const r = await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-1/flag`, { reason: 'indoors' });
  assert.is(r.statusCode, 303);
  assert.equal([...c.w.bucket.versions.keys()].filter((k) => k.startsWith(prefix)), [], 'no object, no version left');
  assert.ok(await c.w.bucket.get(flagKey(c.ann.id, c.porch, 'p-1')), 'tombstone');
  assert.equal(await queueIds(c), [`${c.porch}/p-2`]);
  const other = await reviewer(c.w, 'otto');
  const oc = new ReviewClient(c.w);
  await oc.signIn('otto', other.password, other.totpSecret);
  assert.is((await oc.request('GET', `/c/${c.ann.id}/${c.porch}/p-1`)).statusCode, 404);
  assert.is((await oc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`)).statusCode, 404);
  // the relay redelivers it (same key): still never shown, and deleted again
  await c.w.bucket.put(prefix + 'meta.json', new TextEncoder().encode('{}'), 'application/json');
  assert.not.ok((await queueIds(c)).includes(`${c.porch}/p-1`));
  assert.equal((await buildCoco(c.w.review)).images.map((i) => i.contribution_id), []);
  const zone = await c.ann.client.get('/zone');
  assert.match(zone.body, /<td>p-1<\/td>.*<td class="reason">indoors<\/td>/s);
  assert.not.match(zone.body, /data-id="[^"]*\/p-1"/, 'no longer listed as stored');
  assert.is(c.w.home.ports.contributions.get(c.ann.id, c.porch, 'p-1'), null);
});

test('flag without the CSRF token deletes nothing; another owner sees none of these looks', async (c) => {
  await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`);
  assert.is((await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-1/flag`, { _csrf: 'x', reason: 'other' })).statusCode, 403);
  assert.is((await c.w.bucket.list(`contributions/${c.ann.id}/${c.porch}/`)).length, 12);
  const bob = await signUp(c.w.home, 'bob');
  const log = await bob.client.get('/access-log');
  assert.not.match(log.body, /rita/);
  assert.match(log.body, /id="no-access"/);
});

test('five wrong sign-ins from one address, then 429 even with the right code', async (c) => {
  const rc = new ReviewClient(c.w);
  await rc.request('GET', '/login');
  for (let i = 0; i < 5; i++) assert.is((await rc.request('POST', '/login', { name: 'rita', password: 'wrong password', code: '123456' })).statusCode, 401);
  c.w.clock.now += 30000;
  assert.is((await rc.signIn('rita', c.rita.password, c.rita.totpSecret)).statusCode, 429);
});

test('a revoked reviewer\'s open session stops working at once', async (c) => {
  assert.is((await c.rc.request('GET', '/')).statusCode, 200);
  assert.ok(c.w.review.store.revoke('rita', c.w.clock.now));
  const q = await c.rc.request('GET', '/');
  assert.is(q.statusCode, 303);
  assert.is(q.headers.location, '/login');
  assert.is((await c.rc.request('GET', `/img/${c.ann.id}/${c.porch}/p-1`)).statusCode, 303);
  assert.is((await new ReviewClient(c.w).signIn('rita', c.rita.password, c.rita.totpSecret)).statusCode, 401, 'and cannot sign in again');
});

test('sign-in needs the TOTP code: a right password alone is refused; a code works once', async (c) => {
  const rc = new ReviewClient(c.w);
  await rc.request('GET', '/login');
  assert.is((await rc.request('POST', '/login', { name: 'rita', password: c.rita.password, code: '000000' })).statusCode, 401);
  assert.is((await rc.request('GET', '/')).statusCode, 303);
  const again = new ReviewClient(c.w);
  c.w.clock.now += 1000;
  assert.is((await again.signIn('rita', c.rita.password, c.rita.totpSecret)).statusCode, 401, 'the code already used at this step');
  assert.is((await c.rc.request('GET', '/signup')).statusCode, 404, 'no self sign-up');
});

test.run();
