/**
 * The newcomer's first minutes, in Debian's Chromium (playwright-core), against the real stack
 * (embedded broker with camera logins, s3rver, relay on SQLite) and the owner pages on the same
 * database: sign up (QR code), add a camera, choose Motion only, save the provisioning file, run
 * `quietcam sim scene:busy --provisioning FILE` as a child process, and see that camera's own
 * contribution in the Data Integrity Zone and its "last seen" on the cameras page. Then every
 * page is checked on a 390 px phone (page width = viewport width) and with axe-core run in the
 * page (no serious or critical violations), the consent reminder renewed in one click on the
 * phone, and the account is deleted, checked in S3 itself (every version) and in the data folder.
 * Screenshots: a temporary folder, or docs/screenshots/ with QUIETCAM_SCREENSHOTS=docs.
 */
// test-timeout: 180 s (33 s alone on 2 cores; 81 s while three other browser suites ran)
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { s3Client } from '../../src/adapters/s3-store.js';
import { SqliteAlertSettings } from '../../src/adapters/sqlite-alert-settings.js';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.js';
import { openDatabase } from '../../src/adapters/sqlite-schema.js';
import { statsKey } from '../../src/operator/keys.js';
import type { Stack } from '../../src/relay/stack.js';
import type { WebServer } from '../../src/web/server.js';
import { totpCode } from '../../src/web/totp.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { closeBrowserStack, openBrowserStack } from './browser-stack.js';
import { assertAxeClean, assertNoSidewaysScroll } from './page-checks.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '../..');
const SHOTS = process.env.QUIETCAM_SCREENSHOTS === 'docs' ? join(ROOT, 'docs/screenshots') : join(tmpdir(), `quietcam-newcomer-shots-${process.pid}`);
const PASSWORD = 'correct horse battery';
const DAY = 86400000;
if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);

interface Ctx {
  tmp: ReturnType<typeof tempDir>; stack: Stack; web: WebServer; contexts: BrowserContext[];
  page: Page; secret: string; ownerId: string; cameraId: string; bundleId: string; step: number;
}
const test = suite<Ctx>('web newcomer path (chromium)');

async function browser(c: Ctx, name: string, width: number, height: number, timezoneId = 'UTC'): Promise<Page> {
  const profile = join(c.tmp.dir, `profile-${name}`);
  mkdirSync(profile);
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width, height }, acceptDownloads: true, timezoneId,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  c.contexts.push(ctx);
  return ctx.pages()[0] ?? ctx.newPage();
}

const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** A TOTP code for a step not used yet (the pages accept one step either side of now, each once). */
async function code(c: Ctx): Promise<string> {
  c.step = Math.max(c.step + 1, Math.floor(Date.now() / 30000) - 1);
  assert.ok(c.step <= Math.floor(Date.now() / 30000) + 1, 'ran out of TOTP steps: the test is too slow');
  return totpCode(c.secret, c.step * 30000 + 1000);
}

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/quietcam.js'), ...args], { cwd: c0.tmp.dir, timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}
let c0: Ctx;

async function s3Keys(c: Ctx, prefix: string): Promise<string[]> {
  const client = s3Client(c.stack.relay.config.s3);
  try {
    const r = await client.send(new ListObjectsV2Command({ Bucket: c.stack.bucket, Prefix: prefix }));
    return (r.Contents ?? []).map((o) => o.Key!);
  } finally {
    client.destroy();
  }
}

/** Every key in the bucket, every version and delete marker (ListObjectVersions; a plain listing where the endpoint has no versions). */
async function s3AllVersions(c: Ctx): Promise<string[]> {
  const client = s3Client(c.stack.relay.config.s3);
  try {
    const r = await client.send(new ListObjectVersionsCommand({ Bucket: c.stack.bucket }));
    return [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])].map((v) => v.Key!);
  } catch {
    return s3Keys(c, '');
  } finally {
    client.destroy();
  }
}

/** Every file under `dir` (relative paths). */
function filesUnder(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n), base) : [join(dir, n).slice(base.length + 1)]));
}

test.before(async (c) => {
  c0 = c;
  mkdirSync(SHOTS, { recursive: true });
  c.step = 0;
  await openBrowserStack(c, 'quietcam-web-newcomer-');
});

test.after(closeBrowserStack);

test('sign up with the QR code, add a camera, choose Motion only, save its provisioning file', async (c) => {
  const p = (c.page = await browser(c, 'nia', 1100, 850, 'Europe/Berlin'));
  await p.goto(`${c.web.url}/signup`);
  await p.fill('input[name=username]', 'nia');
  await p.fill('input[name=password]', PASSWORD);
  await p.fill('input[name=password2]', PASSWORD);
  await p.click('main button[type=submit]');
  await p.waitForURL('**/enrol');
  assert.ok(await p.isVisible('figure.qr svg'), 'QR code shown');
  c.secret = (await p.textContent('#totp-secret'))!.replace(/\s/g, '');
  await shot(p, '10-enrol-qr');
  await p.fill('input[name=code]', await code(c));
  await p.click('main button[type=submit]');
  await p.click('text=I have saved them');
  await p.waitForURL('**/cameras');
  assert.ok(await p.isVisible('#no-cameras'));
  await p.goto(`${c.web.url}/account`);
  assert.is(await p.inputValue('#f-timeZone'), 'Europe/Berlin', 'the time zone came from the browser at sign-up');
  await p.goto(`${c.web.url}/cameras`);
  await p.fill('input[name=name]', 'Driveway');
  await p.click('text=Add camera');
  c.cameraId = (await p.textContent('#camera-id'))!;
  const download = p.waitForEvent('download');
  await p.click('#provisioning-download');
  await (await download).saveAs(join(c.tmp.dir, `quietcam-${c.cameraId}.json`));
  await p.click('text=Choose what this camera may contribute');
  await p.check('input[name=choice][value=motion]');
  await p.check('input[name=agree]');
  await p.click('text=Save');
  await p.waitForSelector('.flash');
  c.ownerId = c.stack.relay.registry.get(c.cameraId)!.ownerId;
});

test('`quietcam sim scene:busy --provisioning FILE` plays as her camera: its contribution is in her zone', async (c) => {
  const r = await run(['sim', 'scene:busy', '--provisioning', `quietcam-${c.cameraId}.json`, '--broker', c.stack.brokerUrl, '--seconds', '20', '--quiet']);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`camera ${c.cameraId}: logged in to .*; contributions in its config: motion`));
  assert.match(r.out, /1 snapshot bundle\(s\)/);
  await waitFor(() => c.stack.relay.contributions({ cameraId: c.cameraId }).length === 1, 20000, 'her contribution in the index');
  const rec = c.stack.relay.contributions({ cameraId: c.cameraId })[0];
  assert.is(rec.ownerId, c.ownerId, 'stored under her account');
  c.bundleId = rec.bundleId;
  const p = c.page;
  await p.goto(`${c.web.url}/zone`);
  assert.match((await p.textContent('#count'))!, /^1 contribution/);
  assert.is(await p.locator('tr.contribution .thumbs img').count(), 5);
  await shot(p, '11-own-camera-contribution');
  await p.goto(`${c.web.url}/cameras`);
  assert.not.match((await p.textContent('#cameras .last-seen'))!, /not seen yet/);
  await p.goto(`${c.web.url}/cameras/${c.cameraId}`);
  assert.match((await p.textContent('#camera-activity'))!, /(online|offline), last seen 2\d{3}-.* · last event: .* · last contribution: 2\d{3}-.* · 1 stored · smart alerts: off/);
  await p.goto(`${c.web.url}/cameras`);
  await shot(p, '12-cameras-last-seen');
});

test('a wrong token is refused by the broker, and the command says so', async (c) => {
  writeFileSync(join(c.tmp.dir, 'bad.json'), JSON.stringify({ camera: c.cameraId, mqttpass: 'A'.repeat(43), broker: c.stack.brokerUrl }));
  const r = await run(['sim', 'scene:busy', '--provisioning', 'bad.json', '--seconds', '5', '--quiet']);
  assert.is.not(r.code, 0);
  assert.match(r.out, /refused camera .*'s login: check the token/);
});

test('every page on a 390 px phone: page width = viewport width; axe-core finds no serious violation on any page', async (c) => {
  const p = c.page;
  await p.setViewportSize({ width: 390, height: 844 });
  // her consent ends in 5 days (a record as a year-old decision would have): the reminder banner on Cameras and Zone;
  // and a reviewer's look in her access log (times in her zone, Europe/Berlin)
  const cam = c.web.ports.cameras.get(c.cameraId)!;
  c.web.ports.cameras.setConsent({ ...cam.consent!, version: cam.consent!.version + 1, grantedMs: Date.now() - 360 * DAY, expiresMs: Date.now() + 5 * DAY, action: 'set' });
  c.web.ports.accessLog.record({ ownerId: c.ownerId, viewerId: 'o-reviewer', viewer: 'rita.reviewer@example.org', viewerRole: 'reviewer', cameraId: c.cameraId, bundleId: c.bundleId, object: '1-view.jpg', why: 'annotating people and cars for ObjecTron', atMs: Date.now() });
  const pages = ['/cameras', `/cameras/${c.cameraId}`, `/cameras/${c.cameraId}/remove`, '/zone', `/zone/c/${c.cameraId}/${c.bundleId}`,
    '/access-log', '/status', '/alerts', '/alerts/settings', '/account', '/account/totp', '/account/delete'];
  for (const url of pages) {
    const res = await p.goto(c.web.url + url);
    assert.is(res!.status(), 200, url);
    await assertNoSidewaysScroll(p, url);
    await assertAxeClean(p, url);
  }
  await shot(p, '13-phone-account-delete');
  await p.goto(`${c.web.url}/access-log`);
  assert.match((await p.textContent('#access'))!, /When \(Europe\/Berlin\)/);
  // the reminder, and its one-click renew on the phone
  await p.goto(`${c.web.url}/zone`);
  assert.match((await p.textContent('#reminder'))!, /Your consent for Driveway \("Motion only"\) ends in 5 day\(s\), on 2\d{3}-\d\d-\d\d \d\d:\d\d \(Europe\/Berlin\)/);
  await p.goto(`${c.web.url}/cameras`);
  await shot(p, '18-phone-reminder');
  await p.click(`#renew-${c.cameraId}`);
  await p.waitForURL('**/cameras');
  assert.match((await p.textContent('.flash'))!, /Confirmed "Motion only" until/);
  assert.is(await p.locator('#reminder').count(), 0, 'renewed: no reminder');
  assert.is(c.web.ports.cameras.get(c.cameraId)!.consent!.action, 'reconfirm');
  // the pages behind a form: the delete confirmation, and the pairing answer
  await p.goto(`${c.web.url}/zone`);
  await p.click('tr.contribution button.danger');
  await p.waitForSelector('#confirm-delete');
  await assertNoSidewaysScroll(p, 'delete confirmation');
  await assertAxeClean(p, 'delete confirmation');
  await p.goto(`${c.web.url}/cameras`);
  await p.fill('input[name=name]', 'Phone test');
  await p.click('text=Add camera');
  await p.waitForSelector('#pairing-token');
  await assertNoSidewaysScroll(p, 'camera added');
  await assertAxeClean(p, 'camera added');
  await shot(p, '14-phone-camera-added');
  await p.goto(`${c.web.url}/cameras`);
  await shot(p, '15-phone-cameras');
  // signed-out pages, in a second browser
  const anon = await browser(c, 'anon', 390, 844);
  for (const url of ['/login', '/signup']) {
    await anon.goto(c.web.url + url);
    await assertNoSidewaysScroll(anon, url);
    await assertAxeClean(anon, url);
  }
  await anon.fill('input[name=username]', 'xavier');
  await anon.fill('input[name=password]', PASSWORD);
  await anon.fill('input[name=password2]', PASSWORD);
  await anon.click('main button[type=submit]');
  await anon.waitForURL('**/enrol');
  await assertNoSidewaysScroll(anon, '/enrol');
  await assertAxeClean(anon, '/enrol');
  await shot(anon, '16-phone-enrol');
  const xSecret = (await anon.textContent('#totp-secret'))!.replace(/\s/g, '');
  await anon.fill('input[name=code]', await totpCode(xSecret, Date.now()));
  await anon.click('main button[type=submit]');
  await anon.waitForSelector('ol.codes li');
  await assertNoSidewaysScroll(anon, 'recovery codes');
  await assertAxeClean(anon, 'recovery codes');
  const missing = await anon.goto(`${c.web.url}/no/such/page`);
  assert.is(missing!.status(), 404);
  await assertNoSidewaysScroll(anon, 'not found');
  await assertAxeClean(anon, 'not found');
});

test('delete my account: the page and S3 itself find nothing left under her prefix', async (c) => {
  const p = c.page;
  await p.setViewportSize({ width: 1100, height: 850 });
  assert.is((await s3Keys(c, `contributions/${c.ownerId}/`)).length, 6);
  assert.ok((await s3Keys(c, `consent/${c.ownerId}/`)).length >= 1, 'the console\'s consent record of her camera is there before');
  // what the review console and the alert stage leave: her counts in S3; an event with its frames on disk and its sent alert
  const s3 = s3Client(c.stack.relay.config.s3);
  await s3.send(new PutObjectCommand({ Bucket: c.stack.bucket, Key: statsKey(c.ownerId), Body: '{"annotated":1}', ContentType: 'application/json' }));
  s3.destroy();
  const db = openDatabase(join(c.tmp.dir, 'relay.db'));
  const history = new SqliteEventHistory(db, join(c.tmp.dir, 'alerts'));
  const ev = history.create({ cameraId: c.cameraId, ownerId: c.ownerId, boardEventId: 1, startMs: Date.now(), detector: 'test' });
  const frame = history.addFrame(ev, { index: 0, atMs: Date.now(), offsetMs: 0, width: 4, height: 3, score: 0.9, boxes: [] }, Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]));
  new SqliteAlertSettings(db).record({ cameraId: c.cameraId, ownerId: c.ownerId, eventId: String(ev), atMs: Date.now(), verdict: 'person', score: 0.9, boxes: [], imagePath: frame.path }, Date.now());
  assert.ok(existsSync(frame.path));
  await p.goto(`${c.web.url}/account`);
  await p.click('#delete-account');
  await p.fill('input[name=current]', PASSWORD);
  await p.fill('input[name=code]', await code(c));
  await p.check('input[name=confirm]');
  await p.click('#confirm-delete-account');
  await p.waitForSelector('#account-deleted');
  assert.match((await p.textContent('#account-deleted'))!, /1 contribution\(s\), 6 object\(s\) removed from S3 \(every version\), \d+ other object\(s\) of yours .*, 2 camera\(s\) removed/);
  assert.match((await p.textContent('#relist'))!, /finds 0 object/);
  await shot(p, '17-account-deleted');
  assert.match((await p.textContent('#local-deleted'))!, /1 smart-alert event\(s\) with their frame files, 1 sent alert\(s\)/);
  assert.match((await p.textContent('#relist'))!, /\(contributions, consent, access, flags, stats\) finds 0 object.*lists 0 event/);
  await assertAxeClean(p, 'account deleted');
  await p.setViewportSize({ width: 390, height: 844 });
  await assertNoSidewaysScroll(p, 'account deleted');
  for (const root of ['contributions', 'consent', 'access', 'flags']) assert.equal(await s3Keys(c, `${root}/${c.ownerId}/`), [], `S3 lists nothing under ${root}/<her id>/`);
  // every version of every key in the bucket (ListObjectVersions where the endpoint has it), and the data folder
  const everything = await s3AllVersions(c);
  assert.equal(everything.filter((k) => k.includes(c.ownerId)), [], 'no version of any key of hers');
  assert.not.ok(existsSync(frame.path), 'the frame file is gone');
  assert.equal(filesUnder(join(c.tmp.dir, 'alerts')).filter((f) => f.includes(c.cameraId)), [], 'no file of her camera in the data folder');
  assert.is((db.prepare('SELECT count(*) AS n FROM alert_log WHERE owner_id = ?').get(c.ownerId) as { n: number }).n, 0);
  db.close();
  assert.is(c.stack.relay.registry.get(c.cameraId), null, 'the relay no longer knows her camera');
  const again = await run(['sim', 'scene:busy', '--provisioning', `quietcam-${c.cameraId}.json`, '--broker', c.stack.brokerUrl, '--seconds', '5', '--quiet']);
  assert.match(again.out, /refused camera/, 'her camera\'s login is gone');
  assert.is((await p.goto(`${c.web.url}/cameras`))!.url(), `${c.web.url}/login`);
});

test.run();
