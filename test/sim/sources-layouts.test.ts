import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGreyPng } from '../../sim/image-io.js';
import { findLayout } from '../../sim/sources/layout.js';
import { openSource } from '../../sim/sources/open.js';
import { evaluateSource } from '../../sim/eval/evaluate.js';
import { defaultMethods } from '../../sim/eval/methods.js';
import type { FrameSource, NativeFrame } from '../../sim/sources/types.js';
import { rejects } from './assert-async.js';

const W = 16;
const H = 12;
const tmp = mkdtempSync(join(tmpdir(), 'quietcam-layouts-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Frame k: grey 40 with a 4x4 block of 200 at x = k (moving right); its mask marks the block. */
function frame(k: number): Uint8Array {
  const g = new Uint8Array(W * H).fill(40);
  for (let y = 4; y < 8; y++) for (let x = k; x < k + 4 && x < W; x++) g[y * W + x] = 200;
  return g;
}
function mask(k: number): Uint8Array {
  return frame(k).map((v) => (v === 200 ? 255 : 0));
}
const png = (g: Uint8Array) => encodeGreyPng(g, W, H);

async function collect(src: FrameSource): Promise<NativeFrame[]> {
  const out: NativeFrame[] = [];
  for await (const f of src.frames()) out.push({ ...f, grey: f.grey.slice(), truth: f.truth && { motion: f.truth.motion?.slice(), sky: f.truth.sky } });
  return out;
}

test('UCSD: in/frame_N.jpg (1-based, unpadded) with gt####.png beside them; N pairs with N', async () => {
  const dir = join(tmp, 'ucsd');
  mkdirSync(join(dir, 'in'), { recursive: true });
  for (const n of [1, 2, 3, 10]) writeFileSync(join(dir, 'in', `frame_${n}.png`), png(frame(n)));
  for (const n of [2, 10]) writeFileSync(join(dir, 'in', `gt${String(n).padStart(4, '0')}.png`), png(mask(n)));
  const layout = await findLayout(dir);
  assert.is(layout.kind, 'ucsd');
  assert.equal(layout.inputs.map((e) => e.n), [1, 2, 3, 10]);
  const frames = await collect(await openSource(dir));
  assert.equal(frames.map((f) => f.index), [1, 2, 3, 10]);
  assert.equal(frames.map((f) => f.scored), [false, true, false, true]);
  assert.equal(Array.from(frames[1].truth!.motion!), Array.from(mask(2)));
  assert.equal(Array.from(frames[3].grey), Array.from(frame(10)));
});

test('UCSD: masks in a separate *_gt folder are found too', async () => {
  const dir = join(tmp, 'ucsd2');
  mkdirSync(join(dir, 'in'), { recursive: true });
  mkdirSync(join(dir, 'birds_gt'));
  for (const n of [1, 2]) writeFileSync(join(dir, 'in', `frame_${n}.png`), png(frame(n)));
  writeFileSync(join(dir, 'birds_gt', 'gt0001.png'), png(mask(1)));
  const frames = await collect(await openSource(dir));
  assert.equal(frames.map((f) => f.scored), [true, false]);
});

test('SBI: numbered frames in the folder, GT.png (a background image) skipped, masks in groundtruth/', async () => {
  const dir = join(tmp, 'Candela_m1.10');
  mkdirSync(join(dir, 'groundtruth'), { recursive: true });
  for (const n of [0, 1, 2]) writeFileSync(join(dir, `Candela_m1.10_${String(n).padStart(6, '0')}.png`), png(frame(n)));
  writeFileSync(join(dir, 'GT.png'), png(frame(20)));
  for (const n of [0, 2]) writeFileSync(join(dir, 'groundtruth', `gt${String(n).padStart(6, '0')}.png`), png(mask(n)));
  const layout = await findLayout(dir);
  assert.is(layout.kind, 'sbi');
  const frames = await collect(await openSource(dir));
  assert.equal(frames.map((f) => f.index), [0, 1, 2]);
  assert.equal(frames.map((f) => f.scored), [true, false, true]);
  assert.equal(Array.from(frames[2].truth!.motion!), Array.from(mask(2)));
});

function makeVideo(path: string, n: number): void {
  const raw = new Uint8Array(W * H * n);
  for (let k = 0; k < n; k++) raw.set(frame(k), k * W * H);
  writeFileSync(path + '.raw', raw);
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${W}x${H}`, '-r', '10', '-i', path + '.raw',
    '-c:v', 'ffv1', '-pix_fmt', 'gray', '-y', path]);
  rmSync(path + '.raw');
}

test('a video plus a folder of masks: a folder holding both, or --masks with --first-frame', async () => {
  const dir = join(tmp, 'vid');
  mkdirSync(join(dir, 'masks'), { recursive: true });
  makeVideo(join(dir, 'clip.mkv'), 5);
  for (const n of [1, 3]) writeFileSync(join(dir, 'masks', `m${n}.png`), png(mask(n)));
  const layout = await findLayout(dir);
  assert.is(layout.kind, 'video+masks');
  let frames = await collect(await openSource(dir));
  assert.is(frames.length, 5);
  assert.equal(frames.map((f) => f.scored), [false, true, false, true, false]);
  assert.equal(Array.from(frames[3].truth!.motion!), Array.from(mask(3)));
  // The same masks numbered from 1 for the video's frame 0.
  frames = await collect(await openSource(join(dir, 'clip.mkv'), { masks: join(dir, 'masks'), firstFrame: 1 }));
  assert.equal(frames.map((f) => f.scored), [true, false, true, false, false]);
  assert.equal(Array.from(frames[0].truth!.motion!), Array.from(mask(1)));
  await rejects(() => openSource(dir, { masks: join(dir, 'masks') }), /--masks is for a video/);
});

test('eval prints sky IoU when a sky mask is given, and static IoU from masks that stay', async () => {
  const dir = join(tmp, 'static');
  mkdirSync(join(dir, 'input'), { recursive: true });
  mkdirSync(join(dir, 'groundtruth'));
  // 80 frames: a block appears at frame 40 and stays (static after 25 scored frames).
  for (let n = 0; n < 80; n++) {
    const k = n < 40 ? -10 : 6;
    writeFileSync(join(dir, 'input', `in${n}.png`), png(n < 40 ? new Uint8Array(W * H).fill(40) : frame(k)));
    writeFileSync(join(dir, 'groundtruth', `gt${n}.png`), png(n < 40 ? new Uint8Array(W * H) : mask(k)));
  }
  const sky = new Uint8Array(W * H);
  for (let i = 0; i < W * 4; i++) sky[i] = 255;
  writeFileSync(join(tmp, 'sky.png'), png(sky));
  const src = await openSource(dir, { sky: join(tmp, 'sky.png') });
  const r = await evaluateSource(src, { width: 16, methods: defaultMethods() });
  const q = r.methods[0].score;
  assert.ok(q.sky, 'sky IoU is reported');
  assert.is(q.sky!.frames, 80);
  assert.ok(q.static && q.static.frames > 0, 'static IoU is reported over frames with GT-static');
  await rejects(() => openSource(dir, { sky: join(tmp, 'nope.png') }), /nope/);
});

test.run();
