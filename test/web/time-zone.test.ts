/**
 * Times in the owner's time zone on every page, with the zone named: the access log (UTC before),
 * the zone's list, the cameras page's consent end, the re-confirmation message, and the export's
 * day folders. A day boundary between UTC and the zone shows it is the zone's clock, not UTC's.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readZip } from '../../src/web/zip.js';
import { addCamera, DAY, seedContribution, signIn, signUp, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; ann: Owner; porch: string }
const test = suite<Ctx>('web: times in the owner\'s time zone');

/** 22:30 UTC on 1 May 2026: already 2 May in Tokyo (07:30) and in Kiritimati (12:30). */
const LATE = Date.UTC(2026, 4, 1, 22, 30, 0);

test.before.each(async (c) => {
  c.web = testWeb();
  c.ann = await signUp(c.web, 'ann');
  c.porch = (await addCamera(c.ann, 'Porch')).cameraId;
  await c.ann.client.post('/account/time-zone', { timeZone: 'Asia/Tokyo' });
});
test.after.each(async (c) => { await c.web.close(); });

test('access log: the time in her zone, the zone named in the header', async (c) => {
  c.web.ports.accessLog.record({ ownerId: c.ann.id, viewerId: 'r1', viewer: 'rita', viewerRole: 'reviewer', cameraId: c.porch, bundleId: 'b-1', object: '1-view.jpg', why: 'annotate boxes', atMs: LATE });
  const r = await c.ann.client.get('/access-log');
  assert.match(r.body, /<th>When \(Asia\/Tokyo\)<\/th>/);
  assert.match(r.body, /<td>2026-05-02 07:30:00 GMT\+9<\/td>/);
  assert.not.match(r.body, /2026-05-01 22:30/, 'not UTC');
});

test('zone list and export: her zone\'s time and day', async (c) => {
  seedContribution(c.web, c.ann.id, c.porch, 'late-1', LATE);
  const zone = await c.ann.client.get('/zone');
  assert.match(zone.body, /2026-05-02 07:30:00 GMT\+9/);
  assert.match(zone.body, /Times and days in Asia\/Tokyo\./);
  const zip = readZip((await c.ann.client.get('/zone/export.zip')).raw);
  assert.ok(zip.has(`${c.porch}/2026-05-02/late-1/1-view.jpg`), [...zip.keys()].join(' '));
  const manifest = JSON.parse(Buffer.from(zip.get('quietcam-export.json')!).toString());
  assert.is(manifest.account.timeZone, 'Asia/Tokyo');
  assert.equal(manifest.consentReminders, [], 'the reminders sent are exported too (none yet)');
});

test('cameras: the day consent ended and the renewal message, in her zone', async (c) => {
  await c.ann.client.post('/account/time-zone', { timeZone: 'Pacific/Kiritimati' });
  c.web.clock.now = LATE; // granted at 22:30 UTC: ends at 22:30 UTC, already the next day in Kiritimati
  await signIn(c.web, c.ann);
  await c.ann.client.post(`/cameras/${c.porch}/contributions`, { choice: 'motion', agree: 'yes' });
  c.web.clock.now = LATE + 366 * DAY;
  await signIn(c.web, c.ann);
  const cams = await c.ann.client.get('/cameras');
  assert.match(cams.body, /expired on 2027-05-02: nothing is uploaded/);
  assert.match(cams.body, /ended on 2027-05-02 12:30 \(Pacific\/Kiritimati\)/, 'the banner');
  const cam = await c.ann.client.get(`/cameras/${c.porch}`);
  assert.match(cam.body, /expired on 2027-05-02/);
  await c.ann.client.post(`/cameras/${c.porch}/reconfirm`, {});
  assert.match((await c.ann.client.get(`/cameras/${c.porch}`)).body, /Confirmed &#34;Motion only&#34; until 2028-05-02 12:30 \(Pacific\/Kiritimati\)/);
});

test.run();
