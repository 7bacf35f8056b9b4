/**
 * The smart-alert pages in Debian's Chromium (playwright-core): an owner signs up, adds two
 * cameras, turns alerts on per camera (each asks for a TOTP code: a wrong one is refused), turns
 * them all off with one click, reads the enrolment log, and sees a new alert appear on the alerts
 * page without reloading it (the live feed's script runs under the page's CSP). The pages run on
 * the in-process ports (SQLite on ':memory:', a virtual clock) on a loopback port.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { totpCode } from '../../src/web/totp.js';
import { tempDir } from '../relay/helpers/env.js';
import { testWeb, type TestWeb } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);

interface Ctx { tmp: ReturnType<typeof tempDir>; web: TestWeb; url: string; ctx: BrowserContext; page: Page; secret: string; cams: string[] }
const test = suite<Ctx>('web: smart alert settings in chromium');

test.before(async (c) => {
  c.tmp = tempDir('quietcam-alerts-e2e-');
  c.web = testWeb({ cookies: 'insecure-localhost' });
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
  await p.goto(`${c.url}/alerts`);
  assert.ok(await p.isVisible('#no-alerts'));
  const img = join(c.tmp.dir, 'frame.jpg');
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#357' } }).jpeg().toFile(img);
  const owner = c.web.ports.accounts.byUsername('olive')!.id;
  c.web.ports.alerts.record({ cameraId: c.cams[0], ownerId: owner, eventId: '1', atMs: c.web.clock.now, verdict: 'person', score: 0.83, boxes: [], imagePath: img }, c.web.clock.now);
  await p.waitForSelector('li.alert-item', { timeout: 5000 });
  assert.match((await p.textContent('li.alert-item'))!, /Porch, score 0\.83/);
  await p.waitForFunction(() => ((globalThis as unknown as { document: { querySelector(s: string): { naturalWidth: number } } }).document.querySelector('li.alert-item img')).naturalWidth > 0);
  assert.is(await p.$eval('li.alert-item img', (i) => (i as unknown as { naturalWidth: number }).naturalWidth), 320);
  assert.equal(errors.filter((e) => /Content Security Policy/i.test(e)), [], 'no CSP violation');
  await p.screenshot({ path: join(c.tmp.dir, 'alerts-feed.png'), fullPage: true });
});

test.run();
