/**
 * background-jpeg.ts: image 5 written from the low-res background in the DCT domain. Decoded by
 * libvips (sharp, failing on libjpeg warnings), it must be the bilinear upscale (upscaleBilinear)
 * as closely as sharp's own JPEG of that upscale is, at every size and factor tried.
 */
import sharp from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quantTable, upscaledGreyJpeg } from '../../src/relay/background-jpeg.js';
import { gaussianBlur, upscaleBilinear } from '../../src/relay/background.js';
import { Rng } from '../../sim/scenes/random.js';


function noiseImage(w: number, h: number, seed: number, sigma: number): Uint8Array {
  const r = new Rng(seed); // the same pictures on every run
  const px = Uint8Array.from({ length: w * h }, () => r.int(256));
  return sigma > 0 ? gaussianBlur(px, w, h, sigma) : px;
}

async function decodeGrey(jpeg: Uint8Array): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  const m = await sharp(jpeg).metadata();
  assert.is(m.format, 'jpeg');
  assert.is(m.channels, 1, 'single channel');
  assert.is(m.isProgressive, false, 'baseline');
  const { data, info } = await sharp(jpeg, { failOn: 'warning' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: new Uint8Array(data) };
}

function difference(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / a.length };
}

const cases: [number, number, number, number, number][] = [
  // w, h, W, H, blur sigma of the low-res picture
  [80, 60, 640, 480, 1.2], // the boards' default: factor 8 (its own path)
  [80, 60, 640, 480, 0], // unblurred noise: the worst case for both encoders
  [80, 60, 320, 240, 1.2], // factor 4
  [80, 60, 1280, 960, 1.2], // factor 16
  [33, 17, 99, 51, 1], // factor 3, partial blocks on both edges
  [40, 30, 280, 150, 1], // factors 7 and 5
  [5, 3, 40, 24, 0], // tiny, factor 8: every block touches an edge
  [64, 48, 64, 48, 1], // factor 1: a plain JPEG of the picture
];

for (const [w, h, W, H, sigma] of cases) {
  test(`${w}x${h} -> ${W}x${H} (blur ${sigma}) decodes to the bilinear upscale as closely as sharp's own JPEG of it`, async () => {
    const low = noiseImage(w, h, w * 1000 + W, sigma);
    const jpeg = upscaledGreyJpeg(low, w, h, W, H, 80);
    assert.ok(jpeg, 'encoded');
    const ours = await decodeGrey(jpeg!);
    assert.equal([ours.width, ours.height], [W, H]);
    const ideal = upscaleBilinear(low, w, h, W, H);
    const theirs = await decodeGrey(new Uint8Array(await sharp(ideal, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').jpeg({ quality: 80 }).toBuffer()));
    const d = difference(ours.pixels, ideal);
    const ref = difference(theirs.pixels, ideal);
    assert.ok(d.max <= ref.max + 2, `max error ${d.max}, sharp's ${ref.max}`);
    assert.ok(d.mean <= ref.mean * 1.1 + 0.05, `mean error ${d.mean.toFixed(3)}, sharp's ${ref.mean.toFixed(3)}`);
  });
}

test('the factor-8 path gives the same picture as the general one (coefficients may differ by a rounding)', async () => {
  for (const [w, h, sigma] of [[80, 60, 1.2], [80, 60, 0], [7, 5, 0.5]] as const) {
    const low = noiseImage(w, h, 7 + w, sigma);
    const fast = upscaledGreyJpeg(low, w, h, 8 * w, 8 * h, 75)!;
    const general = upscaledGreyJpeg(low, w, h, 8 * w, 8 * h, 75, { general: true })!;
    assert.ok(Math.abs(fast.length - general.length) <= Math.max(2, general.length / 1000), `${w}x${h}: ${fast.length} vs ${general.length} bytes`);
    const d = difference((await decodeGrey(fast)).pixels, (await decodeGrey(general)).pixels);
    assert.ok(d.max <= 2 && d.mean < 0.01, `${w}x${h}: max ${d.max}, mean ${d.mean}`);
  }
});

test('flat pictures are flat, at the level given, and tiny', async () => {
  for (const level of [0, 1, 127, 128, 254, 255]) {
    const jpeg = upscaledGreyJpeg(new Uint8Array(80 * 60).fill(level), 80, 60, 640, 480, 90)!;
    const { pixels } = await decodeGrey(jpeg);
    assert.ok(pixels.every((p) => Math.abs(p - level) <= 1), `level ${level}`);
    assert.ok(jpeg.length < 4500, `${jpeg.length} bytes for a flat picture (6 bits a block)`);
  }
});

test('quality: the standard table at 50, all ones at 100, and lower quality means a smaller file', () => {
  assert.equal(Array.from(quantTable(50).subarray(0, 8)), [16, 11, 10, 16, 24, 40, 51, 61]);
  assert.ok(quantTable(100).every((q) => q === 1));
  assert.ok(quantTable(1).every((q) => q >= 1 && q <= 255));
  const low = noiseImage(80, 60, 3, 1.2);
  const sizes = [20, 50, 80, 95].map((q) => upscaledGreyJpeg(low, 80, 60, 640, 480, q)!.length);
  for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] > sizes[i - 1], `sizes by quality ${sizes.join(', ')}`);
});

test('sizes that are not whole multiples are refused (the caller takes the sharp path)', () => {
  const low = new Uint8Array(80 * 60);
  assert.is(upscaledGreyJpeg(low, 80, 60, 800, 601, 80), null);
  assert.is(upscaledGreyJpeg(low, 80, 60, 100, 60, 80), null);
  assert.is(upscaledGreyJpeg(low, 0, 60, 640, 480, 80), null);
  assert.is(upscaledGreyJpeg(new Uint8Array(10), 80, 60, 640, 480, 80), null, 'too few pixels');
});

test.run();
