/** Global scene changes (light, IR, exposure), sensor noise and clouds: visible, but never motion. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileScene, sceneSpec } from '../../sim/scenes/index.js';
import { at, count, mean, renderer, stddev, without } from './scene-fixtures.js';

test('light switch: mean brightness drops to ×0.6 at 20 s and returns at 40 s, with no motion truth', () => {
  const r = renderer(sceneSpec('light-switch'));
  const s = r.scene;
  assert.equal(s.expect.globalChanges, [20, 40]);
  const before = mean(r.frame(at(s, 20) - 1).grey);
  const after = mean(r.frame(at(s, 20)).grey);
  const later = mean(r.frame(at(s, 39.9)).grey);
  const back = mean(r.frame(at(s, 40)).grey);
  assert.ok(Math.abs(after / before - 0.6) < 0.02, `ratio ${after / before}`);
  assert.ok(Math.abs(later - after) < 0.5, 'steady while off');
  assert.ok(Math.abs(back - before) < 0.5, 'back to the first level');
  for (const i of [at(s, 20), at(s, 40)]) assert.is(count(r.frame(i).motion, 0), s.width * s.height);
});

test('IR night: contrast falls and temporal noise rises at the switch', () => {
  const r = renderer(sceneSpec('ir-night'));
  const s = r.scene;
  const k = at(s, 20);
  const day = [r.frame(k - 2), r.frame(k - 1)];
  const night = [r.frame(k), r.frame(k + 1)];
  const ratio = stddev(night[0].grey) / stddev(day[0].grey);
  assert.ok(ratio > 0.45 && ratio < 0.7, `contrast ratio ${ratio}`);
  const temporal = (a: Uint8Array, b: Uint8Array) => {
    let sum = 0;
    for (let p = 0; p < a.length; p++) sum += (a[p] - b[p]) ** 2;
    return Math.sqrt(sum / a.length / 2); // per-frame sigma
  };
  const dayNoise = temporal(day[0].grey, day[1].grey);
  const nightNoise = temporal(night[0].grey, night[1].grey);
  assert.ok(dayNoise > 1.5 && dayNoise < 2.5, `day noise ${dayNoise}`);
  assert.ok(nightNoise > 3.8, `night noise ${nightNoise}`);
  assert.is(count(night[0].motion, 255), 0);
});

test('auto-exposure: a small gain step at each stated time', () => {
  const r = renderer(without('exposure', 'noise'));
  const s = r.scene;
  const m = (t: number) => mean(r.frame(at(s, t)).grey);
  assert.ok(Math.abs(m(20) / m(19.9) - 1.12) < 0.03, `first jump ${m(20) / m(19.9)}`);
  assert.ok(Math.abs(m(35) / m(34.9) - 0.9) < 0.03, `second jump ${m(35) / m(34.9)}`);
});

test('sensor noise is zero-mean with the configured sigma, independent per frame', () => {
  const r = renderer(sceneSpec('noise'));
  const bg = r.scene.background;
  for (const i of [0, 1, 200]) {
    const g = r.frame(i).grey;
    let sum = 0;
    let sq = 0;
    for (let p = 0; p < g.length; p++) {
      const d = g[p] - bg[p];
      sum += d;
      sq += d * d;
    }
    const m = sum / g.length;
    const sd = Math.sqrt(sq / g.length - m * m);
    assert.ok(Math.abs(m) < 0.1, `frame ${i}: mean ${m}`);
    assert.ok(Math.abs(sd - 4) < 0.15, `frame ${i}: sigma ${sd}`);
  }
  assert.not.ok(Buffer.from(r.frame(0).grey).equals(Buffer.from(r.frame(1).grey)));
});

test('clouds drift slowly and softly over the sky only', () => {
  const r = renderer(without('clouds', 'noise'));
  const s = r.scene;
  const W = s.width;
  const a = r.frame(100);
  const b = r.frame(101);
  const c = r.frame(400);
  let maxStep = 0;
  let changed = 0;
  for (let p = 0; p < a.grey.length; p++) {
    maxStep = Math.max(maxStep, Math.abs(a.grey[p] - b.grey[p]));
    if (a.grey[p] !== c.grey[p]) {
      changed++;
      assert.ok(s.sky[p] !== 0, `cloud change at non-sky pixel ${p % W},${Math.floor(p / W)}`);
    }
  }
  assert.ok(maxStep <= 3, `one frame changes a pixel by ${maxStep}`);
  assert.ok(changed > 2000, `${changed} sky pixels changed in 30 s`);
});

test('quiet: tree, clouds and a light switch, and still no motion truth', () => {
  const s = compileScene(sceneSpec('quiet'));
  assert.is(s.expect.noMotion, true);
  assert.equal(s.expect.globalChanges, [30]);
  const r = renderer(sceneSpec('quiet'));
  for (let i = 290; i < 310; i++) assert.is(count(r.frame(i).motion, 0), s.width * s.height);
});

test.run();
