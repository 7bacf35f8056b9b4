import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeBmp, decodeImage, decodePng, encodeGreyPng, encodeRgbPng, luma, readImage, writeGreyPng } from '../../sim/image-io.js';
import { rejects } from './assert-async.js';
import { makeBmp, makePalettePng, type Rgb } from './image-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'quietcam-image-io-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('luma uses the BT.601 integer weights and keeps grey exact', () => {
  assert.is(luma(255, 0, 0), 77);
  assert.is(luma(0, 255, 0), 149);
  assert.is(luma(0, 0, 255), 29);
  assert.is(luma(255, 255, 255), 255);
  for (const v of [0, 1, 50, 85, 128, 170, 254, 255]) assert.is(luma(v, v, v), v);
});

test('grey PNG round trip keeps every value', () => {
  const grey = Uint8Array.from([0, 50, 85, 170, 255, 1]);
  const img = decodePng(encodeGreyPng(grey, 3, 2));
  assert.is(img.width, 3);
  assert.is(img.height, 2);
  assert.equal(Array.from(img.grey), Array.from(grey));
  const png = PNG.sync.read(encodeGreyPng(grey, 3, 2));
  assert.is((png as unknown as { colorType: number }).colorType, 0, 'written as a greyscale PNG');
});

test('RGB PNG decodes to luma', () => {
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
  const img = decodeImage(encodeRgbPng(rgb, 2, 2), '.png');
  assert.equal(Array.from(img.grey), [77, 149, 29, luma(10, 20, 30)]);
  assert.throws(() => encodeRgbPng(rgb, 3, 2), /expected 18/);
});

test('an 8-bit palette PNG is decoded through its palette, not read as indices', () => {
  // Index order deliberately unlike the labels: index 0 is white, 3 is the 170 grey.
  const palette: Rgb[] = [[255, 255, 255], [0, 0, 0], [85, 85, 85], [170, 170, 170], [255, 0, 0]];
  const png = makePalettePng(5, 1, 8, palette, [0, 1, 2, 3, 4]);
  const img = decodePng(png);
  assert.equal(Array.from(img.grey), [255, 0, 85, 170, 77]);
});

test('a 1-bit palette PNG (as CDnet ground truth often is) decodes to 0/255', () => {
  const idx = [0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0]; // 11 pixels: the row does not fill whole bytes
  const img = decodePng(makePalettePng(11, 1, 1, [[0, 0, 0], [255, 255, 255]], idx));
  assert.equal(Array.from(img.grey), idx.map((i) => i * 255));
});

test('8-bit palette BMP, bottom-up, with row padding', () => {
  // 3 pixels wide: rows padded from 3 to 4 bytes.
  const palette: Rgb[] = [[0, 0, 0], [255, 255, 255], [170, 170, 170], [0, 0, 255]];
  const pixels = [0, 1, 2, 3, 2, 1];
  const img = decodeBmp(makeBmp({ width: 3, height: 2, bpp: 8, palette, pixels }));
  assert.equal([img.width, img.height], [3, 2]);
  assert.equal(Array.from(img.grey), [0, 255, 170, 29, 170, 255]);
});

test('1-bit and 4-bit palette BMPs unpack most significant bits first', () => {
  const one = [1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1]; // 10x2
  const img1 = decodeBmp(makeBmp({ width: 10, height: 2, bpp: 1, palette: [[0, 0, 0], [255, 255, 255]], pixels: one }));
  assert.equal(Array.from(img1.grey), one.map((v) => v * 255));
  const palette: Rgb[] = Array.from({ length: 16 }, (_, i) => [i * 17, i * 17, i * 17] as Rgb);
  const four = [15, 0, 7, 8, 1, 14, 3, 12, 5, 10];
  const img4 = decodeBmp(makeBmp({ width: 5, height: 2, bpp: 4, palette, pixels: four }));
  assert.equal(Array.from(img4.grey), four.map((v) => v * 17));
});

test('24-bit BMP bottom-up and top-down give the same image', () => {
  const pixels: Rgb[] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [9, 9, 9], [200, 100, 50], [1, 2, 3]];
  const want = pixels.map(([r, g, b]) => luma(r, g, b));
  const up = decodeBmp(makeBmp({ width: 2, height: 3, bpp: 24, pixels }));
  const down = decodeBmp(makeBmp({ width: 2, height: 3, bpp: 24, pixels, topDown: true }));
  assert.equal(Array.from(up.grey), want);
  assert.equal(Array.from(down.grey), want);
});

test('32-bit BMP ignores the reserved byte', () => {
  const pixels: Rgb[] = [[10, 20, 30], [255, 255, 255], [0, 0, 0]];
  const img = decodeBmp(makeBmp({ width: 3, height: 1, bpp: 32, pixels }));
  assert.equal(Array.from(img.grey), [luma(10, 20, 30), 255, 0]);
});

test('BMP errors are clear: signature, RLE, truncation, palette index', () => {
  assert.throws(() => decodeBmp(new Uint8Array(60)), /not a BMP/);
  const rle = makeBmp({ width: 2, height: 1, bpp: 8, palette: [[0, 0, 0]], pixels: [0, 0], compression: 1 });
  assert.throws(() => decodeBmp(rle), /compressed BMP/);
  const full = makeBmp({ width: 4, height: 4, bpp: 24, pixels: new Array(16).fill([1, 1, 1]) });
  assert.throws(() => decodeBmp(full.subarray(0, full.length - 10)), /truncated/);
  const bad = makeBmp({ width: 2, height: 1, bpp: 8, palette: [[0, 0, 0], [9, 9, 9]], pixels: [0, 5] });
  assert.throws(() => decodeBmp(bad), /palette index 5/);
});

test('JPEG decodes to luma (lossy: within a few levels)', () => {
  const w = 16, h = 16;
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([120, 120, 120, 255], i * 4);
  const jpg = jpeg.encode({ data, width: w, height: h }, 95).data;
  const img = decodeImage(jpg, '.jpg');
  assert.equal([img.width, img.height], [16, 16]);
  assert.ok(img.grey.every((v) => Math.abs(v - 120) <= 2), String(img.grey.slice(0, 8)));
});

test('readImage picks the decoder by extension and names the file in errors', async () => {
  const p = join(tmp, 'roi.bmp');
  writeFileSync(p, makeBmp({ width: 2, height: 2, bpp: 8, palette: [[0, 0, 0], [255, 255, 255]], pixels: [1, 0, 0, 1] }));
  const img = await readImage(p);
  assert.equal(Array.from(img.grey), [255, 0, 0, 255]);
  await rejects(() => readImage(join(tmp, 'x.gif')), /unsupported image type '.gif'/);
  const broken = join(tmp, 'broken.png');
  writeFileSync(broken, 'not a png');
  await rejects(() => readImage(broken), /broken\.png/);
});

test('writeGreyPng creates folders and reads back exactly', async () => {
  const p = join(tmp, 'a', 'b', 'mask.png');
  const grey = Uint8Array.from([0, 255, 255, 0, 128, 7]);
  await writeGreyPng(p, grey, 2, 3);
  const img = await readImage(p);
  assert.equal([img.width, img.height], [2, 3]);
  assert.equal(Array.from(img.grey), Array.from(grey));
});

test.run();
