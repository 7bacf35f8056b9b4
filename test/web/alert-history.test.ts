/**
 * The event history page in-process (src/web/routes/alert-history.ts) on the real SQLite history
 * (rows on ':memory:', frame files in a temp dir): the owner's events only, times in the owner's
 * zone, verdict and score, boxes drawn where the detector saw them, where the alert went (each
 * channel's result), the filters, owner-only frames with no-store, and deletion (one, all, past 7
 * days, the account) that asks first and removes the rows AND the files on disk.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.js';
import type { PersonBox } from '../../src/alerts/types.js';
import { deleteAccount } from '../../src/web/removal.js';
import { formatTime } from '../../src/web/time.js';
import { tempDir } from '../relay/helpers/env.js';
import { addCamera, DAY, signUp, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; tmp: ReturnType<typeof tempDir>; history: SqliteEventHistory; olive: Owner; otto: Owner; porch: string; gate: string; ottoCam: string; jpeg: Uint8Array }
const test = suite<Ctx>('web: smart alerts event history');

const BOX: PersonBox = { x: 40.4, y: 30, w: 60, h: 150, score: 0.83 };

test.before.each(async (c) => {
  c.web = testWeb();
  c.tmp = tempDir('quietcam-web-history-');
  c.history = new SqliteEventHistory(c.web.db, join(c.tmp.dir, 'alerts'));
  c.web.ports.history = c.history;
  c.olive = await signUp(c.web, 'olive');
  c.otto = await signUp(c.web, 'otto');
  c.web.ports.accounts.setTimeZone(c.olive.id, 'Europe/Paris');
  c.porch = (await addCamera(c.olive, 'Porch')).cameraId;
  c.gate = (await addCamera(c.olive, 'Gate')).cameraId;
  c.ottoCam = (await addCamera(c.otto, 'Shed')).cameraId;
  c.jpeg = new Uint8Array(await sharp({ create: { width: 320, height: 240, channels: 3, background: '#468' } }).jpeg().toBuffer());
});
test.after.each(async (c) => {
  await c.web.close();
  c.tmp.cleanup();
});

/** An event with `frames` frames; a person event gets BOX in every frame and a decided alert. */
function seed(c: Ctx, o: { cameraId: string; ownerId: string; startMs: number; person: boolean; frames?: number }): number {
  const h = c.history;
  const id = h.create({ cameraId: o.cameraId, ownerId: o.ownerId, boardEventId: 1, startMs: o.startMs, detector: 'test' });
  for (let i = 0; i < (o.frames ?? 2); i++) {
    h.addFrame(id, { index: i, atMs: o.startMs + i * 1000, offsetMs: i * 1000, width: 320, height: 240, score: o.person ? 0.83 : 0.12, boxes: o.person ? [BOX] : [] }, c.jpeg);
  }
  // the person event's first frame was scored as the region around the motion, the rest whole
  if (o.person) h.scoreFrame(id, 0, 0.83, [BOX], { x: 16, y: 8, w: 192, h: 192 });
  h.update(id, { endMs: o.startMs + 5000, verdict: o.person ? 'person' : 'no-person', bestScore: o.person ? 0.83 : 0.12, bestFrame: 0, boxes: o.person ? [BOX] : [] });
  if (o.person) h.update(id, { alertMs: o.startMs + 700, alertTo: 'mqtt' });
  return id;
}

function framesOf(c: Ctx, id: number): string[] {
  return c.history.get(id)?.frames.map((f) => f.path) ?? [];
}

/** Olive: a person event on the porch (alert: MQTT sent, webhook failed), an empty one at the gate; Otto: one of his own. */
function seedAll(c: Ctx) {
  const now = c.web.clock.now;
  const person = seed(c, { cameraId: c.porch, ownerId: c.olive.id, startMs: now - 3600000, person: true });
  const seq = c.web.ports.alerts.record({ cameraId: c.porch, ownerId: c.olive.id, eventId: String(person), atMs: now - 3600000, verdict: 'person', score: 0.83, boxes: [], imagePath: framesOf(c, person)[0] }, now);
  c.web.ports.alerts.setDelivery(seq, 'mqtt', 'sent');
  c.web.ports.alerts.setDelivery(seq, 'webhook', 'failed: HTTP 500');
  const empty = seed(c, { cameraId: c.gate, ownerId: c.olive.id, startMs: now - 1800000, person: false });
  const otto = seed(c, { cameraId: c.ottoCam, ownerId: c.otto.id, startMs: now - 600000, person: true });
  return { person, empty, otto, seq };
}

const eventIds = (body: string) => [...body.matchAll(/<article class="event" id="event-(\d+)"/g)].map((m) => Number(m[1]));

test('the page lists the owner\'s events, newest first, in her time zone, with verdict, boxes and where the alert went', async (c) => {
  const { person, empty } = seedAll(c);
  const r = await c.olive.client.get('/alerts/history');
  assert.is(r.status, 200);
  assert.is(r.headers['cache-control'], 'private, no-store');
  assert.equal(eventIds(r.body), [empty, person], 'Otto\'s event is not there');
  const start = formatTime(c.web.clock.now - 3600000, 'Europe/Paris');
  assert.match(start, /^2026-05-01 13:00:00 /, 'T0 is 12:00 UTC: 13:00 an hour before, in Paris (UTC+2 in May)');
  const art = r.body.slice(r.body.indexOf(`id="event-${person}"`));
  assert.ok(art.includes(`<dd class="start">${start}</dd>`), 'start in the owner\'s zone');
  assert.ok(art.includes(`<dd class="end">${formatTime(c.web.clock.now - 3600000 + 5000, 'Europe/Paris')}</dd>`));
  assert.match(art, /<dd class="verdict">Person \(score 0\.83\)<\/dd>/);
  assert.match(art, /<strong>mqtt<\/strong>: sent/);
  assert.match(art, /<li class="failed"><strong>webhook<\/strong>: failed: HTTP 500/);
  assert.match(art, new RegExp(`<image href="/alerts/history/${person}/frames/0"`));
  assert.match(art, /<rect class="person-box" x="40" y="30" width="60" height="150"/, 'the box in the frame\'s pixels');
  assert.match(art, /viewBox="0 0 320 240"/);
  const frame0 = art.slice(art.indexOf('data-frame="0"'), art.indexOf('data-frame="1"'));
  assert.match(frame0, /<rect class="scored-region" x="16" y="8" width="192" height="192"[^>]*stroke-dasharray/, 'where the detector looked, from the history row');
  assert.match(frame0, /the dashed region scored/);
  const frame1 = art.slice(art.indexOf('data-frame="1"'), art.indexOf('</article>'));
  assert.not.match(frame1, /scored-region/);
  assert.match(frame1, /whole frame scored/);
  const gate = r.body.slice(r.body.indexOf(`id="event-${empty}"`), r.body.indexOf(`id="event-${person}"`));
  assert.match(gate, /No person \(best score 0\.12\)/);
  assert.match(gate, /No alert \(no person\)/);
  assert.not.match(gate, /person-box/);
  assert.match(r.body, /<a href="\/alerts\/history">Event history<\/a>/, 'in the pages\' nav');
});

test('with smart alerts off everywhere and no event, the page says why it is empty', async (c) => {
  const r = await c.olive.client.get('/alerts/history');
  assert.equal(eventIds(r.body), []);
  assert.match(r.body, /id="all-off"/);
  assert.match(r.body, /0 event\(s\)/);
  assert.not.match(r.body, /id="delete-all"/, 'nothing to delete');
});

test('filters: one camera, people only; the form keeps the choice', async (c) => {
  const { person, empty } = seedAll(c);
  const cl = c.olive.client;
  const gate = await cl.get(`/alerts/history?camera=${c.gate}`);
  assert.equal(eventIds(gate.body), [empty]);
  assert.match(gate.body, new RegExp(`<option value="${c.gate}" selected>Gate`));
  const people = await cl.get('/alerts/history?people=yes');
  assert.equal(eventIds(people.body), [person]);
  assert.match(people.body, /name="people" value="yes" checked/);
  assert.equal(eventIds((await cl.get(`/alerts/history?camera=${c.ottoCam}`)).body), [], 'another owner\'s camera shows nothing');
  assert.is((await cl.get('/alerts/history?people=no')).status, 400);
});

test('frames open only for their owner, never cached; another owner\'s event is absent', async (c) => {
  const { person, otto } = seedAll(c);
  const img = await c.olive.client.get(`/alerts/history/${person}/frames/1`);
  assert.is(img.status, 200);
  assert.is(img.headers['content-type'], 'image/jpeg');
  assert.is(img.headers['cache-control'], 'private, no-store');
  assert.equal(new Uint8Array(img.raw), c.jpeg);
  assert.is((await c.olive.client.get(`/alerts/history/${person}/frames/2`)).status, 404);
  assert.is((await c.olive.client.get(`/alerts/history/${otto}/frames/0`)).status, 404);
  assert.is((await c.otto.client.get(`/alerts/history/${person}/frames/0`)).status, 404);
  assert.is((await c.otto.client.get(`/alerts/history/${person}/delete`)).status, 404);
  const anon = await c.web.app.inject({ method: 'GET', url: `/alerts/history/${person}/frames/0` });
  assert.ok(anon.statusCode === 401 || anon.statusCode === 303, `signed out: ${anon.statusCode}`);
  assert.not.equal(new Uint8Array(anon.rawPayload), c.jpeg);
});

test('deleting one event asks first, then removes its rows, its frame files and its alert in the feed', async (c) => {
  const { person, empty, otto, seq } = seedAll(c);
  const files = framesOf(c, person);
  assert.is(files.length, 2);
  assert.ok(files.every((f) => existsSync(f)));
  const cl = c.olive.client;
  const confirm = await cl.get(`/alerts/history/${person}/delete?people=yes`);
  assert.is(confirm.status, 200);
  assert.match(confirm.body, /Delete this event\?/);
  assert.match(confirm.body, /its 2 frame file\(s\)/);
  assert.match(confirm.body, /name="people" value="yes"/, 'the filter comes back after the delete');
  const unconfirmed = await cl.post(`/alerts/history/${person}/delete`, {});
  assert.is(unconfirmed.status, 200, 'without confirm: the question again');
  assert.ok(c.history.get(person), 'nothing deleted yet');
  assert.is((await c.otto.client.post(`/alerts/history/${person}/delete`, { confirm: 'yes' })).status, 404, 'not Otto\'s');
  assert.ok(files.every((f) => existsSync(f)));
  const done = await cl.post(`/alerts/history/${person}/delete`, { confirm: 'yes', people: 'yes' });
  assert.is(done.status, 303);
  assert.is(done.headers.location, '/alerts/history?people=yes');
  assert.is(c.history.get(person), null);
  assert.equal(files.filter((f) => existsSync(f)), [], 'the frame files are gone from the disk');
  assert.is(c.web.ports.alerts.get(c.olive.id, seq), null, 'and the alert from the live feed');
  assert.is((c.web.db.prepare('SELECT COUNT(*) AS n FROM alert_frames WHERE event_id = ?').get(person) as { n: number }).n, 0);
  assert.ok(c.history.get(empty) && c.history.get(otto), 'the others stay');
  assert.match((await cl.get('/alerts/history')).body, /Deleted the event of .* and its 2 frame\(s\)/);
  assert.is((await cl.post(`/alerts/history/${person}/delete`, { confirm: 'yes' })).status, 404, 'twice: gone');
});

test('deleting every event asks first, then removes all of the owner\'s rows and files, nobody else\'s', async (c) => {
  const { person, empty, otto } = seedAll(c);
  const mine = [...framesOf(c, person), ...framesOf(c, empty)];
  const ottos = framesOf(c, otto);
  const cl = c.olive.client;
  const confirm = await cl.get('/alerts/history/delete-all');
  assert.match(confirm.body, /<strong id="delete-all-count">2<\/strong>/);
  assert.is((await cl.post('/alerts/history/delete-all', {})).status, 200, 'without confirm: the question again');
  assert.ok(mine.every((f) => existsSync(f)));
  const done = await cl.post('/alerts/history/delete-all', { confirm: 'yes' });
  assert.is(done.status, 303);
  assert.equal(c.history.list({ ownerId: c.olive.id }), []);
  assert.equal(mine.filter((f) => existsSync(f)), []);
  assert.equal(c.web.ports.alerts.latest(c.olive.id, 10), []);
  assert.ok(c.history.get(otto));
  assert.ok(ottos.every((f) => existsSync(f)), 'Otto\'s frames stay');
  assert.match((await cl.get('/alerts/history')).body, /Deleted 2 event\(s\)/);
});

test('events older than 7 days are gone from the page, the database and the disk', async (c) => {
  const old = seed(c, { cameraId: c.porch, ownerId: c.olive.id, startMs: c.web.clock.now - 7 * DAY - 1000, person: true });
  const fresh = seed(c, { cameraId: c.porch, ownerId: c.olive.id, startMs: c.web.clock.now - 7 * DAY + 60000, person: false });
  const files = framesOf(c, old);
  const r = await c.olive.client.get('/alerts/history');
  assert.equal(eventIds(r.body), [fresh]);
  assert.is(c.history.get(old), null);
  assert.equal(files.filter((f) => existsSync(f)), []);
});

test('deleting the account deletes its event history, rows and files', async (c) => {
  const { person, empty, otto } = seedAll(c);
  const files = [...framesOf(c, person), ...framesOf(c, empty)];
  const account = c.web.ports.accounts.byUsername('olive')!;
  const r = await deleteAccount(c.web.ports, c.web.ctx.config, account);
  assert.ok(r.deleted);
  assert.equal(c.history.list({ ownerId: c.olive.id }), []);
  assert.equal(files.filter((f) => existsSync(f)), []);
  assert.ok(c.history.get(otto));
});

test.run();
