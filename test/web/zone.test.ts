/**
 * The Data Integrity Zone: list with the five images, filters, delete one / a selection / a
 * camera's / everything (S3 every version + index, proven by a re-list), export as ZIP, and the
 * access log of a reviewer's views.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readZip } from '../../src/web/zip.js';
import { addCamera, Client, DAY, seedContribution, signUp, T0, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; ann: Owner; porch: string; yard: string }
const test = suite<Ctx>('web data integrity zone');

test.before.each(async (c) => {
  c.web = testWeb();
  c.ann = await signUp(c.web, 'ann');
  c.porch = (await addCamera(c.ann, 'Porch')).cameraId;
  c.yard = (await addCamera(c.ann, 'Yard')).cameraId;
  seedContribution(c.web, c.ann.id, c.porch, 'p-1', T0 - 2 * DAY);
  seedContribution(c.web, c.ann.id, c.porch, 'p-2', T0 - DAY);
  seedContribution(c.web, c.ann.id, c.yard, 'y-1', T0 - DAY + 3600000);
  seedContribution(c.web, c.ann.id, c.yard, 'y-2', T0);
  // an overwritten object: a second version of the same key, as a retried upload in a versioned bucket leaves
  const rec = c.web.ports.contributions.get(c.ann.id, c.yard, 'y-2')!;
  c.web.objects.put(rec.objects[0].key, new Uint8Array([1, 2, 3]), 'image/jpeg');
});
test.after.each(async (c) => { await c.web.close(); });

async function giveConsent(c: Ctx, cameraId: string, choice: string): Promise<void> {
  const r = await c.ann.client.post(`/cameras/${cameraId}/contributions`, choice === 'off' ? { choice } : { choice, agree: 'yes' });
  assert.is(r.status, 303, `consent ${choice} for ${cameraId}`);
}

const listed = async (c: Ctx, q = '') => [...(await c.ann.client.get('/zone' + q)).body.matchAll(/class="contribution" data-id="[^/]+\/([^"]+)"/g)].map((m) => m[1]);
const s3Count = async (c: Ctx) => (await c.web.objects.list(`contributions/${c.ann.id}/`)).length;

test('lists every contribution, newest first, with its five images', async (c) => {
  const r = await c.ann.client.get('/zone');
  assert.equal(await listed(c), ['y-2', 'y-1', 'p-2', 'p-1']);
  for (const n of ['1-view.jpg', '2-sky.png', '3-static.png', '4-motion.png', '5-background.jpg']) {
    assert.ok(r.body.includes(`src="/zone/img/${c.porch}/p-1/${n}"`), n);
  }
  const img = await c.ann.client.get(`/zone/img/${c.porch}/p-1/2-sky.png`);
  assert.is(img.status, 200);
  assert.is(img.headers['content-type'], 'image/png');
  const full = await c.ann.client.get(`/zone/c/${c.porch}/p-1`);
  assert.is(full.status, 200);
  assert.match(full.body, /background \(blurred\)/);
});

test('filters by camera and by date', async (c) => {
  assert.equal(await listed(c, `?camera=${c.porch}`), ['p-2', 'p-1']);
  assert.equal(await listed(c, '?from=2026-04-30&to=2026-04-30'), ['y-1', 'p-2']);
  assert.equal(await listed(c, `?camera=${c.yard}&from=2026-05-01`), ['y-2']);
  assert.equal(await listed(c, '?to=2026-04-28'), []);
});

test('delete one: gone from S3 (every version) and the index, and the page says a re-list found nothing', async (c) => {
  await c.ann.client.get('/zone');
  const before = await s3Count(c);
  const r = await c.ann.client.post('/zone/delete', { one: `${c.yard}/y-2`, confirm: 'yes' });
  assert.is(r.status, 303);
  const page = (await c.ann.client.get('/zone')).body;
  assert.match(page, /Deleted 1 contribution\(s\): 7 object\(s\) removed from S3 \(every version\)/);
  assert.match(page, /A re-list of S3 finds 0 object\(s\) left/);
  assert.equal(await listed(c), ['y-1', 'p-2', 'p-1']);
  assert.is(await s3Count(c), before - 6);
  assert.equal(await c.web.objects.list(`contributions/${c.ann.id}/${c.yard}/2026/05/01/y-2/`), []);
  assert.is((await c.ann.client.get(`/zone/img/${c.yard}/y-2/1-view.jpg`)).status, 404);
});

test('every delete asks first: the confirmation page says how many, and nothing is deleted until confirmed', async (c) => {
  await c.ann.client.get('/zone');
  const before = await s3Count(c);
  const one = await c.ann.client.post('/zone/delete', { one: `${c.yard}/y-2` });
  assert.is(one.status, 200);
  assert.match(one.body, /Delete the contribution captured 2026-05-01 12:00:00 UTC\?/);
  assert.match(one.body, /id="confirm-count">1</);
  assert.match(one.body, /name="one" value="[^"]+\/y-2"/);
  const sel = await c.ann.client.post('/zone/delete', { sel: [`${c.porch}/p-1`, `${c.yard}/y-1`] });
  assert.match(sel.body, /id="confirm-count">2</);
  const cam = await c.ann.client.post('/zone/delete-camera', { camera: c.porch });
  assert.match(cam.body, /Delete everything camera "Porch" contributed\?/);
  assert.match(cam.body, /id="confirm-count">2</);
  const all = await c.ann.client.post('/zone/delete-all');
  assert.match(all.body, /id="confirm-count">4</);
  assert.is(await s3Count(c), before, 'nothing deleted');
  assert.equal(await listed(c), ['y-2', 'y-1', 'p-2', 'p-1']);
  // the confirmation form posts the same fields with confirm=yes
  await c.ann.client.post('/zone/delete', { one: `${c.yard}/y-2` });
  assert.is((await c.ann.client.post('/zone/delete', { one: `${c.yard}/y-2`, confirm: 'yes' })).status, 303);
  assert.equal(await listed(c), ['y-1', 'p-2', 'p-1']);
});

test('times are shown in the owner\'s time zone', async (c) => {
  c.web.ports.accounts.setTimeZone(c.ann.id, 'Europe/Paris');
  const r = await c.ann.client.get('/zone');
  assert.ok(r.body.includes('2026-05-01 14:00:00 GMT+2'), 'y-2 at 12:00 UTC is 14:00 in Paris');
  assert.not.ok(r.body.includes('12:00:00 UTC'));
});

test('the date filter takes days in the owner\'s time zone', async (c) => {
  assert.equal(await listed(c, '?from=2026-05-01&to=2026-05-01'), ['y-2'], 'UTC days');
  c.web.ports.accounts.setTimeZone(c.ann.id, 'Pacific/Kiritimati'); // UTC+14: y-1 and p-2 fall on 1 May there, y-2 on the 2nd
  assert.equal(await listed(c, '?from=2026-05-01&to=2026-05-01'), ['y-1', 'p-2']);
  assert.equal(await listed(c, '?from=2026-05-02'), ['y-2']);
});

test('delete a selection', async (c) => {
  await c.ann.client.get('/zone');
  await c.ann.client.post('/zone/delete', { sel: [`${c.porch}/p-1`, `${c.yard}/y-1`], confirm: 'yes' });
  assert.match((await c.ann.client.get('/zone')).body, /Deleted 2 contribution/);
  assert.equal(await listed(c), ['y-2', 'p-2']);
});

test("delete a camera's contributions", async (c) => {
  await c.ann.client.get('/zone');
  await c.ann.client.post('/zone/delete-camera', { camera: c.porch, confirm: 'yes' });
  assert.equal(await listed(c), ['y-2', 'y-1']);
  assert.equal(await c.web.objects.list(`contributions/${c.ann.id}/${c.porch}/`), []);
});

test('delete everything', async (c) => {
  await c.ann.client.get('/zone');
  await c.ann.client.post('/zone/delete-all', { confirm: 'yes' });
  const page = (await c.ann.client.get('/zone')).body;
  assert.match(page, /Deleted 4 contribution/);
  assert.match(page, /id="empty"/);
  assert.is(await s3Count(c), 0);
  assert.is(c.web.ports.contributions.count(c.ann.id), 0);
});

test('a storage failure keeps the contribution listed, and says so', async (c) => {
  await c.ann.client.get('/zone');
  const orig = c.web.objects.deleteAll;
  c.web.objects.deleteAll = async () => { throw new Error('S3 down'); };
  await c.ann.client.post('/zone/delete', { one: `${c.porch}/p-1`, confirm: 'yes' });
  c.web.objects.deleteAll = orig;
  assert.match((await c.ann.client.get('/zone')).body, /1 could not be deleted now/);
  assert.ok((await listed(c)).includes('p-1'));
});

test('export: a valid ZIP with every object and a manifest', async (c) => {
  const r = await c.ann.client.get('/zone/export.zip');
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'application/zip');
  assert.match(String(r.headers['content-disposition']), /attachment; filename="quietcam-2026-05-01.zip"/);
  const files = readZip(r.raw);
  assert.is(files.size, 1 + 4 * 6);
  assert.equal(Buffer.from(files.get(`${c.porch}/2026-04-29/p-1/4-motion.png`)!).toString(), `${c.ann.id}/${c.porch}/p-1/4-motion.png`);
  const m = JSON.parse(Buffer.from(files.get('quietcam-export.json')!).toString());
  assert.is(m.account.username, 'ann');
  assert.is(m.cameras.length, 2);
  assert.is(m.contributions.length, 4);
  if (existsSync('/usr/bin/unzip')) {
    // an independent reader agrees
    const dir = mkdtempSync(join(tmpdir(), 'qc-zip-'));
    writeFileSync(join(dir, 'x.zip'), r.raw);
    const out = execFileSync('/usr/bin/unzip', ['-t', join(dir, 'x.zip')]).toString();
    rmSync(dir, { recursive: true, force: true });
    assert.match(out, /No errors detected/);
  }
});

test("access log: a reviewer's view is logged (who, what, when, why) and shown to the owner", async (c) => {
  assert.match((await c.ann.client.get('/access-log')).body, /id="no-access"/);
  const rev = await signUp(c.web, 'rita');
  c.web.ports.accounts.setRole(rev.id, 'reviewer');
  await giveConsent(c, c.porch, 'both');
  const url = `/review/${c.ann.id}/${c.porch}/p-1/1-view.jpg`;
  assert.is((await rev.client.get(url)).status, 400, 'a reason is required');
  const r = await rev.client.get(`${url}?why=${encodeURIComponent('label people for ObjecTron batch 7')}`);
  assert.is(r.status, 200);
  const log = (await c.ann.client.get('/access-log')).body;
  assert.match(log, /rita \(reviewer\)/);
  assert.match(log, /Porch \/ p-1 \/ 1-view.jpg/);
  assert.match(log, /label people for ObjecTron batch 7/);
  assert.match(log, /2026-05-01 12:00:00/);
  // an ordinary owner cannot use the review route
  const bob = await signUp(c.web, 'bob');
  assert.is((await bob.client.get(`${url}?why=just%20looking`)).status, 404);
  // the owner's own views are not "someone else's"
  await c.ann.client.get(`/zone/img/${c.porch}/p-1/1-view.jpg`);
  assert.is(c.web.ports.accessLog.listForOwner(c.ann.id, 10).length, 1);
});

test('the reviewer sees only what was given for object annotation', async (c) => {
  const rev = await signUp(c.web, 'rita');
  c.web.ports.accounts.setRole(rev.id, 'reviewer');
  await giveConsent(c, c.porch, 'both');
  c.web.db.prepare('UPDATE contributions SET purposes = 1 WHERE bundle_id = ?').run('p-1');
  assert.is((await rev.client.get(`/review/${c.ann.id}/${c.porch}/p-1/1-view.jpg?why=label%20people`)).status, 404);
  assert.is(c.web.ports.accessLog.listForOwner(c.ann.id, 10).length, 0);
});

test('withdrawn, narrowed or expired ObjecTron consent stops reviewer views of stored contributions at once', async (c) => {
  const rev = await signUp(c.web, 'rita');
  c.web.ports.accounts.setRole(rev.id, 'reviewer');
  const view = async (cam: string, bundle: string) => (await rev.client.get(`/review/${c.ann.id}/${cam}/${bundle}/1-view.jpg?why=label%20people`)).status;
  assert.is(await view(c.porch, 'p-1'), 404, 'never consented: nothing');
  await giveConsent(c, c.porch, 'both');
  await giveConsent(c, c.yard, 'objectron');
  assert.is(await view(c.porch, 'p-1'), 200);
  assert.is(await view(c.yard, 'y-1'), 200);
  await giveConsent(c, c.porch, 'motion');
  assert.is(await view(c.porch, 'p-1'), 404, 'ObjecTron no longer chosen for this camera');
  assert.is(await view(c.yard, 'y-1'), 200, 'the other camera is unaffected');
  assert.is((await c.ann.client.post('/withdraw-all', {})).status, 303);
  assert.is(await view(c.yard, 'y-1'), 404, 'withdraw all: at once');
  await giveConsent(c, c.yard, 'objectron');
  assert.is(await view(c.yard, 'y-1'), 200, 'given again');
  c.web.db.prepare('UPDATE web_consents SET expires_ms = ? WHERE camera_id = ?').run(c.web.clock.now, c.yard); // it ends now
  assert.is(await view(c.yard, 'y-1'), 404, 'expired');
  assert.is(c.web.ports.accessLog.listForOwner(c.ann.id, 10).length, 4, 'only the views that were served are logged');
});

test('signed-out: export and zone redirect to sign-in', async (c) => {
  const anon = new Client(c.web);
  assert.is((await anon.get('/zone/export.zip')).headers.location, '/login');
});

test.run();
