/**
 * Deletion that really deletes: removing a camera with "delete contributions", and deleting the
 * account, remove what the home keeps besides contributions too — the smart-alert event history
 * (rows and the frame files on disk, which are also the sent alerts' images), the sent alerts,
 * consent reminders — and, for the account, the review console's `stats/<owner>.json` in S3 with
 * every version. Proven by listing every version in the (versioned, in-memory) bucket and every
 * file in the data folder afterwards; another owner's data is untouched.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.js';
import { statsKey } from '../../src/operator/keys.js';
import { totpCode } from '../../src/web/totp.js';
import { tempDir } from '../relay/helpers/env.js';
import { addCamera, seedContribution, signUp, T0, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; tmp: ReturnType<typeof tempDir>; history: SqliteEventHistory; ann: Owner; bob: Owner; porch: string; yard: string; gate: string }
const test = suite<Ctx>('web: deletion removes events, frames, sent alerts, reminders and the console counts');

/** Every file under `dir`, relative. */
function files(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, base) : [p.slice(base.length + 1)];
  });
}

/** An event with two frames on disk, its sent alert (image = the best frame), and a claimed reminder. */
function seedEvent(c: Ctx, ownerId: string, cameraId: string, n: number): void {
  const id = c.history.create({ cameraId, ownerId, boardEventId: n, startMs: T0 + n, detector: 'test' });
  const frames = [0, 1].map((i) => c.history.addFrame(id, { index: i, atMs: T0 + n, offsetMs: i * 100, width: 4, height: 3, score: 0.9, boxes: [] }, Uint8Array.from([0xff, 0xd8, n, i, 0xff, 0xd9])));
  c.web.ports.alerts.record({ cameraId, ownerId, eventId: String(id), atMs: T0 + n, verdict: 'person', score: 0.9, boxes: [], imagePath: frames[1].path }, T0 + n);
  c.web.ports.reminders.claim({ cameraId, ownerId, consentVersion: n, threshold: 'soon', expiresMs: T0, sentMs: T0 });
}

const rows = (c: Ctx, table: string, ownerId: string) => (c.web.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE owner_id = ?`).get(ownerId) as { n: number }).n;
const frameRows = (c: Ctx, cameraId: string) => (c.web.db.prepare('SELECT count(*) AS n FROM alert_frames f JOIN alert_events e ON e.id = f.event_id WHERE e.camera_id = ?').get(cameraId) as { n: number }).n;
/** Every key in the bucket that has any version left. */
const allVersions = (c: Ctx) => [...c.web.objects.versions.keys()];

test.before.each(async (c) => {
  c.tmp = tempDir('quietcam-web-del-');
  c.web = testWeb();
  c.history = new SqliteEventHistory(c.web.db, join(c.tmp.dir, 'alerts'));
  c.web.ports.history = c.history;
  c.ann = await signUp(c.web, 'ann');
  c.bob = await signUp(c.web, 'bob');
  c.porch = (await addCamera(c.ann, 'Porch')).cameraId;
  c.yard = (await addCamera(c.ann, 'Yard')).cameraId;
  c.gate = (await addCamera(c.bob, 'Gate')).cameraId;
  seedContribution(c.web, c.ann.id, c.porch, 'p-1', T0);
  seedContribution(c.web, c.ann.id, c.yard, 'y-1', T0);
  seedContribution(c.web, c.bob.id, c.gate, 'g-1', T0);
  for (const [owner, key] of [[c.ann.id, statsKey(c.ann.id)], [c.ann.id, statsKey(c.ann.id)], [c.bob.id, statsKey(c.bob.id)]]) {
    c.web.objects.put(key, new TextEncoder().encode(`{"owner":"${owner}"}`), 'application/json'); // ann's twice: two versions
  }
  seedEvent(c, c.ann.id, c.porch, 1);
  seedEvent(c, c.ann.id, c.porch, 2);
  seedEvent(c, c.ann.id, c.yard, 3);
  seedEvent(c, c.bob.id, c.gate, 4);
  assert.is(files(join(c.tmp.dir, 'alerts')).length, 8, 'four events, two frame files each');
});
test.after.each(async (c) => {
  await c.web.close();
  c.tmp.cleanup();
});

test('remove a camera, deleting its contributions: its events, frame files, sent alerts and reminders go; the rest stays', async (c) => {
  await c.ann.client.get(`/cameras/${c.porch}/remove`);
  await c.ann.client.post(`/cameras/${c.porch}/remove`, { contributions: 'delete', confirm: 'yes' });
  const page = await c.ann.client.get("/cameras");
  assert.match(page.body, /On this server: 2 event\(s\) with their frames, 2 sent alert\(s\) and 2 reminder\(s\) deleted; 0 event\(s\) left\./);
  const left = files(join(c.tmp.dir, 'alerts'));
  assert.is(left.filter((f) => f.startsWith(`${c.porch}/`)).length, 0, 'no frame file of the porch on disk');
  assert.is(left.length, 4, 'the yard\'s and bob\'s frames stay');
  assert.is(frameRows(c, c.porch), 0);
  assert.is(c.history.list({ cameraId: c.porch }).length, 0);
  assert.is(c.web.ports.alerts.latest(c.ann.id, 100).filter((a) => a.cameraId === c.porch).length, 0, 'sent alerts of the porch');
  assert.is(c.web.ports.alerts.latest(c.ann.id, 100).length, 1, 'the yard\'s sent alert stays');
  assert.equal(c.web.ports.reminders.forOwner(c.ann.id, 10).map((r) => r.cameraId), [c.yard]);
});

test('remove a camera, keeping its contributions: its events stay too', async (c) => {
  await c.ann.client.get(`/cameras/${c.porch}/remove`);
  await c.ann.client.post(`/cameras/${c.porch}/remove`, { contributions: 'keep', confirm: 'yes' });
  assert.is(c.history.list({ cameraId: c.porch }).length, 2);
  assert.is(files(join(c.tmp.dir, 'alerts')).length, 8);
});

test('delete the account: every version in S3 (stats too) and every file and row of hers at home are gone; bob keeps his', async (c) => {
  assert.ok(allVersions(c).some((k) => k.includes(c.ann.id)));
  assert.is(c.web.objects.versions.get(statsKey(c.ann.id))!.length, 2);
  const confirm = await c.ann.client.get('/account/delete');
  assert.match(confirm.body, /id="del-events">3</);
  c.web.clock.now += 30000;
  const r = await c.ann.client.post('/account/delete', { current: c.ann.password, code: await totpCode(c.ann.secret, c.web.clock.now), confirm: 'yes' });
  assert.is(r.status, 200, r.body.slice(0, 300));
  assert.match(r.body, /id="local-deleted">On this server: 3 smart-alert event\(s\) with their frame files, 3 sent alert\(s\), 3 consent reminder\(s\)/);
  assert.match(r.body, /prefixes \(contributions, consent, access, flags, stats\) finds <strong>0<\/strong> object\(s\)\. The event history lists <strong id="events-left">0<\/strong>/);
  // S3, every version of every key: nothing with her id; bob's contribution and counts stay
  const keys = allVersions(c);
  assert.equal(keys.filter((k) => k.includes(c.ann.id)), [], 'no version of any key of hers');
  assert.ok(keys.includes(statsKey(c.bob.id)));
  assert.is(keys.filter((k) => k.startsWith(`contributions/${c.bob.id}/`)).length, 6);
  // the data folder: only bob's frames
  const left = files(join(c.tmp.dir, 'alerts'));
  assert.equal(left.map((f) => f.split('/')[0]), [c.gate, c.gate]);
  for (const t of ['alert_events', 'alert_log', 'consent_reminders', 'alert_channels', 'alert_push_subscriptions']) assert.is(rows(c, t, c.ann.id), 0, t);
  assert.is(rows(c, 'alert_events', c.bob.id), 1);
  assert.is(rows(c, 'consent_reminders', c.bob.id), 1);
  assert.is(frameRows(c, c.porch) + frameRows(c, c.yard), 0);
});

test('an account deletion whose event history cannot be emptied keeps the account and says so', async (c) => {
  // a history whose deletes remove nothing (a file system that refuses, say)
  c.web.ports.history = Object.assign(Object.create(c.history) as SqliteEventHistory, { delete: () => false, deleteAll: () => 0 });
  c.web.clock.now += 30000;
  const r = await c.ann.client.post('/account/delete', { current: c.ann.password, code: await totpCode(c.ann.secret, c.web.clock.now), confirm: 'yes' });
  assert.is(r.status, 303);
  assert.ok(c.web.ports.accounts.byId(c.ann.id), 'not forgotten');
  assert.match((await c.ann.client.get('/account/delete')).body, /3 event\(s\) left/);
});

test.run();
