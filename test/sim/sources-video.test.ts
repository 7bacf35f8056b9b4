import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_HINT, chooseRate, openVideo, parseRate } from '../../sim/sources/video.js';
import { rejects } from './assert-async.js';

const tmp = mkdtempSync(join(tmpdir(), 'quietcam-video-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** A lossless clip of ffmpeg's test pattern (moving counter and gradient): every frame differs. */
function makeClip(name: string, size: string, rate: number, frames: number): string {
  const p = join(tmp, name);
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${rate}`, '-frames:v', String(frames), '-c:v', 'ffv1', '-y', p]);
  return p;
}

/** ffmpeg processes whose parent is this test process. */
function childFfmpegs(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /ffmpeg/.test(l));
  } catch {
    return []; // ps exits 1 when there are no children
  }
}

test('parseRate reads ffprobe rates', () => {
  assert.is(parseRate('10/1'), 10);
  assert.ok(Math.abs(parseRate('30000/1001')! - 29.97) < 0.01);
  assert.is(parseRate('0/0'), undefined);
  assert.is(parseRate(undefined), undefined);
  assert.is(chooseRate(15, 15), 15);
  assert.is(chooseRate(1000, 5), 5, 'a container time base is not a frame rate');
  assert.is(chooseRate(undefined, 5), 5);
  assert.is(chooseRate(30, undefined), 30);
});

test('a short testsrc clip reads back: size, rate, count, indexes, times, bytes', async () => {
  const clip = makeClip('clip.mkv', '64x48', 10, 7);
  const src = await openVideo(clip);
  assert.equal([src.name, src.width, src.height, src.fps, src.hasTruth], ['clip.mkv', 64, 48, 10, false]);
  const frames = [];
  for await (const f of src.frames()) frames.push(f);
  assert.is(frames.length, 7);
  assert.equal(frames.map((f) => f.index), [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(frames.map((f) => f.timeMs), [0, 100, 200, 300, 400, 500, 600]);
  assert.ok(frames.every((f) => f.scored && f.truth === undefined && f.grey.length === 64 * 48));
  assert.is(frames[3].name, 'frame000003');
  // Exactly ffmpeg's own grey output, frame by frame (each frame in its own buffer).
  const raw = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', clip, '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
  assert.is(raw.length, 7 * 64 * 48);
  frames.forEach((f, i) => assert.ok(Buffer.from(f.grey).equals(raw.subarray(i * 3072, (i + 1) * 3072)), `frame ${i}`));
  assert.not.equal(Array.from(frames[0].grey), Array.from(frames[1].grey));
});

test('scaleWidth lets ffmpeg reduce to the EVAL grid size; fps can be overridden', async () => {
  const clip = makeClip('scale.mkv', '64x48', 10, 3);
  const src = await openVideo(clip, { scaleWidth: 16, fps: 4 });
  assert.equal([src.width, src.height, src.fps], [16, 12, 4]);
  let n = 0;
  for await (const f of src.frames()) {
    assert.is(f.grey.length, 16 * 12);
    assert.is(f.timeMs, n * 250);
    n++;
  }
  assert.is(n, 3);
});

test('stopping early kills ffmpeg', async () => {
  const clip = makeClip('long.mkv', '320x240', 25, 300); // ~23 MB of grey: more than a pipe holds
  const src = await openVideo(clip);
  let n = 0;
  for await (const f of src.frames()) {
    assert.is(f.index, n);
    if (++n === 2) break;
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(childFfmpegs(), [], 'no ffmpeg left running');
});

test('missing ffmpeg/ffprobe: the error gives the install command', async () => {
  const clip = makeClip('tiny.mkv', '32x24', 5, 2);
  const e = await rejects(() => openVideo(clip, { ffprobe: '/nonexistent/ffprobe' }), /ffprobe is not installed/);
  assert.ok(e.message.includes('sudo apt-get install -y ffmpeg'), e.message);
  assert.is(INSTALL_HINT, 'sudo apt-get install -y ffmpeg');
  const src = await openVideo(clip, { ffmpeg: '/nonexistent/ffmpeg' });
  await rejects(async () => {
    for await (const _ of src.frames());
  }, /ffmpeg is not installed.*sudo apt-get install -y ffmpeg/);
});

test('clear errors for a missing file and for a file that is not a video', async () => {
  await rejects(() => openVideo(join(tmp, 'nope.avi')), /no such video file/);
  const txt = join(tmp, 'notes.avi');
  writeFileSync(txt, 'hello, not a video');
  await rejects(() => openVideo(txt), /notes\.avi: ffprobe cannot read it as a video/);
});

const TREE = new URL('../../../shared/footage/tree.avi', import.meta.url).pathname;

test('real footage: tree.avi gives ~449 constant-rate frames at ~15 fps', async () => {
  if (!existsSync(TREE)) {
    console.log(`  footage absent: ${TREE} not found, real-footage check skipped (not a failure)`);
    return;
  }
  const src = await openVideo(TREE);
  assert.equal([src.width, src.height], [320, 240]);
  assert.ok(Math.abs(src.fps - 15) < 0.01, String(src.fps));
  let n = 0;
  for await (const _ of src.frames()) n++;
  assert.ok(n >= 440 && n <= 460, `${n} frames`);
});

test.run();
