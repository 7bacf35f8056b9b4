/**
 * The live view in Debian's Chromium (playwright-core) against the real stack (embedded broker
 * with camera logins, relay, owner pages): the owner adds a camera, a simulated camera logs in
 * with its token and runs the device app in real time (sim/live-camera.ts); the cameras page shows
 * it online with its firmware, frame rate, heap and Wi-Fi from its signed status; "Live view"
 * makes the camera send frames that the page shows; the access log lists the live view; removing
 * the camera from another tab ends the open live view and the page says so. The changed pages fit a 390 px phone and pass axe-core. Screenshots: a temporary folder, or
 * docs/screenshots/ with QUIETCAM_SCREENSHOTS=docs.
 */
// test-timeout: 180 s
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Stack } from '../../src/relay/stack.js';
import type { WebServer } from '../../src/web/server.js';
import { totpCode } from '../../src/web/totp.js';
import { bytesToHex, deriveCameraSecret } from '../../src/protocol/mac.js';
import { startLiveCamera, type LiveCamera } from '../../sim/live-camera.ts';
import { openSource } from '../../sim/sources/open.ts';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { closeBrowserStack, openBrowserStack } from './browser-stack.js';
import { assertAxeClean, assertNoSidewaysScroll } from './page-checks.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '../..');
const SHOTS = process.env.QUIETCAM_SCREENSHOTS === 'docs' ? join(ROOT, 'docs/screenshots') : join(tmpdir(), `quietcam-live-shots-${process.pid}`);
const PASSWORD = 'correct horse battery';
if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);

interface Ctx { tmp: ReturnType<typeof tempDir>; stack: Stack; web: WebServer; contexts: BrowserContext[]; page: Page; cameraId: string; camera?: LiveCamera }
const test = suite<Ctx>('web live view (chromium)');

async function browser(c: Ctx, name: string, width: number, height: number): Promise<Page> {
  const profile = join(c.tmp.dir, `profile-${name}`);
  mkdirSync(profile);
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width, height }, timezoneId: 'UTC',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  c.contexts.push(ctx);
  return ctx.pages()[0] ?? ctx.newPage();
}

/** The page's document, as the functions run in Chromium see it (a string predicate would need 'unsafe-eval', which the CSP refuses). */
type InPage = { document: { getElementById(id: string): { naturalWidth: number; naturalHeight: number; getAttribute(n: string): string | null } | null } };

const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

test.before(async (c) => {
  mkdirSync(SHOTS, { recursive: true });
  await openBrowserStack(c, 'quietcam-web-live-');
});

test.after(async (c) => {
  await c.camera?.stop();
  await closeBrowserStack(c);
});

test('sign up, add a camera; the simulated camera logs in and the cameras page shows it online with its status', async (c) => {
  const p = (c.page = await browser(c, 'lou', 1100, 850));
  await p.goto(`${c.web.url}/signup`);
  await p.fill('input[name=username]', 'lou');
  await p.fill('input[name=password]', PASSWORD);
  await p.fill('input[name=password2]', PASSWORD);
  await p.click('main button[type=submit]');
  await p.waitForURL('**/enrol');
  const secret = (await p.textContent('#totp-secret'))!.replace(/\s/g, '');
  await p.fill('input[name=code]', await totpCode(secret, Date.now()));
  await p.click('main button[type=submit]');
  await p.click('text=I have saved them');
  await p.waitForURL('**/cameras');
  await p.fill('input[name=name]', 'Front door');
  await p.click('text=Add camera');
  c.cameraId = (await p.textContent('#camera-id'))!;
  const token = (await p.textContent('#pairing-token'))!;
  const login = { cameraId: c.cameraId, token, broker: c.stack.brokerUrl, secret: bytesToHex(deriveCameraSecret(token, c.cameraId), 0, 32) };
  c.camera = startLiveCamera(await openSource('scene:busy'), login, { seconds: 120 });
  c.camera.done.catch(() => {});
  await waitFor(async () => {
    await p.goto(`${c.web.url}/cameras`);
    return /online/.test((await p.textContent('#cameras .last-seen')) ?? '');
  }, 20000, 'the camera online on the cameras page', 500);
  assert.match((await p.textContent('#cameras td[data-label=Device]'))!, /firmware 0\.1\.0 \(desktop\).*frames\/s · free heap 160 KB.*Wi-Fi -58 dBm \(good\)/);
  await shot(p, '20-cameras-status');
});

test('"Live view" on the camera page: the page shows the simulated camera\'s frames, and the access log lists it', async (c) => {
  const p = c.page;
  await p.goto(`${c.web.url}/cameras/${c.cameraId}`);
  const clicked = Date.now();
  await p.click('#live-start button');
  await p.waitForURL(`**/cameras/${c.cameraId}/live`);
  await p.waitForFunction("(document.getElementById('live-frame') || {}).naturalWidth > 0", undefined, { timeout: 20000 });
  console.log(`  first live frame on the page ${Date.now() - clicked} ms after the click (load ${loadavg()[0].toFixed(1)})`);
  const size = (await p.evaluate("[document.getElementById('live-frame').naturalWidth, document.getElementById('live-frame').naturalHeight]")) as number[];
  assert.ok(size[0] >= 160 && size[1] >= 120, `a frame of ${size} px is shown`);
  await p.waitForFunction(() => (globalThis as unknown as InPage).document.getElementById('live-state')?.getAttribute('data-frames') === 'yes', undefined, { timeout: 5000 });
  assert.match((await p.textContent('#live-state'))!, /^Live: \d+ s left$/);
  await shot(p, '21-live-view');
  await p.goto(`${c.web.url}/access-log`);
  assert.match((await p.textContent('main'))!, /live view/);
});

test('phone width and axe-core on the cameras list, the camera page and the live view', async (c) => {
  const p = await browser(c, 'lou-phone', 390, 844);
  const cookies = await c.contexts[0].cookies();
  await p.context().addCookies(cookies);
  for (const url of ['/cameras', `/cameras/${c.cameraId}`, `/cameras/${c.cameraId}/live`]) {
    await p.goto(`${c.web.url}${url}`);
    await assertNoSidewaysScroll(p);
    await assertAxeClean(p);
  }
  await shot(p, '22-live-view-phone');
});

test('removing the camera while its live view is open: the stream stops and the page says the live view has ended', async (c) => {
  const p = c.page;
  await p.goto(`${c.web.url}/cameras/${c.cameraId}/live`);
  await p.click('#live-start button'); // another minute
  await p.waitForURL(`**/cameras/${c.cameraId}/live`);
  await p.waitForFunction(() => (globalThis as unknown as InPage).document.getElementById('live-state')?.getAttribute('data-frames') === 'yes', undefined, { timeout: 20000 });
  const other = await c.contexts[0].newPage(); // the same owner in another tab
  await other.goto(`${c.web.url}/cameras/${c.cameraId}/remove`);
  await other.click('#confirm-remove');
  await other.waitForURL('**/cameras');
  const removed = Date.now();
  await p.waitForFunction(() => (globalThis as unknown as InPage).document.getElementById('live-state')?.getAttribute('data-ended') === 'removed', undefined, { timeout: 5000 });
  console.log(`  the live page said it ended ${Date.now() - removed} ms after the removal (load ${loadavg()[0].toFixed(1)})`);
  assert.is(await p.textContent('#live-state'), 'The live view has ended: this camera is no longer on your account.');
  assert.ok(await p.evaluate("document.getElementById('live-frame').hidden"), 'the picture is gone');
  assert.ok(await p.evaluate("document.getElementById('live-start').hidden"), 'no "start again" for a removed camera');
  assert.is(await p.getAttribute('#live-back', 'href'), '/cameras');
  assert.is(c.web.ports.cameraLink!.watchers(c.cameraId), 0, 'no stream left open');
  await shot(p, '23-live-view-removed');
});

test.run();
