/**
 * jpeg-dc.ts: the luma at 1/8 scale from the DC coefficients. The oracle is libjpeg-turbo itself,
 * `djpeg -scale 1/8 -grayscale`, byte for byte, over JPEGs from sharp, cjpeg, jpegtran and ffmpeg
 * (and frames of the shared footage). Whatever is unsupported or malformed gives null, never a
 * throw, and a non-null result from a damaged file is one djpeg -strict decodes identically.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type JpegOptions } from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jpegLumaDc, type DcLuma } from '../../src/relay/jpeg-dc.js';
import { greyPng } from '../../src/relay/png.js';
import { testJpeg } from './helpers/bundles.js';
import { Rng } from '../../sim/scenes/random.js';

const INSTALL = 'djpeg/jpegtran/cjpeg (the oracle) not found: apt-get install libjpeg-turbo-progs';
const FOOTAGE = '/work/shared/footage/vtest.avi';
const tmp = mkdtempSync(join(tmpdir(), 'jpeg-dc-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** Runs a tool with `input` on stdin; stdout, or null when it exits non-zero (warnings included). */
function run(cmd: string, args: string[], input?: Uint8Array): Buffer | null {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 28 });
  if (r.error) throw new Error(cmd === 'ffmpeg' ? `ffmpeg: ${r.error.message}` : `${INSTALL} (${r.error.message})`);
  return r.status === 0 ? r.stdout : null;
}

/** `djpeg -scale 1/8 -grayscale` (with -strict: warnings are errors), or null when it complains. */
function djpeg(jpeg: Uint8Array, strict = false): DcLuma | null {
  const out = run('djpeg', [...(strict ? ['-strict'] : []), '-scale', '1/8', '-grayscale', '-pnm'], jpeg);
  if (!out) return null;
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(out.subarray(0, 40).toString('latin1'));
  if (!m) throw new Error('djpeg: not a PGM');
  return { width: Number(m[1]), height: Number(m[2]), pixels: new Uint8Array(out.subarray(m[0].length)) };
}

const cjpeg = (ppm: Uint8Array, ...args: string[]) => new Uint8Array(run('cjpeg', args, ppm) ?? fail('cjpeg ' + args.join(' ')));
const jpegtran = (jpeg: Uint8Array, ...args: string[]) => new Uint8Array(run('jpegtran', args, jpeg) ?? fail('jpegtran ' + args.join(' ')));
function fail(what: string): never {
  throw new Error(`${what} failed`);
}

/** Ours and djpeg's must be the same bytes; returns ours. */
function same(name: string, jpeg: Uint8Array): DcLuma {
  const ref = djpeg(jpeg);
  assert.ok(ref, `${name}: djpeg decodes it without a warning`);
  const got = jpegLumaDc(jpeg);
  assert.ok(got, `${name}: decoded`);
  assert.equal([got.width, got.height], [ref.width, ref.height], `${name}: size`);
  const i = got.pixels.findIndex((v, k) => v !== ref.pixels[k]);
  assert.is(i, -1, `${name}: pixel ${i} is ${got.pixels[i]}, djpeg has ${ref.pixels[i]}`);
  return got;
}

/**
 * A picture with every kind of block: a smooth ramp (small coefficients), noise (large AC), and
 * black/white squares (DC jumps of the largest size), side by side.
 */
function texture(width: number, height: number, channels: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const px = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const zone = Math.floor((3 * x) / width);
      for (let c = 0; c < channels; c++) {
        const v = zone === 0 ? (x * 3 + y * 2 + c * 40) & 255 : zone === 1 ? rng.next() & 255 : ((x >> 3) ^ (y >> 3)) & 1 ? 255 : 0;
        px[(y * width + x) * channels + c] = v;
      }
    }
  }
  return px;
}

/** sharp's JPEG of raw pixels; one channel stays one component (b-w), three are YCbCr. */
async function sharpJpeg(px: Uint8Array, width: number, height: number, channels: 1 | 3, options: JpegOptions): Promise<Uint8Array> {
  const img = sharp(px, { raw: { width, height, channels } });
  return new Uint8Array(await (channels === 1 ? img.toColourspace('b-w') : img).jpeg(options).toBuffer());
}

function ppm(px: Uint8Array, width: number, height: number): Uint8Array {
  const head = Buffer.from(`P6\n${width} ${height}\n255\n`);
  return Buffer.concat([head, px]);
}

/** ffmpeg output on stdout, or null without ffmpeg. */
function ffmpeg(args: string[]): Uint8Array | null {
  if (spawnSync('ffmpeg', ['-version']).error) return null;
  return new Uint8Array(run('ffmpeg', ['-v', 'error', ...args, '-frames:v', '1', '-f', 'mjpeg', '-']) ?? fail('ffmpeg ' + args.join(' ')));
}

interface Segment {
  marker: number;
  at: number; // index of its FF
  end: number; // past its length (SOS: past the header; the entropy data follows)
}

/** The segments up to and including EOI (fill bytes none expected: these are encoder outputs). */
function segments(j: Uint8Array): Segment[] {
  const list: Segment[] = [];
  let p = 2;
  while (p + 1 < j.length) {
    const marker = j[p + 1];
    if (marker === 0xd9) return [...list, { marker, at: p, end: p + 2 }];
    const end = p + 2 + ((j[p + 2] << 8) | j[p + 3]);
    list.push({ marker, at: p, end });
    p = end;
    if (marker === 0xda) {
      while (p + 1 < j.length && !(j[p] === 0xff && j[p + 1] !== 0 && (j[p + 1] < 0xd0 || j[p + 1] > 0xd7))) p++;
    }
  }
  throw new Error('no EOI');
}

const only = (j: Uint8Array, marker: number) => segments(j).filter((s) => s.marker === marker);
const splice = (j: Uint8Array, at: number, remove: number, ...insert: Uint8Array[]) =>
  new Uint8Array(Buffer.concat([j.subarray(0, at), ...insert, j.subarray(at + remove)]));
const withByte = (j: Uint8Array, at: number, v: number) => splice(j, at, 1, Uint8Array.of(v));
/** Component ids of each scan. */
const scans = (j: Uint8Array) => only(j, 0xda).map((s) => Array.from({ length: j[s.at + 4] }, (_, i) => j[s.at + 5 + 2 * i]));
/** The entropy data of a one-scan file: from past the SOS header to EOI. */
function entropy(j: Uint8Array): [number, number] {
  const seg = segments(j);
  return [seg.find((s) => s.marker === 0xda)!.end, seg[seg.length - 1].at];
}
const app14 = (transform: number) => Uint8Array.of(0xff, 0xee, 0, 14, ...Buffer.from('Adobe'), 0, 100, 0, 0, 0, 0, transform);

test('djpeg, the oracle, is installed', () => {
  assert.ok(!spawnSync('djpeg', ['-version']).error, INSTALL);
  assert.ok(!spawnSync('cjpeg', ['-version']).error, INSTALL);
  assert.ok(!spawnSync('jpegtran', ['-version']).error, INSTALL);
});

test('a flat picture reads back as its grey level (Rec. 601 luma), at ceil(W/8) x ceil(H/8)', async () => {
  for (const [w, h, rgb, luma] of [[640, 480, [90, 90, 90], 90], [33, 17, [200, 40, 10], 84], [1, 1, [0, 0, 0], 0], [9, 16, [255, 255, 255], 255]] as const) {
    const px = new Uint8Array(w * h * 3).map((_, i) => rgb[i % 3]);
    const got = same(`${w}x${h}`, await sharpJpeg(px, w, h, 3, { quality: 90 }));
    assert.equal([got.width, got.height], [Math.ceil(w / 8), Math.ceil(h / 8)]);
    assert.ok(got.pixels.every((v) => Math.abs(v - luma) <= 2), `${w}x${h}: ${got.pixels[0]}, expected ~${luma}`);
  }
});

test('sharp: 4:2:0 and 4:4:4, qualities 10 to 100, sizes that are not multiples of 8 or 16', async () => {
  const sizes = [[641, 479], [640, 480], [33, 17], [17, 33], [16, 9], [8, 8], [1, 1]];
  for (const [w, h] of sizes) {
    const px = texture(w, h, 3, w * 1000 + h);
    for (const quality of [10, 50, 95, 100]) {
      for (const chromaSubsampling of ['4:2:0', '4:4:4']) {
        const got = same(`${w}x${h} q${quality} ${chromaSubsampling}`, await sharpJpeg(px, w, h, 3, { quality, chromaSubsampling }));
        assert.equal([got.width, got.height], [Math.ceil(w / 8), Math.ceil(h / 8)]);
      }
    }
  }
});

test('sharp: one-component (greyscale) JPEGs, plain and with restart intervals', async () => {
  for (const [w, h] of [[641, 479], [33, 17], [1, 1]]) {
    for (const quality of [10, 80, 100]) {
      const j = await sharpJpeg(texture(w, h, 1, 7), w, h, 1, { quality });
      assert.is(j[only(j, 0xc0)[0].at + 9], 1, 'one component');
      same(`grey ${w}x${h} q${quality}`, j);
      same(`grey ${w}x${h} q${quality} restart 2B`, jpegtran(j, '-restart', '2B'));
    }
  }
});

test('cjpeg: sampling 4:2:2, 4:1:1, 4:4:0, 4:2:0, 4:4:4; restart intervals; 16-bit DQT (SOF1)', () => {
  const [w, h] = [203, 157];
  const img = ppm(texture(w, h, 3, 3), w, h);
  for (const sample of ['2x1', '4x1', '1x2', '2x2', '1x1', '4x2', '2x2,1x1,2x1']) {
    same(`cjpeg -sample ${sample}`, cjpeg(img, '-sample', sample, '-quality', '85'));
    same(`cjpeg -sample ${sample} -restart 1`, cjpeg(img, '-sample', sample, '-restart', '1'));
    same(`cjpeg -sample ${sample} -restart 5B`, cjpeg(img, '-sample', sample, '-restart', '5B'));
  }
  same('cjpeg -grayscale', cjpeg(img, '-grayscale', '-restart', '3B'));
  const grey22 = cjpeg(img, '-grayscale', '-sample', '2x2');
  assert.is(grey22[only(grey22, 0xc0)[0].at + 11], 0x22, 'one component sampled 2x2 (a lone component is never interleaved)');
  same('cjpeg -grayscale -sample 2x2', grey22);
  const table = (dc: number) => [dc, ...Array.from({ length: 63 }, (_, i) => 1 + (i % 97) * 3)].join(' ') + '\n';
  writeFileSync(join(tmp, 'q.txt'), table(300) + table(700));
  const q16 = cjpeg(img, '-quality', '50', '-qtables', join(tmp, 'q.txt'));
  assert.is(q16[only(q16, 0xc1)[0].at + 1], 0xc1, 'SOF1');
  assert.ok(only(q16, 0xdb).some((d) => q16[d.at + 4] >> 4 === 1), '16-bit entries');
  same('cjpeg 16-bit DQT', q16);
});

test('jpegtran: restart every MCU and every 3 blocks', async () => {
  const files = [await testJpeg(320, 240), await sharpJpeg(texture(65, 33, 3, 5), 65, 33, 3, { quality: 90, chromaSubsampling: '4:4:4' })];
  for (const [i, j] of files.entries()) {
    for (const r of ['1', '3B', '1B', '100']) {
      const out = jpegtran(j, '-restart', r);
      assert.ok(only(out, 0xdd).length === 1, 'DRI written');
      assert.equal(same(`file ${i} -restart ${r}`, out), jpegLumaDc(j));
    }
  }
});

test('non-interleaved scans: the luma first, last, or after an interleaved chroma scan', async () => {
  const j = await sharpJpeg(texture(131, 67, 3, 9), 131, 67, 3, { quality: 75 });
  const full = same('interleaved', j);
  for (const [script, order] of [['0;1;2;', [[1], [2], [3]]], ['1;2;0;', [[2], [3], [1]]], ['1 2;0;', [[2, 3], [1]]], ['2;0 1;', [[3], [1, 2]]]] as const) {
    writeFileSync(join(tmp, 'scans.txt'), script.replaceAll(';', ';\n'));
    for (const restart of [[], ['-restart', '2B']]) {
      const out = jpegtran(j, '-scans', join(tmp, 'scans.txt'), ...restart);
      assert.equal(scans(out), order, `scan order of ${script}`);
      assert.equal(same(`scans ${script} ${restart.join(' ')}`, out), full);
    }
  }
});

test('ffmpeg MJPEG frames: 4:2:0, 4:2:2, odd sizes, and frames of the shared footage', () => {
  const lavfi = (size: string, ...more: string[]) => ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=${size}`, ...more]);
  const frames: [string, Uint8Array | null][] = [
    ['testsrc 320x240', lavfi('320x240')],
    ['testsrc 4:2:2', lavfi('320x240', '-pix_fmt', 'yuvj422p')],
    ['testsrc 321x239', lavfi('321x239')],
    ['testsrc q2', lavfi('160x120', '-q:v', '2')],
  ];
  assert.ok(frames[0][1], 'ffmpeg is installed');
  const sof = only(frames[1][1]!, 0xc0)[0].at;
  assert.equal([frames[1][1]![sof + 11], frames[1][1]![sof + 14]], [0x22, 0x12], '4:2:2 as ffmpeg writes it: luma 2x2, chroma 1x2');
  if (existsSync(FOOTAGE)) {
    for (const t of ['0', '20.5', '61']) frames.push([`vtest.avi at ${t} s`, ffmpeg(['-ss', t, '-i', FOOTAGE])]);
  }
  for (const [name, j] of frames) {
    const got = same(name, j!);
    assert.ok(new Set(got.pixels).size > 10, `${name}: has content`);
  }
});

test('a DC beyond the sample range wraps through libjpeg range limit, as djpeg does', async () => {
  const j = await sharpJpeg(texture(64, 32, 3, 2), 64, 32, 3, { quality: 100 });
  const dqt = only(j, 0xdb)[0];
  assert.is(j[dqt.at + 4], 0, 'table 0, 8-bit');
  for (const q of [255, 9, 0]) {
    const got = same(`DC quantiser ${q}`, withByte(j, dqt.at + 5, q));
    if (q === 255) assert.ok(got.pixels.some((v) => v > 0 && v < 255), 'wrapped values, not only clamped ones');
    if (q === 0) assert.ok(got.pixels.every((v) => v === 128));
  }
});

test('colour space: an Adobe marker with transform 1 is YCbCr; transform 0, RGB ids and CMYK give null', async () => {
  const j = await sharpJpeg(texture(48, 40, 3, 4), 48, 40, 3, { quality: 80 });
  assert.is(only(j, 0xe0).length, 0, 'sharp writes no JFIF marker');
  const noJfif = j;
  const jfif = Uint8Array.of(0xff, 0xe0, 0, 16, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0);
  assert.equal(same('JFIF', splice(j, 2, 0, jfif)), jpegLumaDc(j));
  assert.equal(same('Adobe transform 1', splice(noJfif, 2, 0, app14(1))), jpegLumaDc(j));
  assert.is(jpegLumaDc(splice(noJfif, 2, 0, app14(0))), null, 'Adobe transform 0: RGB');
  assert.is(jpegLumaDc(splice(j, 2, 0, jfif, app14(0))), null, 'Adobe transform 0, even beside JFIF');
  assert.ok(jpegLumaDc(splice(j, 2, 0, jfif, app14(2))), 'Adobe transform 2 beside JFIF: YCbCr');
  assert.is(jpegLumaDc(splice(noJfif, 2, 0, app14(2))), null, 'Adobe transform 2 with 3 components');
  const rgb = cjpeg(ppm(texture(48, 40, 3, 4), 48, 40), '-rgb');
  assert.ok(djpeg(rgb), 'cjpeg -rgb decodes in djpeg (through RGB -> grey)');
  assert.is(jpegLumaDc(rgb), null, 'cjpeg -rgb');
  const cmyk = new Uint8Array(await sharp(texture(16, 16, 3, 1), { raw: { width: 16, height: 16, channels: 3 } }).toColourspace('cmyk').jpeg().toBuffer());
  assert.is(cmyk[only(cmyk, 0xc0)[0].at + 9], 4, 'four components');
  assert.is(jpegLumaDc(cmyk), null, 'CMYK');
});

test('unsupported processes give null: progressive, arithmetic, 12-bit, lossless, luma smaller than chroma', async () => {
  const px = texture(64, 48, 3, 6);
  const j = await sharpJpeg(px, 64, 48, 3, { quality: 80 });
  assert.ok(jpegLumaDc(j), 'baseline decodes');
  assert.is(jpegLumaDc(await sharpJpeg(px, 64, 48, 3, { quality: 80, progressive: true })), null, 'sharp progressive');
  assert.is(jpegLumaDc(jpegtran(j, '-progressive')), null, 'jpegtran -progressive');
  assert.is(jpegLumaDc(cjpeg(ppm(px, 64, 48), '-arithmetic')), null, 'arithmetic');
  const sof = only(j, 0xc0)[0].at;
  assert.is(jpegLumaDc(withByte(j, sof + 4, 12)), null, '12-bit');
  for (const m of [0xc2, 0xc3, 0xc5, 0xc9, 0xcb]) assert.is(jpegLumaDc(withByte(j, sof + 1, m)), null, `SOF ${m.toString(16)}`);
  const small = cjpeg(ppm(px, 64, 48), '-sample', '1x1,2x2,1x1');
  assert.ok(djpeg(small), 'djpeg scales that luma up');
  assert.is(jpegLumaDc(small), null, 'luma sampled below chroma');
  const h2v1 = cjpeg(ppm(px, 64, 48), '-sample', '2x1');
  const sof2 = only(h2v1, 0xc0)[0].at;
  assert.equal([h2v1[sof2 + 11], h2v1[sof2 + 14]], [0x21, 0x11], 'sampling bytes where expected');
  assert.is(jpegLumaDc(withByte(withByte(h2v1, sof2 + 11, 0x31), sof2 + 14, 0x21)), null, 'fractional ratio (3:2)');
});

test('truncated anywhere: null, never a result different from the whole file', async () => {
  const j = await testJpeg(640, 480);
  const full = jpegLumaDc(j)!;
  const cuts = [...Array.from({ length: Math.floor(j.length / 97) }, (_, i) => i * 97), ...Array.from({ length: 16 }, (_, i) => j.length - 1 - i)];
  const eoi = Uint8Array.of(0xff, 0xd9);
  for (const cut of cuts) {
    for (const [name, cutJ] of [['cut', j.subarray(0, cut)], ['cut + EOI', splice(j.subarray(0, cut), cut, 0, eoi)]] as const) {
      const got = jpegLumaDc(cutJ);
      if (got) assert.equal(got, full, `${name} at ${cut}`);
      if (cut < j.length - 2) assert.is(got, null, `${name} at ${cut} of ${j.length}`);
    }
  }
  assert.equal(jpegLumaDc(splice(j, j.length, 0, Uint8Array.of(1, 2, 3, 0xff))), full, 'bytes after EOI are never read');
});

test('malformed: restart markers, stray bytes, tables missing or invalid, segments cut short', async () => {
  const base = await testJpeg(320, 240);
  const j = jpegtran(base, '-restart', '1B');
  const full = same('restart 1B', j);
  const [from, to] = entropy(j);
  const rst = [];
  for (let p = from; p < to; p++) if (j[p] === 0xff && j[p + 1] >= 0xd0 && j[p + 1] <= 0xd7) rst.push(p);
  assert.is(rst.length, 20 * 15 - 1, 'an RST between every two MCUs (16x16 pixels each)');
  assert.is(jpegLumaDc(withByte(j, rst[5] + 1, 0xd0 + ((j[rst[5] + 1] + 1) & 7))), null, 'RST out of sequence');
  assert.is(jpegLumaDc(splice(j, rst[9], 2)), null, 'RST missing');
  assert.is(jpegLumaDc(splice(j, rst[9], 0, Uint8Array.of(0xff, 0xd0 + ((j[rst[9] + 1] - 1) & 7)))), null, 'RST twice');
  assert.equal(same('fill bytes before an RST', splice(j, rst[3], 0, Uint8Array.of(0xff, 0xff))), full);
  assert.is(jpegLumaDc(splice(j, rst[3], 0, Uint8Array.of(0x55))), null, 'a byte before an RST');
  assert.is(jpegLumaDc(splice(j, to, 0, Uint8Array.of(0x12))), null, 'a byte before EOI');
  // (djpeg -strict accepts that one: libjpeg's bit reader swallows bytes before a marker unseen)
  assert.is(jpegLumaDc(splice(j, to, 0, Uint8Array.of(0xff, 0xd5))), null, 'an RST after the last MCU');
  assert.equal(same('fill bytes before EOI and between segments', splice(splice(j, to, 0, Uint8Array.of(0xff, 0xff)), 2, 0, Uint8Array.of(0xff))), full);
  const noDht = only(base, 0xc4).reverse().reduce((acc, s) => splice(acc, s.at, s.end - s.at), base);
  assert.is(jpegLumaDc(noDht), null, 'no DHT');
  const noDqt = only(base, 0xdb).reverse().reduce((acc, s) => splice(acc, s.at, s.end - s.at), base);
  assert.is(jpegLumaDc(noDqt), null, 'no DQT');
  const dht = only(base, 0xc4)[0];
  const overfull = withByte(withByte(base, dht.at + 5, 2), dht.at + 6, 1); // two 1-bit codes and more
  assert.is(djpeg(overfull), null, '(djpeg refuses an over-full table)');
  assert.is(jpegLumaDc(overfull), null, 'over-full Huffman table');
  assert.is(jpegLumaDc(withByte(base, dht.at + 3, base[dht.at + 3] + 1)), null, 'DHT length one too long');
  const sos = only(base, 0xda)[0];
  assert.is(jpegLumaDc(withByte(base, sos.at + 6, 0x22)), null, 'scan uses an undefined table');
  assert.is(jpegLumaDc(withByte(base, sos.end - 2, 62)), null, 'Se not 63');
  const sof = only(base, 0xc0)[0];
  const withHeight = (h: number) => withByte(withByte(base, sof.at + 5, h >> 8), sof.at + 6, h & 255);
  assert.is(withHeight(240).join(), base.join(), 'the height is where it was looked for');
  assert.is(jpegLumaDc(withHeight(0)), null, 'height 0 (DNL)');
  assert.is(jpegLumaDc(withHeight(241)), null, 'taller than the data');
  assert.is(jpegLumaDc(withHeight(224)), null, 'shorter than the data');
  assert.is(jpegLumaDc(splice(base, sof.at, 0, base.subarray(sof.at, sof.end))), null, 'two SOFs');
  assert.is(jpegLumaDc(splice(base, 2, 0, Uint8Array.of(0xff, 0xfe, 0xff, 0xff))), null, 'COM longer than the file');
  assert.is(jpegLumaDc(splice(base, 2, 0, Uint8Array.of(0xff, 0xfe, 0, 40))), null, 'a length that does not end on a marker');
  assert.equal(same('COM and APP segments', splice(base, 2, 0, Uint8Array.of(0xff, 0xfe, 0, 3, 0x41, 0xff, 0xe5, 0, 2))), jpegLumaDc(base));
});

test('random byte flips in the entropy data: never throws; a result is one djpeg -strict agrees with', async () => {
  const files = [await testJpeg(320, 240), jpegtran(await testJpeg(320, 240), '-restart', '2'), await sharpJpeg(texture(90, 70, 1, 8), 90, 70, 1, { quality: 60 })];
  const rng = new Rng(12345);
  let decoded = 0;
  let trials = 0;
  for (const j of files) {
    const [from, to] = entropy(j);
    for (let t = 0; t < 200; t++, trials++) {
      let bad = j;
      for (let k = 1 + (rng.next() % 3); k > 0; k--) {
        const at = from + (rng.next() % (to - from));
        bad = withByte(bad, at, bad[at] ^ (1 << rng.next() % 8));
      }
      const got = jpegLumaDc(bad);
      if (!got) continue;
      decoded++;
      const ref = djpeg(bad, true);
      assert.ok(ref, `flip trial ${t}: decoded, but djpeg -strict complains`);
      assert.equal(got, ref, `flip trial ${t}`);
    }
  }
  console.log(`byte flips: ${decoded} of ${trials} damaged files decoded (each identical to djpeg -strict)`);
  assert.ok(decoded > 0 && decoded < trials * 0.75, `${decoded} of ${trials} damaged files decoded`);
});

test('random byte flips anywhere in a small file: never throws; a result is one djpeg -strict agrees with', async () => {
  const j = await sharpJpeg(texture(40, 24, 3, 11), 40, 24, 3, { quality: 70 });
  const rng = new Rng(777);
  for (let t = 0; t < 300; t++) {
    const at = rng.next() % j.length;
    const bad = withByte(j, at, rng.next() & 255);
    const got = jpegLumaDc(bad);
    if (got) assert.equal(got, djpeg(bad, true), `byte ${at} set to ${bad[at]}`);
  }
});

test('not JPEG at all: empty, SOI alone, SOI EOI, garbage, a PNG', () => {
  const rng = new Rng(99);
  assert.is(jpegLumaDc(new Uint8Array(0)), null);
  assert.is(jpegLumaDc(Uint8Array.of(0xff, 0xd8)), null);
  assert.is(jpegLumaDc(Uint8Array.of(0xff, 0xd8, 0xff, 0xd9)), null);
  for (let t = 0; t < 200; t++) {
    const junk = Uint8Array.from({ length: rng.next() % 3000 }, () => rng.next() & 255);
    assert.is(jpegLumaDc(junk), null);
    if (junk.length > 2) junk.set([0xff, 0xd8]);
    assert.is(jpegLumaDc(junk), null);
  }
  assert.is(jpegLumaDc(greyPng(new Uint8Array(64 * 48), 64, 48)), null);
});

test('cost per 640x480 camera frame: this reader against sharp (printed)', async () => {
  const j = await testJpeg(640, 480);
  const perCall: number[] = [];
  for (let i = 0; i < 200; i++) jpegLumaDc(j); // warm up (JIT)
  for (let batch = 0; batch < 20; batch++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < 50; i++) jpegLumaDc(j);
    const t = process.cpuUsage(t0);
    perCall.push((t.user + t.system) / 1000 / 50);
  }
  perCall.sort((a, b) => a - b);
  const ours = perCall[perCall.length >> 1];
  const viaSharp = () => sharp(j, { failOn: 'error' }).resize(80, 60, { fit: 'fill' }).raw().toBuffer();
  for (let i = 0; i < 10; i++) await viaSharp();
  const n = 100;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await viaSharp();
  const c = process.cpuUsage(c0);
  const theirs = (c.user + c.system) / 1000 / n;
  console.log(`jpeg-dc: ${ours.toFixed(2)} ms of CPU per ${j.length}-byte 640x480 JPEG (median of 20x50); sharp resize to 80x60: ${theirs.toFixed(2)} ms (mean of ${n})`);
  assert.ok(ours < theirs, 'cheaper than sharp');
});

test.run();
