/**
 * End to end, in Debian's Chromium (playwright-core): the relay stack (embedded broker, s3rver,
 * relay on SQLite) and the owner pages on the same database. An owner signs up with TOTP, adds a
 * camera, enables Motion only; a simulated camera reads that config from the broker and plays
 * until it sends a snapshot; the owner sees its five images, deletes it, and S3 has nothing left.
 * A second owner sees nothing of the first. Screenshots go to a temporary folder (printed), or to
 * docs/screenshots/ with QUIETCAM_SCREENSHOTS=docs (to refresh the README's pictures).
 */
import { tmpdir } from 'node:os';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { s3Client } from '../../src/adapters/s3-store.js';
import type { Stack } from '../../src/relay/stack.js';
import type { WebServer } from '../../src/web/server.js';
import { totpCode } from '../../src/web/totp.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { closeBrowserStack, openBrowserStack } from './browser-stack.js';
import { playCamera } from './camera.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.env.QUIETCAM_SCREENSHOTS === 'docs'
  ? join(import.meta.dirname, '../../docs/screenshots')
  : join(tmpdir(), `quietcam-e2e-shots-${process.pid}`);
console.log(`screenshots: ${SHOTS}`);
if (!existsSync(CHROMIUM)) {
  throw new Error(`Chromium is missing at ${CHROMIUM}. Install it with:\n  apt-get install -y chromium\n(scripts/ensure-system.sh does this for npm test as root)`);
}

interface Ctx { tmp: ReturnType<typeof tempDir>; stack: Stack; web: WebServer; contexts: BrowserContext[]; ann: Page; cameraId: string; token: string; prefix: string }
const test = suite<Ctx>('web end to end (chromium)');

async function browser(c: Ctx, name: string): Promise<Page> {
  const profile = join(c.tmp.dir, `profile-${name}`);
  mkdirSync(profile);
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
  });
  c.contexts.push(ctx);
  return ctx.pages()[0] ?? ctx.newPage();
}

const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function signUp(c: Ctx, page: Page, username: string, shots = false): Promise<void> {
  await page.goto(`${c.web.url}/signup`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'correct horse battery');
  await page.fill('input[name=password2]', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL('**/enrol');
  const secret = (await page.textContent('#totp-secret'))!.replace(/\s/g, '');
  if (shots) await shot(page, '1-enrol-totp');
  await page.fill('input[name=code]', await totpCode(secret, Date.now()));
  await page.click('main button[type=submit]');
  await page.waitForSelector('ol.codes li');
  if (shots) await shot(page, '2-recovery-codes');
  await page.click('text=I have saved them');
  await page.waitForURL('**/cameras');
}

async function s3Keys(c: Ctx, prefix: string): Promise<string[]> {
  const client = s3Client(c.stack.relay.config.s3);
  const r = await client.send(new ListObjectsV2Command({ Bucket: c.stack.bucket, Prefix: prefix }));
  client.destroy();
  return (r.Contents ?? []).map((o) => o.Key!);
}

test.before(async (c) => {
  mkdirSync(SHOTS, { recursive: true });
  await openBrowserStack(c, 'quietcam-web-e2e-');
});

test.after(closeBrowserStack);

test('sign up with TOTP, add a camera, enable Motion only', async (c) => {
  c.ann = await browser(c, 'ann');
  await signUp(c, c.ann, 'ann', true);
  await c.ann.fill('input[name=name]', 'Front porch');
  await c.ann.selectOption('select[name=placement]', 'exterior');
  await c.ann.click('text=Add camera');
  c.cameraId = (await c.ann.textContent('#camera-id'))!;
  c.token = (await c.ann.textContent('#pairing-token'))!;
  assert.match(c.token, /^[A-Za-z0-9_-]{43}$/);
  assert.not.ok(c.ann.url().includes((await c.ann.textContent('#pairing-token'))!), 'token not in the URL');
  await shot(c.ann, '3-camera-added');
  await c.ann.click('text=Choose what this camera may contribute');
  await c.ann.check('input[name=choice][value=motion]');
  await c.ann.check('input[name=agree]');
  await c.ann.click('text=Save');
  await c.ann.waitForSelector('.flash');
  assert.match((await c.ann.textContent('.flash'))!, /Motion only\. The camera has been told/);
  assert.match((await c.ann.textContent('#consent-state'))!, /in force, 365 day/);
  await shot(c.ann, '4-motion-only');
});

test('a simulated camera gets the config and sends a snapshot; its five images are shown', async (c) => {
  // the simulated minutes come after the consent was given (granted now): the rule says "not yet" before it
  const played = await playCamera(c.stack.brokerUrl, c.cameraId, Date.now() + 15 * 60000, { username: c.cameraId, password: c.token });
  assert.is(played.snapshots, 1, 'the camera took a snapshot (its config allowed motion)');
  await waitFor(() => c.stack.relay.contributions({ cameraId: c.cameraId }).length === 1, 15000, 'the contribution in the index');
  await c.ann.goto(`${c.web.url}/zone`);
  await c.ann.waitForSelector('tr.contribution');
  assert.match((await c.ann.textContent('#count'))!, /^1 contribution/);
  const thumbs = c.ann.locator('tr.contribution .thumbs img');
  assert.is(await thumbs.count(), 5);
  await shot(c.ann, '5-data-integrity-zone');
  await c.ann.click('tr.contribution td a');
  await c.ann.waitForSelector('.full img');
  const sizes = await c.ann.$$eval('.full img', (imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
  assert.equal(sizes, [160, 160, 160, 160, 160], 'five images decoded in the browser');
  await shot(c.ann, '6-contribution-five-images');
  c.prefix = c.stack.relay.contributions({ cameraId: c.cameraId })[0].keyPrefix;
  assert.is((await s3Keys(c, c.prefix)).length, 6);
});

test('a second owner sees nothing of the first, even with her URLs', async (c) => {
  const bob = await browser(c, 'bob');
  await signUp(c, bob, 'bob');
  assert.not.ok((await bob.content()).includes(c.cameraId));
  await bob.goto(`${c.web.url}/zone`);
  assert.match((await bob.textContent('#count'))!, /^0 contribution/);
  await shot(bob, '7-second-owner-sees-nothing');
  const rec = c.stack.relay.contributions({ cameraId: c.cameraId })[0];
  for (const u of [`/zone/img/${c.cameraId}/${rec.bundleId}/1-view.jpg`, `/zone/c/${c.cameraId}/${rec.bundleId}`, `/cameras/${c.cameraId}`]) {
    const r = await bob.goto(c.web.url + u);
    assert.is(r!.status(), 404, u);
  }
  const direct = await bob.goto(`${c.web.url}/${rec.objects[0].key}`);
  assert.is(direct!.status(), 404, 'an S3 key is no URL here');
});

test('delete it: gone from the page and from S3', async (c) => {
  await c.ann.goto(`${c.web.url}/zone`);
  await c.ann.click('tr.contribution button.danger');
  await c.ann.waitForSelector('#confirm-delete'); // every delete asks first
  assert.match((await c.ann.textContent('#confirm-count'))!, /^1$/);
  await c.ann.click('#confirm-delete');
  await c.ann.waitForSelector('.flash');
  const flash = (await c.ann.textContent('.flash'))!;
  assert.match(flash, /Deleted 1 contribution\(s\): 6 object\(s\) removed from S3/);
  assert.match(flash, /finds 0 object\(s\) left/);
  assert.ok(await c.ann.isVisible('#empty'));
  await shot(c.ann, '8-deleted-proof');
  assert.equal(await s3Keys(c, c.prefix), [], 'S3 itself lists nothing under the prefix');
  assert.is(c.stack.relay.contributions({ cameraId: c.cameraId }).length, 0);
});

test('withdraw everything in one click', async (c) => {
  await c.ann.goto(`${c.web.url}/cameras`);
  await c.ann.click('text=Withdraw all consent');
  await c.ann.waitForSelector('.flash');
  assert.match((await c.ann.textContent('#cameras'))!, /Off/);
  await shot(c.ann, '9-withdrawn');
  assert.is(c.stack.relay.registry.get(c.cameraId)!.consent!.purposes, 0);
});

test.run();
