/** `quietcam eval` end to end on a CDnet folder and a video made here. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/eval.js';
import { encodeGreyPng, readImage } from '../../sim/image-io.js';
import { rejects } from '../sim/assert-async.js';

const W = 64;
const H = 48;
const tmp = mkdtempSync(join(tmpdir(), 'quietcam-eval-cli-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** 12 frames of a 12x12 bright square moving 4 px a frame on a grey floor; temporal ROI 3..12. */
function buildSequence(dir: string): void {
  mkdirSync(join(dir, 'input'), { recursive: true });
  mkdirSync(join(dir, 'groundtruth'));
  for (let n = 1; n <= 12; n++) {
    const grey = new Uint8Array(W * H).fill(60);
    const gt = new Uint8Array(W * H);
    const x0 = 4 * n;
    for (let y = 16; y < 28; y++) {
      for (let x = x0; x < x0 + 12 && x < W; x++) {
        grey[y * W + x] = 220;
        gt[y * W + x] = 255;
      }
    }
    const id = String(n).padStart(6, '0');
    writeFileSync(join(dir, 'input', `in${id}.png`), encodeGreyPng(grey, W, H));
    writeFileSync(join(dir, 'groundtruth', `gt${id}.png`), encodeGreyPng(gt, W, H));
  }
  writeFileSync(join(dir, 'temporalROI.txt'), '3 12');
}

/** Runs the command with console.log captured. */
async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = console.log;
  const error = console.error;
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  console.error = (...a: unknown[]) => void (err += a.join(' ') + '\n');
  try {
    const code = await run(args);
    return { code, out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const seq = join(tmp, 'moving-square');
buildSequence(seq);
const clip = join(tmp, 'clip.mkv');
execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-frames:v', '5', '-c:v', 'ffv1', '-y', clip]);

test('--json: both methods, scored frames only, P/R/F with truth and false alarms without', async () => {
  const { code, out } = await capture(['--json', '--width', '16', seq, clip]);
  assert.is(code, 0);
  const doc = JSON.parse(out);
  assert.is(doc.protocol, 1);
  assert.is(doc.width, 16);
  assert.is(doc.sequences.length, 2);
  const [s, v] = doc.sequences;
  assert.equal([s.name, s.frames, s.scoredFrames, s.grid.width, s.grid.height], ['moving-square', 12, 10, 16, 12]);
  assert.equal(s.methods.map((m: { name: string }) => m.name), ['quietcam', 'frame-diff']);
  for (const m of s.methods) {
    assert.is(m.score.truthFrames, 10);
    for (const k of ['precision', 'recall', 'f']) assert.ok(m.score.cell[k] >= 0 && m.score.cell[k] <= 1, `${m.name} cell ${k}`);
    assert.ok(m.score.pixel.f >= 0 && m.score.pixel.f <= 1);
  }
  // Frame differencing on a 3x3-cell square moving one cell a frame: it marks the column the
  // square enters (3 TP) and the one it leaves (3 FP) and misses the two it stays on (6 FN).
  const fd = s.methods[1].score.cell;
  assert.equal([fd.tp, fd.fp, fd.fn], [30, 30, 60]);
  assert.is(fd.precision, 0.5);
  assert.equal([v.name, v.frames, v.hasTruth], ['clip.mkv', 5, false]);
  assert.is(v.methods[0].score.cell, undefined);
  assert.is(v.methods[1].score.falseAlarm.frames, 5);
  assert.ok(v.methods[1].score.falseAlarm.rate > 0, 'testsrc moves: the baseline marks cells');
  assert.is(doc.summary.methods.length, 2);
  assert.is(doc.errors.length, 0);
});

test('the table names every method and figure', async () => {
  const { code, out } = await capture(['--width', '16', seq]);
  assert.is(code, 0);
  assert.match(out, /moving-square\s+64x48 -> 16x12, 12 frames \(10 scored\), ground truth/);
  assert.match(out, /cell F/);
  assert.match(out, /\n\s+quietcam\s/);
  assert.match(out, /\n\s+frame-diff\s/);
  assert.match(out, /frames\/s/);
});

test('--write-masks: motion, static and sky PNGs at grid size, named after scored input frames', async () => {
  const dir = join(tmp, 'masks');
  const { code } = await capture(['--json', '--width', '16', '--write-masks', dir, seq]);
  assert.is(code, 0);
  for (const kind of ['motion', 'static', 'sky']) {
    const files = readdirSync(join(dir, 'moving-square', kind)).sort();
    assert.is(files.length, 10, kind);
    assert.is(files[0], 'in000003.png');
    assert.is(files[9], 'in000012.png');
  }
  assert.not.ok(existsSync(join(dir, 'moving-square', 'motion', 'in000001.png')), 'unscored frames are not written');
  let marked = 0;
  for (const f of readdirSync(join(dir, 'moving-square', 'motion'))) {
    const img = await readImage(join(dir, 'moving-square', 'motion', f));
    assert.equal([img.width, img.height], [16, 12]);
    assert.ok(img.grey.every((v) => v === 0 || v === 255), f);
    marked += img.grey.filter((v) => v === 255).length;
  }
  // The detector calibrates on its first frames; by the last ones it must see the square.
  assert.ok(marked > 0, 'the moving square is marked in some frame');
});

test('a bad source is reported and counted; the others still run', async () => {
  const { code, out, err } = await capture(['--json', '--width', '16', join(tmp, 'missing'), seq]);
  assert.is(code, 1);
  const doc = JSON.parse(out);
  assert.is(doc.sequences.length, 1);
  assert.is(doc.errors.length, 1);
  assert.match(doc.errors[0].error, /no such file or folder/);
  assert.match(err, /missing: .*no such file or folder/);
});

test('argument errors', async () => {
  await rejects(() => run([]), /at least one source/);
  await rejects(() => run(['--width', 'x', seq]), /--width must be a positive integer/);
  await rejects(() => run(['--cell', '0', seq]), /--cell must be a positive integer/);
  await rejects(() => run(['--bogus', seq]), /bogus/);
  await rejects(() => run(['--first-frame', '1', clip]), /--first-frame needs --masks/);
  await rejects(() => run(['--masks', join(tmp, 'm'), '--first-frame', '1.5', clip]), /--first-frame must be a whole number/);
});

test('--masks gives a video its truth (mask N = frame N + --first-frame), --sky adds sky IoU', async () => {
  const masks = join(tmp, 'clip-masks');
  mkdirSync(masks, { recursive: true });
  for (let n = 1; n <= 4; n++) writeFileSync(join(masks, `gt${n}.png`), encodeGreyPng(new Uint8Array(W * H), W, H));
  const sky = new Uint8Array(W * H);
  for (let i = 0; i < W * 8; i++) sky[i] = 255;
  writeFileSync(join(tmp, 'clip-sky.png'), encodeGreyPng(sky, W, H));
  const { code, out } = await capture(['--json', '--width', '16', '--masks', masks, '--first-frame', '1', '--sky', join(tmp, 'clip-sky.png'), clip]);
  assert.is(code, 0);
  const q = JSON.parse(out).sequences[0].methods[0].score;
  assert.is(q.truthFrames, 4, 'frames 0..3 of the video carry masks 1..4');
  assert.ok(q.cell, 'cell P/R/F with the masks');
  assert.ok(q.sky && q.sky.frames > 0, 'sky IoU with --sky');
});

test.run();
