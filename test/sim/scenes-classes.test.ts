/** Issue 18's scenes: people who wait (with hard shadows), boot into motion, crowns, façade, fog, a bag left behind. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sceneSpec } from '../../sim/scenes/index.js';
import { at, count, renderer } from './scene-fixtures.js';

/** Column span of the 255 truth in a frame (min x, max x), or undefined. */
function span(m: Uint8Array, w: number): [number, number] | undefined {
  let lo = Infinity;
  let hi = -1;
  for (let i = 0; i < m.length; i++) if (m[i] === 255) { lo = Math.min(lo, i % w); hi = Math.max(hi, i % w); }
  return hi < 0 ? undefined : [lo, hi];
}

test('queue: people stop and stand (a few px of sway) while they wait, with hard-shadow truth 50 on darker ground', () => {
  const r = renderer(sceneSpec('queue'));
  const waits = r.scene.timeline.filter((e) => e.what === 'wait');
  assert.is(waits.length, 3);
  for (const w of waits) assert.ok(w.until! - w.t >= 15, 'each waits at least 15 s');
  // From 24 s to 37 s all three stand: the truth barely moves between frames 3 s apart.
  const a = r.frame(at(r.scene, 24));
  const spanA = span(a.motion, r.scene.width)!;
  const b = r.frame(at(r.scene, 27));
  const spanB = span(b.motion, r.scene.width)!;
  assert.ok(Math.abs(spanA[0] - spanB[0]) <= 4 && Math.abs(spanA[1] - spanB[1]) <= 4, `${spanA} vs ${spanB}`);
  assert.ok(count(a.motion, 50) > 200, 'shadows are labelled 50');
  // Shadow pixels are darker than the same pixels once everyone has gone.
  const empty = r.frame(r.scene.frameCount - 1).grey;
  let darker = 0;
  let n = 0;
  for (let i = 0; i < a.motion.length; i++) if (a.motion[i] === 50) { n++; if (a.grey[i] < empty[i] - 15) darker++; }
  assert.ok(darker > 0.8 * n, `${darker}/${n} shadow pixels darker`);
  // Before anyone arrives there is no truth at all.
  assert.is(count(r.frame(at(r.scene, 5)).motion, 0), r.scene.width * r.scene.height);
});

test('boot: people are in the first frame already', () => {
  const r = renderer(sceneSpec('boot'));
  assert.ok(count(r.frame(0).motion, 255) > 500);
  assert.is(r.scene.expect.motionFrom, 0);
});

test('facade and fog have no sky truth; sky-crown has sky and uncertain sky behind the crowns', () => {
  for (const name of ['facade', 'fog']) {
    const r = renderer(sceneSpec(name));
    assert.is(count(r.scene.sky, 0), r.scene.width * r.scene.height, name);
  }
  const fog = renderer(sceneSpec('fog')).frame(10).grey;
  let lo = 255;
  let hi = 0;
  for (const v of fog) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  assert.ok(lo > 120 && hi - lo < 110, `fog is bright and flat: ${lo}..${hi}`);
  const crown = renderer(sceneSpec('sky-crown')).scene.sky;
  assert.ok(count(crown, 255) > 3000 && count(crown, 128) > 1000, `${count(crown, 255)} sky, ${count(crown, 128)} uncertain`);
});

test('bag: the carrier sits partly in front of the bag for 4 minutes, reaching over it, leaves, and the bag stays until the end', () => {
  const r = renderer(sceneSpec('bag'));
  const wait = r.scene.timeline.find((e) => e.what === 'wait')!;
  const leave = r.scene.timeline.find((e) => e.what === 'leave')!;
  assert.ok(leave.t > wait.until!, 'leaves after the wait');
  assert.ok(wait.until! - wait.t >= 200, 'sits longer than the background takes to leak (~3.4 min)');
  const during = r.frame(at(r.scene, wait.t + 5)).motion;
  const after = r.frame(at(r.scene, leave.t + 2)).motion;
  const last = r.frame(r.scene.frameCount - 1).motion;
  assert.ok(count(during, 255) > count(after, 255) + 200, 'carrier and bag, then the bag alone');
  assert.ok(count(after, 255) > 400);
  assert.equal(span(after, r.scene.width), span(last, r.scene.width));
  // The carrier hides part of the bag: the bag's pixels are not all drawn as bag while they sit.
  const bagGrey = r.frame(r.scene.frameCount - 1).grey.slice();
  const sitting = r.frame(at(r.scene, wait.t + 5)).grey;
  let hidden = 0;
  for (let i = 0; i < last.length; i++) if (last[i] === 255 && Math.abs(sitting[i] - bagGrey[i]) > 30) hidden++;
  assert.ok(hidden > 0.1 * count(last, 255), `${hidden} of ${count(last, 255)} bag pixels hidden`);
  // Small arm movements while seated: the truth changes within a 5 s period.
  let moved = 0;
  const a = r.frame(at(r.scene, wait.t + 10)).motion.slice();
  const b = r.frame(at(r.scene, wait.t + 14.5)).motion;
  for (let i = 0; i < a.length; i++) if ((a[i] === 255) !== (b[i] === 255)) moved++;
  assert.ok(moved > 20, `${moved} pixels change while seated`);
  assert.ok(r.scene.frameCount / r.scene.fps - leave.t >= 30, 'the bag stays 30 s alone');
});

test.run();
