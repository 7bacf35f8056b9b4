/** The pure parts of the stages: consent rules, keys, masks, boxes, background, JPEG header, backoff. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backgroundPixels } from '../../src/relay/background.js';
import { purposesInForce, seedToRecord } from '../../src/relay/consent.js';
import { jpegSize } from '../../src/relay/jpeg-size.js';
import { boxToPixels, motionFreeMask, renderBoxes, renderMask, BOX_LINE, MOTION_CELL } from '../../src/relay/masks.js';
import { keyPrefix, objectTags } from '../../src/relay/s3-keys.js';
import { backoffMs } from '../../src/relay/upload.js';
import type { CameraRecord } from '../../src/relay/types.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';

const DAY = 86400000;
const T = Date.UTC(2026, 0, 1); // a synced clock: before 2020 the shared rule says 'clock-unsynced'
const cam = (purposes: number, grantedMs = T, expiresMs = T + 365 * DAY): CameraRecord =>
  ({ cameraId: 'porch', ownerId: 'alice', placement: 'exterior', consent: { purposes, version: 7, grantedMs, expiresMs } });

test('consent: only purposes both asked for and granted, while in force', () => {
  assert.equal(purposesInForce(cam(3), 3, T + DAY), { ok: true, purposes: 3, consentVersion: 7 });
  assert.equal(purposesInForce(cam(1), 3, T + DAY), { ok: true, purposes: 1, consentVersion: 7 });
  assert.is((purposesInForce(cam(2), 1, T + DAY) as { reason: string }).reason, 'no-consent');
  assert.is((purposesInForce(cam(3), 0, T + DAY) as { reason: string }).reason, 'no-consent');
  assert.is((purposesInForce(cam(3), 3, T + 365 * DAY) as { reason: string }).reason, 'consent-expired');
  assert.is((purposesInForce(cam(3, T + 2 * DAY), 3, T + DAY) as { reason: string }).reason, 'no-consent');
  assert.is((purposesInForce({ ...cam(3), consent: null }, 3, T + DAY) as { reason: string }).reason, 'no-consent');
  assert.is((purposesInForce(null, 3, T + DAY) as { reason: string }).reason, 'unknown-camera');
  assert.is((purposesInForce({ ...cam(3), placement: 'interior' }, 3, T + DAY) as { reason: string }).reason, 'no-consent', 'interior, unconfirmed');
  assert.equal(purposesInForce({ ...cam(3), placement: 'interior', interiorConfirmed: true }, 3, T + DAY), { ok: true, purposes: 3, consentVersion: 7 });
});

test('consent seed: a year from the grant unless stated; no consent block, no consent', () => {
  const r = seedToRecord({ id: 'porch', owner: 'alice', consent: { purposes: ['objectron'], version: 2, granted: '2026-01-01T00:00:00Z' } }, 0);
  assert.equal(r.consent, { purposes: 2, version: 2, grantedMs: Date.UTC(2026, 0, 1), expiresMs: Date.UTC(2027, 0, 1) });
  assert.is(r.placement, 'interior', 'no placement = interior (the shared rule)');
  assert.is(seedToRecord({ id: 'hall', owner: 'alice', placement: 'interior' }, 0).consent, null);
});

test('keys: contributions/<owner>/<camera>/<yyyy>/<mm>/<dd>/<bundle>/ in UTC; tags', () => {
  assert.is(keyPrefix('alice', 'porch', Date.UTC(2026, 4, 1, 23, 59), 'b-1'), 'contributions/alice/porch/2026/05/01/b-1/');
  assert.equal(objectTags(1), { purpose: 'motion' });
  assert.equal(objectTags(2), { purpose: 'objectron' });
  assert.equal(objectTags(3), { purpose: 'motion+objectron' });
});

test('renderMask: cells map onto raw pixels, partial edge cells included', () => {
  // 10x6 working grid, 4-px cells: 3x2 cells, the last column and row partial
  const grid = { width: 10, height: 6, cellSize: 4, cols: 3 };
  const mask = Uint8Array.from([0, 0, 1, 1, 0, 0]); // cell (2,0) and (0,1)
  const out = renderMask(mask, grid, 20, 12); // 2x scale
  const at = (x: number, y: number) => out[y * 20 + x];
  assert.is(at(16, 0), 255); // working x 8 -> cell 2
  assert.is(at(15, 0), 0); // working x 7 -> cell 1
  assert.is(at(19, 7), 255); // still cell row 0 (working y 3)
  assert.is(at(19, 8), 0); // cell (2,1)
  assert.is(at(0, 8), 255); // working y 4 -> cell row 1
  assert.is(at(7, 11), 255);
  assert.is(at(8, 11), 0);
  let on = 0;
  for (const v of out) if (v) on++;
  assert.is(on, 4 * 8 + 8 * 4, 'cell (2,0): 4 px wide x 8 tall; cell (0,1): 8 x 4');
});

test('boxes: in raw pixels, inclusive, outlined over dimmer motion cells', async () => {
  const b = makeBundle({ cameraId: 'porch', bundleId: 'b1', jpeg: await testJpeg(), box: [8, 6, 11, 10] });
  assert.equal(boxToPixels(b, 0, 320, 240), { x0: 128, y0: 96, x1: 191, y1: 175 });
  const img = renderBoxes(b, 320, 240);
  assert.is(img[96 * 320 + 128], BOX_LINE);
  assert.is(img[175 * 320 + 191], BOX_LINE);
  assert.is(img[130 * 320 + 160], MOTION_CELL);
  assert.is(img[10 * 320 + 10], 0);
});

test('motion-free mask keeps one cell of margin around motion and static cells', async () => {
  const b = makeBundle({ cameraId: 'porch', bundleId: 'b1', jpeg: await testJpeg(), box: [8, 6, 11, 10] });
  const free = motionFreeMask(b, 80, 60); // 1 px per working pixel
  assert.is(free[8 * 4 * 80 + 9 * 4], 0); // inside the box
  assert.is(free[5 * 4 * 80 + 7 * 4], 0); // diagonal neighbour cell
  assert.is(free[4 * 4 * 80 + 6 * 4], 1); // two cells away
  assert.is(free[59 * 80 + 79], 1);
});

test('background: the device estimate averaged with the raw view where motion-free; the view alone without one', () => {
  const device = { width: 2, height: 1, pixels: Uint8Array.from([100, 100]) };
  const view = Uint8Array.from([200, 0]);
  const r1 = backgroundPixels(device, view, Uint8Array.from([1, 0]));
  assert.equal([...r1.pixels], [150, 100]);
  assert.is(r1.source, 'device+view');
  assert.is(r1.refined, 0.5);
  const r2 = backgroundPixels(device, view, Uint8Array.from([0, 0]));
  assert.equal([...r2.pixels], [100, 100]);
  assert.is(r2.source, 'device');
  const r3 = backgroundPixels({ width: 0, height: 0, pixels: new Uint8Array(0) }, view, Uint8Array.from([1, 1]));
  assert.equal([...r3.pixels], [200, 0]);
  assert.is(r3.source, 'view');
});

test('jpegSize reads the SOF header; garbage and truncation give null', async () => {
  const j = await testJpeg(320, 240);
  assert.equal(jpegSize(j), { width: 320, height: 240 });
  assert.is(jpegSize(j.subarray(0, 20)), null);
  assert.is(jpegSize(Uint8Array.from([1, 2, 3, 4, 5])), null);
  assert.is(jpegSize(new Uint8Array(0)), null);
});

test('backoff doubles from the base, capped, with 50-100% jitter', () => {
  assert.is(backoffMs(1, 500, 30000, () => 1), 500);
  assert.is(backoffMs(3, 500, 30000, () => 1), 2000);
  assert.is(backoffMs(20, 500, 30000, () => 1), 30000);
  assert.is(backoffMs(3, 500, 30000, () => 0), 1000);
});

test.run();
