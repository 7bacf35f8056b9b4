/**
 * png.ts: the drawings' PNG encoder. Decoded by two independent readers (libvips via sharp, and
 * pngjs), every pixel must come back, single-channel 8-bit, at the size given.
 */
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { inflateSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateScanlines, greyPng } from '../../src/relay/png.js';
import { renderBoxes, renderMask } from '../../src/relay/masks.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';

async function viaSharp(png: Uint8Array): Promise<{ width: number; height: number; channels: number; space: string; depth: string; pixels: Uint8Array }> {
  const m = await sharp(png).metadata();
  // sharp's raw output is sRGB unless asked to stay b-w
  const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  assert.is(info.channels, 1);
  return { width: m.width!, height: m.height!, channels: m.channels!, space: m.space!, depth: m.depth!, pixels: new Uint8Array(data) };
}

function viaPngjs(png: Uint8Array): { width: number; height: number; grey: Uint8Array; colorType: number; depth: number } {
  const p = PNG.sync.read(Buffer.from(png));
  const grey = new Uint8Array(p.width * p.height);
  for (let i = 0; i < grey.length; i++) {
    assert.ok(p.data[4 * i] === p.data[4 * i + 1] && p.data[4 * i] === p.data[4 * i + 2] && p.data[4 * i + 3] === 255, 'grey, opaque');
    grey[i] = p.data[4 * i];
  }
  const meta = p as unknown as { colorType: number; depth: number };
  return { width: p.width, height: p.height, grey, colorType: meta.colorType, depth: meta.depth };
}

async function roundTrip(pixels: Uint8Array, w: number, h: number): Promise<void> {
  const png = greyPng(pixels, w, h);
  const s = await viaSharp(png);
  assert.equal([s.width, s.height, s.channels, s.space, s.depth], [w, h, 1, 'b-w', 'uchar']);
  assert.ok(Buffer.from(s.pixels).equals(Buffer.from(pixels.subarray(0, w * h))), `sharp: every pixel of ${w}x${h}`);
  const j = viaPngjs(png);
  assert.equal([j.width, j.height, j.colorType, j.depth], [w, h, 0, 8]);
  assert.ok(Buffer.from(j.grey).equals(Buffer.from(pixels.subarray(0, w * h))), `pngjs: every pixel of ${w}x${h}`);
}

test('the three drawings of a bundle decode to exactly what was drawn, 8-bit, one channel', async () => {
  const b = makeBundle({ cameraId: 'porch', bundleId: 'b1', jpeg: await testJpeg(), box: [3, 2, 17, 13] });
  for (const [W, H] of [[640, 480], [320, 240], [642, 481], [1600, 1200]]) {
    await roundTrip(renderMask(b.sky, b, W, H), W, H);
    await roundTrip(renderMask(b.staticMask, b, W, H), W, H);
    await roundTrip(renderBoxes(b, W, H), W, H);
  }
});

test('any pixels survive: noise, a gradient, one pixel, a single column, repeated noisy rows', async () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
  const noise = Uint8Array.from({ length: 97 * 61 }, rnd);
  await roundTrip(noise, 97, 61);
  const rows = new Uint8Array(97 * 61);
  for (let y = 0; y < 61; y++) rows.set(noise.subarray((y >> 3) * 97, (y >> 3) * 97 + 97), y * 97); // 8 rows each
  await roundTrip(rows, 97, 61);
  const wide = new Uint8Array(700 * 5);
  for (let y = 0; y < 5; y++) for (let x = 0; x < 700; x++) wide[y * 700 + x] = x < 300 ? 0 : x < 301 ? 9 : 255; // runs > 258, repeated rows > 258 bytes
  await roundTrip(wide, 700, 5);
  const ramp = Uint8Array.from({ length: 256 * 3 }, (_, i) => i & 255);
  await roundTrip(ramp, 256, 3);
  await roundTrip(Uint8Array.from([200]), 1, 1);
  await roundTrip(Uint8Array.from([0, 0, 9, 9, 9, 255]), 1, 6);
  // rows that repeat their predecessor except in one pixel are not treated as repeats
  const nearly = new Uint8Array(50 * 4).fill(40);
  nearly[2 * 50 + 49] = 41;
  await roundTrip(nearly, 50, 4);
});

test('the zlib stream inflates (checksum verified by zlib) to the unfiltered scanlines; flat masks stay small', async () => {
  const b = makeBundle({ cameraId: 'porch', bundleId: 'b1', jpeg: await testJpeg(), box: [1, 1, 18, 13] });
  for (const img of [renderMask(b.sky, b, 640, 480), renderMask(b.staticMask, b, 640, 480), renderBoxes(b, 640, 480)]) {
    const lines = new Uint8Array(641 * 480);
    for (let y = 0; y < 480; y++) lines.set(img.subarray(y * 640, y * 640 + 640), y * 641 + 1);
    assert.ok(Buffer.from(inflateSync(deflateScanlines(img, 640, 480))).equals(Buffer.from(lines)));
    const png = greyPng(img, 640, 480);
    assert.ok(png.length < 6000, `${png.length} bytes`);
    // the same stream inside IDAT (after signature 8 + IHDR 25 + IDAT length and type 8)
    const idatLength = new DataView(png.buffer, png.byteOffset).getUint32(33);
    assert.ok(Buffer.from(inflateSync(png.subarray(41, 41 + idatLength))).equals(Buffer.from(lines)));
  }
});

test('wrong sizes are refused', () => {
  assert.throws(() => greyPng(new Uint8Array(10), 4, 3), /greyPng/);
  assert.throws(() => greyPng(new Uint8Array(0), 0, 0), /greyPng/);
});

test.run();
