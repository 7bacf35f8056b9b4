/**
 * End to end in Debian's Chromium (playwright-core): a home (owner pages) and the operator's
 * review console, S3 (in memory) between them, both listening on loopback. A reviewer made by the
 * operator's command signs in with TOTP, sees only what consent allows, annotates with the mouse
 * and the keyboard next to a proposed box, flags another one (gone from S3); the owner's access
 * log lists each look and their zone shows the flag and its reason. No CSP violation on the way.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PURPOSE_MOTION, PURPOSE_OBJECTRON } from '../../src/protocol/consent.js';
import { totpCode } from '../../src/web/totp.js';
import { addCamera, signUp, type Owner } from '../web/helpers.js';
import { reviewer, seed, T0, world, type World } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);
const DAY = 86400000;

interface Ctx { w: World; tmp: string; chromium?: Browser; contexts: BrowserContext[]; ann: Owner; porch: string; reviewUrl: string; homeUrl: string }
const test = suite<Ctx>('review console end to end (chromium)');

/** One Chromium for the test, one context (own cookies) per person. */
async function browser(c: Ctx): Promise<Page> {
  c.chromium ??= await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const ctx = await c.chromium.newContext({ viewport: { width: 1100, height: 900 } });
  c.contexts.push(ctx);
  return ctx.newPage();
}

/** Screenshots: a temporary folder, or docs/screenshots/ with QUIETCAM_SCREENSHOTS=docs. */
const SHOTS = process.env.QUIETCAM_SCREENSHOTS === 'docs' ? join(import.meta.dirname, '../../docs/screenshots') : join(tmpdir(), `quietcam-review-shots-${process.pid}`);
const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

const urlOf = (addr: string) => addr.replace('0.0.0.0', '127.0.0.1');

test.before(async (c) => {
  c.tmp = mkdtempSync(join(tmpdir(), 'quietcam-review-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
  c.contexts = [];
  // The clock is real here: TOTP codes come from the browser's own time.
  c.w = world({ cookies: 'insecure-localhost', proposer: { propose: async () => [{ label: 'person', x: 200, y: 40, w: 60, h: 120 }] } });
  c.w.clock.now = Date.now();
  c.ann = await signUp(c.w.home, 'ann');
  c.porch = (await addCamera(c.ann, 'Porch')).cameraId;
  const garden = (await addCamera(c.ann, 'Garden')).cameraId;
  const shed = (await addCamera(c.ann, 'Shed')).cameraId;
  for (const [cam, choice] of [[c.porch, 'both'], [garden, 'motion'], [shed, 'objectron']]) {
    assert.is((await c.ann.client.post(`/cameras/${cam}/contributions`, { choice, agree: 'yes' })).status, 303);
  }
  await seed(c.w, c.ann.id, c.porch, 'p-1', 3, c.w.clock.now - DAY);
  await seed(c.w, c.ann.id, c.porch, 'p-2', 3, c.w.clock.now - DAY / 2);
  await seed(c.w, c.ann.id, garden, 'g-1', PURPOSE_MOTION, c.w.clock.now - DAY);
  await seed(c.w, c.ann.id, shed, 's-1', PURPOSE_OBJECTRON, c.w.clock.now - DAY);
  assert.is((await c.ann.client.post(`/cameras/${shed}/contributions`, { choice: 'off' })).status, 303); // withdrawn
  c.reviewUrl = urlOf(await c.w.reviewApp.listen({ host: '127.0.0.1', port: 0 }));
  c.homeUrl = urlOf(await c.w.home.app.listen({ host: '127.0.0.1', port: 0 }));
  void T0;
});

test.after(async (c) => {
  for (const ctx of c.contexts) await ctx.close().catch(() => {});
  await c.chromium?.close().catch(() => {});
  await c.w?.close();
  rmSync(c.tmp, { recursive: true, force: true });
});

test('sign in with TOTP, annotate with mouse and keys next to a proposed box, flag one; the owner sees every look and the flag', async (c) => {
  const rita = await reviewer(c.w, 'rita');
  const page = await browser(c);
  const cspErrors: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text()); });
  await page.goto(`${c.reviewUrl}/login`);
  await page.fill('input[name=name]', 'rita');
  await page.fill('input[name=password]', rita.password);
  await page.fill('input[name=code]', await totpCode(rita.totpSecret, Date.now()));
  await page.click('main button[type=submit]');
  await page.waitForSelector('#queue');
  const rows = await page.$$eval('#queue tr.item a', (as) => as.map((a) => a.textContent));
  assert.equal(rows, [`${c.porch} / p-1`, `${c.porch} / p-2`], 'not the Motion-only nor the withdrawn camera\'s');
  await shot(page, 'review-1-queue');

  await page.click('#next');
  await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { naturalWidth: number } | null } }).document.getElementById('view')?.naturalWidth === 320);
  await page.waitForSelector('.box.proposed');
  const img = (await page.$('#view'))!;
  const b = (await img.boundingBox())!;
  const k = b.width / 320; // the view is shown scaled up; boxes are kept in image pixels
  assert.ok(k > 1.5, `shown at ${b.width} px`);
  await page.mouse.move(b.x + 50 * k, b.y + 50 * k);
  await page.mouse.down();
  await page.mouse.move(b.x + 120 * k, b.y + 100 * k, { steps: 4 });
  await page.mouse.move(b.x + 150 * k, b.y + 130 * k, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.press('2'); // car
  await page.keyboard.press('Tab'); // the proposed person box
  await page.keyboard.press('ArrowRight'); // moved 5 px: accepted
  assert.equal(await page.$$eval('#box-list li', (l) => l.map((x) => x.textContent)), ['1: person 205,40 60x120', '2: car 50,50 100x80']);
  await shot(page, 'review-2-annotate');
  await page.click('#save');
  await page.waitForURL('**/p-2?saved=1'); // straight on to the next one
  const a = c.w.review.store.annotation(c.ann.id, c.porch, 'p-1')!;
  assert.equal(a.boxes, [{ label: 'person', x: 205, y: 40, w: 60, h: 120 }, { label: 'car', x: 50, y: 50, w: 100, h: 80 }]);

  await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { naturalWidth: number } | null } }).document.getElementById('view')?.naturalWidth === 320);
  await page.selectOption('#flag-reason', 'child');
  await page.click('#flag');
  await page.waitForURL('**/?flagged=1');
  assert.ok(await page.$('#empty'), 'nothing left to annotate');
  assert.equal(await c.w.bucket.list(`contributions/${c.ann.id}/${c.porch}/`).then((k) => k.filter((x) => x.includes('/p-2/'))), [], 'gone from S3');
  assert.equal(cspErrors, []);

  // The owner, in their own browser (their session cookie from the in-process sign-up).
  const owner = await browser(c);
  await owner.context().addCookies([...c.ann.client.cookies].map(([name, value]) => ({ name, value, url: c.homeUrl })));
  await owner.goto(`${c.homeUrl}/access-log`);
  const looks = await owner.$$eval('#access tr', (trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()).join(' | ')));
  const entries = await c.w.bucket.list(`access/${c.ann.id}/`);
  assert.is(looks.length, entries.length, 'one row per access entry in S3');
  assert.ok(looks.some((l) => /rita \(reviewer\) \| Porch \/ p-1 \/ 1-view\.jpg \| annotation/.test(l)), looks.join('\n'));
  assert.ok(looks.some((l) => /rita \(reviewer\) \| Porch \/ p-2 \/ 1-view\.jpg \| annotation/.test(l)), looks.join('\n'));
  await owner.goto(`${c.homeUrl}/zone`);
  assert.match((await owner.textContent('#flagged'))!, /p-2.*child/s);
  await shot(owner, 'review-3-owner-zone-flagged');
  assert.match((await owner.textContent('#so-far'))!, /1 annotated by reviewers \(2 objects marked\) · 1 flagged and deleted/);
});

test.run();
