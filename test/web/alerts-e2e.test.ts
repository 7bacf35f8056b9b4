/**
 * The smart-alert pages in Debian's Chromium (playwright-core): an owner signs up, adds two
 * cameras, turns alerts on per camera (each asks for a TOTP code: a wrong one is refused), turns
 * them all off with one click, reads the enrolment log, sees a new alert appear on the alerts
 * page without reloading it (the live feed's script runs under the page's CSP), and uses the
 * event history: frames with the person boxes drawn over them (checked in the rendered pixels),
 * the filters, deleting one event and then all of them (each after a confirmation; the frame files
 * are gone from the disk). Every alert page on a 390 px phone: no sideways scroll, axe-core clean.
 * The pages run on the in-process ports (SQLite on ':memory:', frames in a temp dir, a virtual
 * clock) on a loopback port.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.js';
import { formatTime } from '../../src/web/time.js';
import { totpCode } from '../../src/web/totp.js';
import { tempDir } from '../relay/helpers/env.js';
import { testWeb, type TestWeb } from './helpers.js';
import { assertAxeClean, assertNoSidewaysScroll } from './page-checks.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);

interface Ctx { tmp: ReturnType<typeof tempDir>; web: TestWeb; url: string; ctx: BrowserContext; page: Page; secret: string; cams: string[]; history: SqliteEventHistory }
const test = suite<Ctx>('web: smart alert settings in chromium');

test.before(async (c) => {
  c.tmp = tempDir('quietcam-alerts-e2e-');
  c.web = testWeb({ cookies: 'insecure-localhost' });
  c.history = new SqliteEventHistory(c.web.db, join(c.tmp.dir, 'alerts'));
  c.web.ports.history = c.history;
  await c.web.app.listen({ port: 0, host: '127.0.0.1' });
  c.url = `http://127.0.0.1:${(c.web.app.server.address() as AddressInfo).port}`;
  const profile = join(c.tmp.dir, 'profile');
  mkdirSync(profile);
  c.ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1100, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  c.page = c.ctx.pages()[0] ?? (await c.ctx.newPage());
  c.cams = [];
});

test.after(async (c) => {
  await c.ctx?.close().catch(() => {});
  await c.web?.close();
  c.tmp?.cleanup();
});

const nextCode = async (c: Ctx) => {
  c.web.clock.now += 30000; // a code works once: the next step's
  return totpCode(c.secret, c.web.clock.now);
};
const rowState = (c: Ctx, cam: string) => c.page.textContent(`tr[data-camera="${cam}"] .alert-state`);

test('sign up and add two cameras', async (c) => {
  const p = c.page;
  await p.goto(`${c.url}/signup`);
  await p.fill('input[name=username]', 'olive');
  await p.fill('input[name=password]', 'correct horse battery');
  await p.fill('input[name=password2]', 'correct horse battery');
  await p.click('button[type=submit]');
  await p.waitForURL('**/enrol');
  c.secret = (await p.textContent('#totp-secret'))!.replace(/\s/g, '');
  await p.fill('input[name=code]', await totpCode(c.secret, c.web.clock.now));
  await p.click('main button[type=submit]');
  await p.click('text=I have saved them');
  await p.waitForURL('**/cameras');
  for (const name of ['Porch', 'Gate']) {
    await p.goto(`${c.url}/cameras`);
    await p.fill('input[name=name]', name);
    await p.click('text=Add camera');
    c.cams.push((await p.textContent('#camera-id'))!);
  }
});

test('turning a camera on asks for a code; a wrong code is refused; each change is logged', async (c) => {
  const p = c.page;
  await p.goto(`${c.url}/alerts/settings`);
  assert.is(await rowState(c, c.cams[0]), 'off');
  const form = `tr[data-camera="${c.cams[0]}"] form`;
  await p.click(`${form} button`);
  assert.ok(p.url().endsWith('/alerts/settings'), 'the browser does not send it without a code (required)');
  await p.fill(`${form} input[name=code]`, '000000');
  await p.click(`${form} button`);
  assert.match((await p.textContent('main'))!, /That code is not right/);
  await p.goto(`${c.url}/alerts/settings`);
  assert.is(await rowState(c, c.cams[0]), 'off');
  await p.fill(`${form} input[name=code]`, await nextCode(c));
  await p.click(`${form} button`);
  await p.waitForSelector('.flash');
  assert.match((await p.textContent('.flash'))!, /Smart alerts on for Porch/);
  assert.is(await rowState(c, c.cams[0]), 'on');
  await p.fill(`tr[data-camera="${c.cams[1]}"] input[name=code]`, await nextCode(c));
  await p.click(`tr[data-camera="${c.cams[1]}"] button`);
  await p.waitForSelector('.flash');
  assert.is(await rowState(c, c.cams[1]), 'on');
  const log = await p.$$eval('#enrolment-log tr', (rows) => rows.slice(1).map((r) => (r as unknown as { innerText: string }).innerText));
  assert.is(log.length, 2);
  assert.ok(log.every((l) => /olive/.test(l) && /turned on/.test(l)), log.join('\n'));
  await p.screenshot({ path: join(c.tmp.dir, 'alerts-settings.png'), fullPage: true });
});

test('one click turns alerts off for every camera', async (c) => {
  const p = c.page;
  await p.click('#unenrol-all');
  await p.waitForSelector('.flash');
  assert.match((await p.textContent('.flash'))!, /off for every camera \(2 were on\)/);
  assert.is(await rowState(c, c.cams[0]), 'off');
  assert.is(await rowState(c, c.cams[1]), 'off');
  assert.match((await p.textContent('#enrolment-log tr:nth-child(2)'))!, /turned off for every camera/);
  assert.equal(c.web.ports.alerts.enabledCameras(c.web.ports.accounts.byUsername('olive')!.id), []);
});

test('a new alert appears on the alerts page without a reload; its image opens for the owner', async (c) => {
  const p = c.page;
  const errors: string[] = [];
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  c.web.ports.accounts.setTimeZone(c.web.ports.accounts.byUsername('olive')!.id, 'Asia/Tokyo');
  await p.goto(`${c.url}/alerts`);
  assert.ok(await p.isVisible('#no-alerts'));
  const img = join(c.tmp.dir, 'frame.jpg');
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#357' } }).jpeg().toFile(img);
  const owner = c.web.ports.accounts.byUsername('olive')!.id;
  c.web.ports.alerts.record({ cameraId: c.cams[0], ownerId: owner, eventId: '1', atMs: c.web.clock.now, verdict: 'person', score: 0.83, boxes: [], imagePath: img }, c.web.clock.now);
  await p.waitForSelector('li.alert-item', { timeout: 5000 });
  assert.match((await p.textContent('li.alert-item'))!, /Porch, score 0\.83/);
  assert.ok((await p.textContent('li.alert-item'))!.includes(`${formatTime(c.web.clock.now, 'Asia/Tokyo')}, Porch`), 'the live row\'s time in her zone, as the server-rendered rows');
  await p.waitForFunction(() => ((globalThis as unknown as { document: { querySelector(s: string): { naturalWidth: number } } }).document.querySelector('li.alert-item img')).naturalWidth > 0);
  assert.is(await p.$eval('li.alert-item img', (i) => (i as unknown as { naturalWidth: number }).naturalWidth), 320);
  assert.equal(errors.filter((e) => /Content Security Policy/i.test(e)), [], 'no CSP violation');
  await p.screenshot({ path: join(c.tmp.dir, 'alerts-feed.png'), fullPage: true });
});

/** A person event (one box) on the porch and an empty one at the gate, each with two 320x240 frames. */
async function seedHistory(c: Ctx): Promise<{ person: number; empty: number; files: string[] }> {
  const owner = c.web.ports.accounts.byUsername('olive')!.id;
  const jpeg = new Uint8Array(await sharp({ create: { width: 320, height: 240, channels: 3, background: '#346' } }).jpeg({ quality: 95 }).toBuffer());
  const box = { x: 100, y: 40, w: 80, h: 160, score: 0.81 };
  const ids: number[] = [];
  for (const [cam, person, ago] of [[c.cams[0], true, 600000], [c.cams[1], false, 300000]] as const) {
    const start = c.web.clock.now - ago;
    const id = c.history.create({ cameraId: cam, ownerId: owner, boardEventId: 7, startMs: start, detector: 'test' });
    for (const i of [0, 1]) c.history.addFrame(id, { index: i, atMs: start + i * 1000, offsetMs: i * 1000, width: 320, height: 240, score: person ? 0.81 : 0.1, boxes: person ? [box] : [] }, jpeg);
    c.history.update(id, { endMs: start + 4000, verdict: person ? 'person' : 'no-person', bestScore: person ? 0.81 : 0.1, bestFrame: 0, ...(person ? { alertMs: start + 500, alertTo: 'mqtt' } : {}) });
    ids.push(id);
  }
  return { person: ids[0], empty: ids[1], files: [ids[0], ids[1]].flatMap((id) => c.history.get(id)!.frames.map((f) => f.path)) };
}

/** [r, g, b] at (x, y) of a PNG screenshot. */
async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.round(y) * info.width + Math.round(x)) * 3;
  return [data[i], data[i + 1], data[i + 2]];
}
const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 40);

test('the event history: frames with the person box drawn over them, filters, delete one then all after confirming', async (c) => {
  const p = c.page;
  const { person, empty, files } = await seedHistory(c);
  await p.click('nav >> text=Event history');
  await p.waitForURL('**/alerts/history');
  assert.equal(await p.$$eval('article.event', (a) => a.map((e) => Number((e as unknown as { dataset: { event: string } }).dataset.event))), [empty, person]);
  // the rendered pixels: the box's amber edge over the frame, the frame's own colour inside it
  const fig = p.locator(`#event-${person} figure[data-frame="0"] svg`);
  await p.waitForFunction((sel) => {
    const img = (globalThis as unknown as { document: { querySelector(s: string): { getBBox(): { width: number } } | null } }).document.querySelector(sel);
    return !!img && img.getBBox().width > 0;
  }, `#event-${person} figure[data-frame="0"] image`);
  await p.waitForLoadState('networkidle');
  const shot = await fig.screenshot();
  const size = (await fig.boundingBox())!;
  const k = size.width / 320;
  assert.ok(near(await pixel(shot, 100 * k, 120 * k), [255, 176, 0]), `the box's left edge is amber: ${await pixel(shot, 100 * k, 120 * k)}`);
  assert.ok(near(await pixel(shot, 140 * k, 120 * k), [0x33, 0x44, 0x66]), `inside the box: the frame: ${await pixel(shot, 140 * k, 120 * k)}`);
  assert.ok(near(await pixel(shot, 20 * k, 20 * k), [0x33, 0x44, 0x66]), 'outside the box: the frame');
  assert.match((await p.textContent(`#event-${person} .alert-sent`))!, /mqtt/);
  // filters
  await p.check('input[name=people]');
  await p.click('#filter button');
  await p.waitForURL(/people=yes/);
  assert.equal(await p.$$eval('article.event', (a) => a.length), 1);
  assert.ok(await p.isChecked('input[name=people]'), 'the form keeps the choice');
  await p.goto(`${c.url}/alerts/history`);
  await p.selectOption('#f-camera', c.cams[1]);
  await p.click('#filter button');
  await p.waitForSelector(`#event-${empty}`);
  assert.equal(await p.$$eval('article.event', (a) => a.length), 1);
  // delete one: a confirmation page first, Cancel keeps it
  await p.click(`#event-${empty} a.danger`);
  await p.waitForSelector('#confirm-delete');
  await p.click('text=Cancel');
  await p.waitForSelector(`#event-${empty}`);
  assert.ok(files.every((f) => existsSync(f)));
  await p.click(`#event-${empty} a.danger`);
  await p.click('#confirm-delete');
  await p.waitForSelector('.flash');
  assert.match((await p.textContent('.flash'))!, /Deleted the event .* and its 2 frame\(s\)/);
  assert.ok(p.url().includes(`camera=${c.cams[1]}`), 'back to the same filter');
  assert.is(c.history.get(empty), null);
  assert.equal(files.slice(2).filter((f) => existsSync(f)), [], 'its frames are gone from the disk');
  assert.ok(files.slice(0, 2).every((f) => existsSync(f)), 'the other event\'s frames stay');
  await p.screenshot({ path: join(c.tmp.dir, 'alerts-history.png'), fullPage: true });
  // delete all
  await p.goto(`${c.url}/alerts/history`);
  await p.click('#delete-all');
  assert.is(await p.textContent('#delete-all-count'), '1');
  await p.click('#confirm-delete-all');
  await p.waitForSelector('.flash');
  assert.match((await p.textContent('.flash'))!, /Deleted 1 event/);
  assert.equal(await p.$$eval('article.event', (a) => a.length), 0);
  assert.equal(files.filter((f) => existsSync(f)), []);
});

test('every alert page on a 390 px phone: no sideways scroll, axe-core clean', async (c) => {
  const p = c.page;
  await seedHistory(c);
  await p.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/alerts/history', `/alerts/history/${c.history.list()[0].id}/delete`, '/alerts/history/delete-all', '/alerts/settings', '/alerts']) {
    await p.goto(`${c.url}${path}`);
    await p.waitForLoadState('networkidle').catch(() => {}); // the live feed keeps a stream open
    await assertNoSidewaysScroll(p);
    await assertAxeClean(p);
  }
  await p.goto(`${c.url}/alerts/history`);
  await p.screenshot({ path: join(c.tmp.dir, 'alerts-history-phone.png'), fullPage: true });
});

test.run();
