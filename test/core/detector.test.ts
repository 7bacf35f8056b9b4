import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDetector, createOutput, validateConfig, configHash, DEFAULT_CONFIG, EVENT_START, EVENT_END, EVENT_IDLE } from '../../src/core/index.ts';
import { background, noisy, square, count } from './frames.ts';

const W = 80, H = 60;

function run(frames: (i: number) => Uint8Array, n: number, config = {}) {
  const det = createDetector({ width: W, height: H, warmupFrames: 0, ...config });
  const out = createOutput(W, H, det.cellSize);
  const log: { i: number; state: number; motion: number; statics: number; boxes: number; global: number }[] = [];
  for (let i = 0; i < n; i++) {
    det.step(frames(i), out);
    log.push({ i, state: out.eventState, motion: count(out.motion), statics: count(out.staticMask), boxes: out.boxCount, global: out.globalChange });
  }
  return { det, out, log };
}

test('config: defaults validate, errors name the field and range', () => {
  const cfg = validateConfig({ width: 80, height: 60 });
  assert.is(cfg.cellSize, DEFAULT_CONFIG.cellSize);
  assert.throws(() => validateConfig({ width: 80, height: 60, cellSize: 40 }), /cellSize = 40 is outside 2\.\.16/);
  assert.throws(() => validateConfig({ width: 80, height: 60, thresholdMin: 2.5 }), /thresholdMin must be an integer/);
  assert.throws(() => validateConfig({ width: 80, height: 60, bogus: 1 } as never), /unknown field "bogus"/);
  assert.throws(() => validateConfig({ width: 80, height: 60, thresholdMin: 90, thresholdMax: 50 }), /thresholdMin must not exceed/);
});

test('config hash is stable and changes with the config', () => {
  const a = configHash(validateConfig({ width: 80, height: 60 }));
  assert.match(a, /^[0-9a-f]{8}$/);
  assert.is(configHash(validateConfig({ width: 80, height: 60 })), a);
  assert.is.not(configHash(validateConfig({ width: 80, height: 60, thresholdMin: 11 })), a);
});

test('a frame of the wrong size is a RangeError, not a crash', () => {
  const det = createDetector({ width: W, height: H });
  const out = createOutput(W, H, det.cellSize);
  assert.throws(() => det.step(new Uint8Array(100), out), (e: Error) => e instanceof RangeError && /expected 4800/.test(e.message));
  const wrongOut = createOutput(160, 120, 4);
  assert.throws(() => det.step(new Uint8Array(W * H), wrongOut), /output was made for 160x120/);
});

test('a still scene with sensor noise raises no motion and no event', () => {
  const bg = background(W, H);
  const { log } = run((i) => noisy(bg, W, i, 3), 200);
  assert.is(log.filter((l) => l.motion > 0).length, 0);
  assert.is(log.filter((l) => l.state !== EVENT_IDLE).length, 0);
});

test('a moving square is detected where it is, and starts then ends an event', () => {
  const bg = background(W, H);
  const pos = (i: number) => 5 + (i - 40) * 2;
  const { log, det } = run((i) => {
    const f = noisy(bg, W, i);
    return i >= 40 && i < 70 ? square(f, W, pos(i), 20, 8, 230) : f;
  }, 120);
  const start = log.findIndex((l) => l.state === EVENT_START);
  assert.ok(start >= 40 && start <= 40 + 4, `event starts within minFrames of the square appearing (got ${start})`);
  const end = log.findIndex((l) => l.state === EVENT_END);
  assert.ok(end >= 70 && end <= 70 + 25, `event ends after the gap (got ${end})`);
  // Box position at frame 50: square at x 25..32, y 20..27 -> cells 6..8, 5..6.
  const det2 = createDetector({ width: W, height: H, warmupFrames: 0 });
  const out = createOutput(W, H, det2.cellSize);
  for (let i = 0; i <= 50; i++) {
    const f = noisy(bg, W, i);
    det2.step(i >= 40 ? square(f, W, pos(i), 20, 8, 230) : f, out);
  }
  assert.is(out.boxCount, 1);
  const [x0, y0, x1, y1] = Array.from(out.boxes.subarray(0, 4));
  assert.ok(x0 >= 5 && x0 <= 7 && x1 >= 7 && x1 <= 9, `box x ${x0}..${x1}`);
  assert.ok(y0 >= 4 && y0 <= 5 && y1 >= 6 && y1 <= 7, `box y ${y0}..${y1}`);
  assert.ok(count(out.foreground) >= 40 && count(out.foreground) <= 100, `foreground pixels ${count(out.foreground)}`);
  assert.ok(det.stateBytes() > 10000 && det.stateBytes() < 40000);
});

test('an object that stops becomes static, and clears when it leaves', () => {
  const bg = background(W, H);
  const at = (i: number) => (i < 40 ? -20 : i < 50 ? -10 + (i - 40) * 4 : 30);
  const frame = (i: number) => {
    const f = noisy(bg, W, i);
    return i < 200 ? square(f, W, at(i), 24, 12, 220) : f;
  };
  const det = createDetector({ width: W, height: H });
  const out = createOutput(W, H, det.cellSize);
  let staticAt150 = 0, motionAt150 = 0;
  for (let i = 0; i < 230; i++) {
    det.step(frame(i), out);
    if (i === 150) { staticAt150 = count(out.staticMask); motionAt150 = count(out.motion); }
  }
  assert.ok(staticAt150 >= 6 && staticAt150 <= 16, `static cells while parked: ${staticAt150}`);
  assert.is(motionAt150, 0, 'a parked object is not motion');
  assert.is(count(out.staticMask), 0, 'static mask clears after the object left');
});

test('an object present during calibration that leaves is a ghost, not static', () => {
  const bg = background(W, H);
  const { log } = run((i) => { const f = noisy(bg, W, i); return i < 30 ? square(f, W, 30, 24, 12, 220) : f; }, 120);
  assert.is(log[119].statics, 0);
  assert.is(log[119].motion, 0);
});

test('a light switch is a global change: background re-learned, no event', () => {
  const bg = background(W, H);
  const dim = bg.map((v) => (v * 150) >> 8);
  const { log } = run((i) => noisy(i < 60 ? bg : dim, W, i), 120);
  assert.ok(log.some((l) => l.global === 1), 'global change reported');
  assert.is(log.filter((l) => l.state !== EVENT_IDLE).length, 0);
  assert.is(log[119].motion, 0);
});

test('a large object covering half the frame is motion, not a lighting change', () => {
  const bg = background(W, H);
  const { log } = run((i) => { const f = noisy(bg, W, i); return i >= 50 ? square(f, W, 10 + (i - 50), 5, 44, 20 + ((i * 7) % 30)) : f; }, 70);
  assert.is(log.filter((l) => l.global).length, 0);
  assert.ok(log.some((l) => l.state === EVENT_START));
});

test('flickering cells are learned as dynamic background; a walker there is still seen', () => {
  const bg = background(W, H);
  // A "branch": a dark block in the top-left that is there in ~40 % of frames, at irregular times.
  const branch = (f: Uint8Array, i: number) => (((i * 2654435761) >>> 0) % 100 < 40 ? square(f, W, 6, 4, 10, 30) : f);
  const { log } = run((i) => {
    const f = branch(noisy(bg, W, i), i);
    return i >= 400 && i < 440 ? square(f, W, (i - 400) * 2, 30, 8, 240) : f;
  }, 460);
  const early = log.slice(300, 400).filter((l) => l.state !== EVENT_IDLE).length;
  assert.is(early, 0, 'no event from the branch once learned');
  assert.ok(log.slice(400, 445).some((l) => l.state === EVENT_START), 'the walker starts an event');
});

test('sky: the bright smooth top is sky, a textured scene has none', () => {
  const sky = background(W, H);
  for (let y = 0; y < 20; y++) for (let x = 0; x < W; x++) sky[y * W + x] = 200 + (y >> 2);
  const a = run((i) => noisy(sky, W, i), 80);
  const cells = a.out.sky;
  let top = 0, bottom = 0;
  for (let c = 0; c < cells.length; c++) if (cells[c]) { if (c < 5 * a.out.cols) top++; else bottom++; }
  assert.ok(top >= 4 * a.out.cols, `top rows are sky (${top})`);
  assert.is(bottom, 0);
  const b = run((i) => noisy(background(W, H), W, i), 80);
  assert.is(count(b.out.sky), 0);
});

test('other sizes work, with partial cells at the edges (80x53, 160x120)', () => {
  for (const [w, h] of [[80, 53], [160, 120], [37, 23]]) {
    const det = createDetector({ width: w, height: h, warmupFrames: 0 });
    const out = createOutput(w, h, det.cellSize);
    const bg = background(w, h);
    let started = false;
    let corner = 0;
    for (let i = 0; i < 45; i++) {
      const f = noisy(bg, w, i);
      if (i >= 30) square(f, w, w - 6, h - 6, 6, 250); // covers the partial corner cell (static only after 20 frames)
      det.step(f, out);
      if (out.eventState === EVENT_START) started = true;
      if (i >= 33) corner += out.motion[out.motion.length - 1];
    }
    assert.ok(started, `${w}x${h} event`);
    assert.ok(corner >= 10, `${w}x${h} corner cell moves (${corner} of 12 frames)`);
  }
});

test('reset forgets: same input after reset gives the same outputs', () => {
  const bg = background(W, H);
  const frames = (i: number) => { const f = noisy(bg, W, i); return i > 20 ? square(f, W, i, 10, 6, 240) : f; };
  const det = createDetector({ width: W, height: H });
  const out = createOutput(W, H, det.cellSize);
  const sig = () => { const parts: number[] = []; for (let i = 0; i < 50; i++) { det.step(frames(i), out); parts.push(out.eventState, count(out.motion), out.boxCount); } return parts.join(','); };
  const a = sig();
  det.reset();
  assert.is(sig(), a);
});

test('a static object survives a light switch (background carried through gain and offset)', () => {
  const bg = background(W, H);
  const frame = (i: number) => {
    const f = square(noisy(bg, W, i), W, i < 40 ? -20 : i < 50 ? -10 + (i - 40) * 4 : 30, 24, 12, 220);
    return i >= 120 ? f.map((v) => (v * 160) >> 8) : f;
  };
  const { log } = run(frame, 170);
  assert.ok(log[119].statics >= 6, `static before the switch: ${log[119].statics}`);
  assert.ok(log.slice(118, 125).some((l) => l.global === 1), 'the switch is a global change');
  assert.ok(log[169].statics >= 6, `static after the switch: ${log[169].statics}`);
  assert.is(log.filter((l) => l.state !== EVENT_IDLE && l.i > 100).length, 0, 'no event from the switch');
});

test('a soft shadow sweeping over texture is lighting, not an event; an object is', () => {
  const bg = background(W, H);
  // A cloud shadow: darkens a 24x20 region by up to 35 % with 6-pixel soft edges, sliding right
  // one pixel per frame.
  const shadow = (f: Uint8Array, i: number) => {
    const x0 = i - 100;
    for (let y = 20; y < 40; y++) for (let x = x0; x < x0 + 24; x++) {
      if (x < 0 || x >= W) continue;
      const edge = Math.min(x - x0, x0 + 23 - x, y - 20, 39 - y, 6);
      f[y * W + x] = (f[y * W + x] * (256 - 15 * edge)) >> 8;
    }
    return f;
  };
  const a = run((i) => (i >= 100 ? shadow(noisy(bg, W, i), i) : noisy(bg, W, i)), 170);
  assert.ok(a.log.slice(100).some((l) => l.motion > 0), 'the shadow changes cells');
  assert.is(a.log.filter((l) => l.state !== EVENT_IDLE).length, 0, 'but starts no event');
  const b = run((i) => (i >= 100 ? square(noisy(bg, W, i), W, i - 100, 24, 10, 40) : noisy(bg, W, i)), 130);
  assert.ok(b.log.some((l) => l.state === EVENT_START), 'a dark object at the same place does');
});

test.run();
