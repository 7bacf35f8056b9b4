/**
 * Consent reminders on a virtual clock: 30 days before the end and at the end, once each per
 * camera and consent version (also after a restart on the same database file, and with two
 * processes checking at once), none for a camera that is off or an unconfirmed interior one; the
 * banner on the Cameras and Zone pages with its one-click renew, after which next year's
 * reminders start afresh. The channels themselves: test/web/reminders-channels.test.ts.
 */
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConsentReminderMessage } from '../../src/alerts/notice.js';
import { silentLogger } from '../../src/log.js';
import { sqlitePorts } from '../../src/web/adapters/ports.js';
import { openWebDb } from '../../src/web/adapters/sqlite-db.js';
import { MemoryConfigPublisher, MemoryObjects } from '../../src/web/memory.js';
import type { WebPorts } from '../../src/web/ports.js';
import { ConsentReminders, type ReminderNotifier } from '../../src/web/reminders.js';
import { tempDir } from '../relay/helpers/env.js';
import { addCamera, DAY, signIn, signUp, testWeb, type Owner, type TestWeb } from './helpers.js';

/** A notifier that keeps what it was given and answers like an owner with a webhook set. */
class FakeNotifier implements ReminderNotifier {
  got: { ownerId: string; m: ConsentReminderMessage }[] = [];
  async notify(ownerId: string, m: ConsentReminderMessage) {
    this.got.push({ ownerId, m });
    return { webhook: 'sent' };
  }
}

interface Ctx { web: TestWeb; ann: Owner; porch: string; notifier: FakeNotifier; reminders: ConsentReminders; tmp: ReturnType<typeof tempDir>; file: string; expires: number }
const test = suite<Ctx>('web: consent reminders (virtual clock)');

const make = (ports: WebPorts, web: TestWeb, notifier: ReminderNotifier) =>
  new ConsentReminders({ ports, config: web.ctx.config, notifier, pagesUrl: 'https://cams.example.org/', log: silentLogger });

test.before.each(async (c) => {
  c.tmp = tempDir('quietcam-web-remind-');
  c.file = join(c.tmp.dir, 'relay.db');
  c.web = testWeb({}, openWebDb(c.file));
  c.ann = await signUp(c.web, 'ann');
  await c.ann.client.post('/account/time-zone', { timeZone: 'Europe/Paris' });
  c.porch = (await addCamera(c.ann, 'Porch')).cameraId;
  await c.ann.client.post(`/cameras/${c.porch}/contributions`, { choice: 'motion', agree: 'yes' });
  c.expires = c.web.ports.cameras.get(c.porch)!.consent!.expiresMs;
  c.notifier = new FakeNotifier();
  c.reminders = make(c.web.ports, c.web, c.notifier);
});
test.after.each(async (c) => {
  await c.web.close();
  if (c.web.db.open) c.web.db.close();
  c.tmp.cleanup();
});

test('30 days before the end, then at the end: one reminder each, with what was agreed and when, in her time zone', async (c) => {
  c.web.clock.now = c.expires - 31 * DAY;
  assert.equal(await c.reminders.check(), [], '31 days before: nothing yet');
  c.web.clock.now = c.expires - 30 * DAY + 3600000;
  const soon = await c.reminders.check();
  assert.equal(soon.map((r) => [r.cameraId, r.threshold, r.deliveries]), [[c.porch, 'soon', { webhook: 'sent' }]]);
  const m = c.notifier.got[0].m;
  assert.is(c.notifier.got[0].ownerId, c.ann.id);
  assert.is(m.kind, 'consent-reminder');
  assert.is(m.title, 'Consent for Porch ends in 30 day(s)');
  assert.is(m.daysLeft, 30);
  assert.is(m.purposes, 'Motion only');
  assert.is(m.page, `https://cams.example.org/cameras/${c.porch}`);
  assert.is(m.at, new Date(c.expires).toISOString());
  assert.match(m.text, /until 2027-05-01 14:0\d \(Europe\/Paris\)/, 'the end in her zone (12:00 UTC is 14:00 CEST), named');
  for (let i = 0; i < 3; i++) {
    c.web.clock.now += 6 * 3600000;
    assert.equal(await c.reminders.check(), [], 'not again');
  }
  c.web.clock.now = c.expires + 1;
  const ended = await c.reminders.check();
  assert.equal(ended.map((r) => r.threshold), ['expired']);
  assert.is(c.notifier.got[1].m.title, 'Consent for Porch has ended');
  assert.is(c.notifier.got[1].m.daysLeft, 0);
  c.web.clock.now += 30 * DAY;
  assert.equal(await c.reminders.check(), [], 'an ended consent is reminded once');
  assert.equal(c.web.ports.reminders.forOwner(c.ann.id, 10).map((r) => [r.threshold, r.deliveries]), [['expired', { webhook: 'sent' }], ['soon', { webhook: 'sent' }]]);
  assert.is(c.notifier.got.length, 2);
});

test('no second reminder after a restart on the same database, nor from a second process checking at once', async (c) => {
  c.web.clock.now = c.expires - 10 * DAY;
  assert.is((await c.reminders.check()).length, 1);
  await c.web.close();
  c.web.db.close();
  // "restart": a new process opens the file
  const now = c.web.clock.now + 3600000;
  const reopen = () => {
    const db = openWebDb(c.file);
    const ports: WebPorts = { ...sqlitePorts(db), objects: new MemoryObjects(), configPublisher: new MemoryConfigPublisher(), clock: () => now };
    return { db, ports };
  };
  const a = reopen();
  const b = reopen();
  try {
    const n1 = new FakeNotifier();
    const n2 = new FakeNotifier();
    assert.equal(await make(a.ports, c.web, n1).check(), [], 'the soon reminder was recorded before the restart');
    // both processes see the end at once: exactly one sends
    const later = () => c.expires + 1;
    a.ports.clock = later;
    b.ports.clock = later;
    const [x, y] = await Promise.all([make(a.ports, c.web, n1).check(), make(b.ports, c.web, n2).check()]);
    assert.is(x.length + y.length, 1);
    assert.is(n1.got.length + n2.got.length, 1);
  } finally {
    a.db.close();
    b.db.close();
  }
});

test('a camera first checked after its end gets the "ended" reminder only; off and unconfirmed interior cameras get none', async (c) => {
  const yard = (await addCamera(c.ann, 'Yard')).cameraId;
  await c.ann.client.post(`/cameras/${yard}/contributions`, { choice: 'both', agree: 'yes' });
  await c.ann.client.post(`/cameras/${yard}/contributions`, { choice: 'off' });
  const den = (await addCamera(c.ann, 'Den', 'interior')).cameraId;
  await c.ann.client.post(`/cameras/${den}/interior-confirm`, { confirm: 'yes' });
  await c.ann.client.post(`/cameras/${den}/contributions`, { choice: 'motion', agree: 'yes' });
  await c.ann.client.post(`/cameras/${den}/placement`, { placement: 'exterior' });
  await c.ann.client.post(`/cameras/${den}/placement`, { placement: 'interior' }); // inside again: off until confirmed
  c.web.clock.now = c.expires + 40 * DAY;
  const sent = await c.reminders.check();
  assert.equal(sent.map((r) => [r.cameraId, r.threshold]), [[c.porch, 'expired']]);
});

test('the banner on Cameras and Zone, and its one-click renew (the same re-confirmation): a new version, next year reminded again', async (c) => {
  c.web.clock.now = c.expires - 5 * DAY;
  await signIn(c.web, c.ann); // the session ended long ago on the virtual clock
  for (const url of ['/cameras', '/zone']) {
    const page = await c.ann.client.get(url);
    assert.match(page.body, /id="reminder"/, url);
    assert.match(page.body, /Your consent for <a href="\/cameras\/[^"]+">Porch<\/a> \("Motion only"\) ends in 5 day\(s\), on 2027-05-01 14:0\d \(Europe\/Paris\)/, url);
    assert.match(page.body, new RegExp(`<form method="post" action="/cameras/${c.porch}/reconfirm" class="inline"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="back" value="${url}">`), url);
  }
  assert.not.match((await c.ann.client.get('/cameras')).body, /class="told"/, 'not sent through a channel yet');
  await c.reminders.check();
  assert.match((await c.ann.client.get('/zone')).body, /<small class="told">Also sent on 2027-04-26 \d\d:\d\d: webhook sent\.<\/small>/, 'where the reminder went');
  assert.is((await c.ann.client.post(`/cameras/${c.porch}/reconfirm`, { back: 'https://evil.example/' })).status, 400, 'back is one of the two pages, never a URL');
  const before = c.web.ports.cameras.get(c.porch)!.consent!;
  const r = await c.ann.client.post(`/cameras/${c.porch}/reconfirm`, { back: '/zone' });
  assert.is(r.status, 303);
  assert.is(r.headers.location, '/zone');
  const after = c.web.ports.cameras.get(c.porch)!.consent!;
  assert.equal([after.version, after.action, after.purposes], [before.version + 1, 'reconfirm', before.purposes]);
  const zone = await c.ann.client.get('/zone');
  assert.not.match(zone.body, /id="reminder"/);
  assert.match(zone.body, /Confirmed &#34;Motion only&#34; until 2028-04-\d\d \d\d:\d\d \(Europe\/Paris\)/);
  assert.is(JSON.parse(new TextDecoder().decode(c.web.broker.retained.get(c.porch)!)).consentVersion, after.version, 'the board is told');
  c.web.clock.now = after.expiresMs - 29 * DAY;
  assert.equal((await c.reminders.check()).map((r) => [r.consentVersion, r.threshold]), [[after.version, 'soon']]);
  assert.is(c.notifier.got.length, 2, 'one per consent version');
});

test.run();
