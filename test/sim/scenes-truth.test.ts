/** Scene ground truth: motion truth where (and only where) an object is, sky truth, occlusion. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileScene, sceneSpec, type SceneSpec } from '../../sim/scenes/index.js';
import { at, count, renderer, without } from './scene-fixtures.js';

test('scenes without people, cars or packages never have motion truth', () => {
  for (const name of ['tree', 'clouds', 'light-switch', 'ir-night', 'exposure', 'noise', 'quiet']) {
    const r = renderer(sceneSpec(name));
    for (let i = 0; i < r.scene.frameCount; i += 3) assert.not.ok(r.frame(i).motion.some((v) => v !== 0), `${name} frame ${i}`);
  }
});

test('plain: motion truth is exactly where the frame differs from the same scene without people', () => {
  const full = renderer(sceneSpec('plain'));
  const empty = renderer(without('plain', 'person'));
  const W = full.scene.width;
  let framesWithTruth = 0;
  let edges = 0;
  let shadow = 0;
  for (let i = 0; i < full.scene.frameCount; i += 2) {
    const a = full.frame(i);
    const b = empty.frame(i);
    let fg = 0;
    let fgDiffers = 0;
    for (let p = 0; p < a.grey.length; p++) {
      const m = a.motion[p];
      if (m === 255) {
        fg++;
        if (a.grey[p] !== b.grey[p]) fgDiffers++;
      } else if (a.grey[p] === b.grey[p]) continue;
      else if (m === 170) {
        // A partly covered edge pixel (anti-aliased), next to the foreground (or to the part of a
        // person entering or leaving that is outside the frame).
        assert.ok(p % W === 0 || p % W === W - 1 || [p - 1, p + 1, p - W, p + W, p - W - 1, p - W + 1, p + W - 1, p + W + 1].some((q) => a.motion[q] === 255), `frame ${i} edge pixel ${p % W},${Math.floor(p / W)} away from the foreground`);
        edges++;
      } else if (m === 50) {
        // The soft contact shadow: darker by at most 15 %.
        assert.ok(a.grey[p] < b.grey[p] && a.grey[p] >= 0.85 * b.grey[p] - 1, `frame ${i} shadow pixel ${p}: ${b.grey[p]} -> ${a.grey[p]}`);
        shadow++;
      } else assert.unreachable(`frame ${i} pixel ${p} changed without motion truth`);
    }
    if (fg) framesWithTruth++;
    assert.ok(fgDiffers >= 0.85 * fg, `frame ${i}: only ${fgDiffers}/${fg} foreground pixels differ from the background`);
  }
  assert.ok(framesWithTruth > 100, `${framesWithTruth} frames with a person`);
  assert.ok(edges > 0 && shadow > 0, `${edges} edge and ${shadow} shadow pixels changed`);
});

test('plain: no motion truth before the first person, truth while each one crosses', () => {
  const r = renderer(sceneSpec('plain'));
  const first = r.scene.expect.motionFrom!;
  for (let i = 0; i < at(r.scene, first); i += 5) assert.is(count(r.frame(i).motion, 255), 0);
  const enters = r.scene.timeline.filter((e) => e.what === 'enter');
  const leaves = r.scene.timeline.filter((e) => e.what === 'leave');
  for (const e of enters) {
    const leave = leaves.find((l) => l.id === e.id)!;
    for (let t = e.t + 1; t < leave.t - 1; t += 0.5) assert.ok(count(r.frame(at(r.scene, t)).motion, 255) > 50, `${e.id} at ${t} s`);
  }
});

test('moving objects get a 1-px ring of 170 (unknown) next to their foreground', () => {
  const r = renderer(sceneSpec('plain'));
  const W = r.scene.width;
  const f = r.frame(at(r.scene, 16));
  const unknown = count(f.motion, 170);
  assert.ok(unknown > 20, `${unknown} ring pixels`);
  for (let p = 0; p < f.motion.length; p++) {
    if (f.motion[p] !== 170) continue;
    const near = [p - 1, p + 1, p - W, p + W].some((q) => f.motion[q] === 255);
    assert.ok(near, `ring pixel ${p} not next to the foreground`);
  }
});

test('parked car: truth stays after it stops, without a ring, and its pixels stop changing', () => {
  const clean = renderer(without('parked-car', 'noise'));
  const stop = clean.scene.expect.stops[0];
  assert.ok(stop > 12 && stop < 30);
  const moving = clean.frame(at(clean.scene, stop - 2));
  assert.ok(count(moving.motion, 170) > 0, 'ring while moving');
  const ref = clean.frame(at(clean.scene, stop + 0.2));
  assert.ok(count(ref.motion, 255) > 500, 'car is foreground');
  assert.is(count(ref.motion, 170), 0, 'no ring once parked');
  for (let t = stop + 1; t < 60; t += 3) {
    const f = clean.frame(at(clean.scene, t));
    assert.ok(Buffer.from(f.motion).equals(Buffer.from(ref.motion)), `truth at ${t} s`);
    assert.ok(Buffer.from(f.grey).equals(Buffer.from(ref.grey)), `pixels at ${t} s (no noise: nothing else moves)`);
  }
  // With noise, the parked car changes by noise only.
  const noisy = renderer(sceneSpec('parked-car'));
  const a = noisy.frame(at(noisy.scene, stop + 5));
  const b = noisy.frame(at(noisy.scene, stop + 25));
  let sum = 0;
  let n = 0;
  for (let p = 0; p < a.grey.length; p++) {
    if (ref.motion[p] !== 255) continue;
    sum += Math.abs(a.grey[p] - b.grey[p]);
    n++;
  }
  assert.ok(sum / n < 4, `mean |difference| on the car ${(sum / n).toFixed(2)} (noise sigma 2: about 2.3)`);
});

test('package: the box stays foreground after the carrier has left, still and small', () => {
  const r = renderer(without('package', 'noise'));
  const tl = r.scene.timeline;
  const stop = tl.find((e) => e.what === 'stop')!.t;
  const leave = tl.find((e) => e.what === 'leave')!.t;
  assert.ok(leave > stop);
  const ref = r.frame(at(r.scene, leave + 1));
  const box = count(ref.motion, 255);
  assert.ok(box > 20 && box < 600, `${box} box pixels`);
  assert.is(count(ref.motion, 170), 0);
  const last = r.frame(r.scene.frameCount - 1);
  assert.ok(Buffer.from(last.motion).equals(Buffer.from(ref.motion)));
  // Before the drop it travels with the person: more foreground than the box alone.
  assert.ok(count(r.frame(at(r.scene, stop - 1.5)).motion, 255) > box * 2);
});

test('sky truth: 255 only above the horizon, a 128 band at the skyline, none in scenes without sky', () => {
  for (const name of ['tree', 'clouds', 'parked-car', 'busy', 'quiet']) {
    const s = compileScene(sceneSpec(name));
    const W = s.width;
    const horizonY = Math.round(0.42 * s.height);
    for (let p = horizonY * W; p < s.sky.length; p++) assert.ok(s.sky[p] !== 255, `${name}: sky below the horizon`);
    assert.ok(count(s.sky, 255) > 0.15 * W * s.height, `${name}: too little sky`);
    assert.ok(count(s.sky, 128) > W, `${name}: no skyline band`);
    for (let p = 0; p < s.sky.length; p++) {
      if (s.sky[p] !== 255) continue;
      const nb = [p - 1, p + 1, p - W, p + W].filter((q) => q >= 0 && q < s.sky.length);
      assert.ok(nb.every((q) => s.sky[q] !== 0), `${name}: sky pixel ${p} touches non-sky without a band`);
    }
  }
  for (const name of ['plain', 'light-switch', 'noise', 'package']) assert.is(count(compileScene(sceneSpec(name)).sky, 0), 320 * 240, name);
});

test('the tree is never sky, and it sways without motion truth', () => {
  const withTree = renderer(sceneSpec('tree'));
  const noTree = renderer(without('tree', 'tree', 'noise', 'clouds'));
  const clean = renderer(without('tree', 'noise', 'clouds'));
  const sky = withTree.scene.sky;
  let treePixels = 0;
  for (let i = 0; i < 300; i += 7) {
    const a = clean.frame(i);
    const b = noTree.frame(i);
    for (let p = 0; p < sky.length; p++) {
      if (a.grey[p] === b.grey[p]) continue;
      treePixels++;
      assert.ok(sky[p] !== 255, `frame ${i}: tree pixel ${p} marked as sky`);
    }
  }
  assert.ok(treePixels > 1000, `${treePixels} tree pixels`);
  // Consecutive frames differ on the crown (it moves), and the truth stays empty.
  let moved = 0;
  for (let i = 100; i < 130; i++) {
    const a = clean.frame(i);
    const b = clean.frame(i + 1);
    for (let p = 0; p < a.grey.length; p++) if (a.grey[p] !== b.grey[p]) moved++;
    assert.is(count(a.motion, 255), 0);
  }
  assert.ok(moved > 30 * 50, `crown changed ${moved} pixels in 30 frames`);
});

test('the sky mask is a scene property: people passing in front of the tree do not change it', () => {
  const a = compileScene(sceneSpec('tree-person'));
  const b = compileScene(without('tree-person', 'person'));
  assert.ok(Buffer.from(a.sky).equals(Buffer.from(b.sky)));
});

test('tree-person: motion truth only on the people, who pass in front of the crown and trunk', () => {
  const full = renderer(sceneSpec('tree-person'));
  const empty = renderer(without('tree-person', 'person'));
  let overTree = 0;
  const treeFrame = renderer(without('tree-person', 'person', 'noise', 'clouds')).frame(0);
  const bare = renderer(without('tree-person', 'person', 'noise', 'clouds', 'tree')).frame(0);
  for (let i = 150; i < 500; i += 4) {
    const a = full.frame(i);
    const b = empty.frame(i);
    for (let p = 0; p < a.grey.length; p++) {
      if (a.motion[p] === 0 && a.grey[p] !== b.grey[p]) assert.unreachable(`frame ${i}: change at ${p} without truth`);
      if (a.motion[p] === 255 && treeFrame.grey[p] !== bare.grey[p]) overTree++;
    }
  }
  assert.ok(overTree > 200, `${overTree} person pixels in front of the tree`);
});

test('a person behind the tree is hidden where the tree covers them: truth 0 there', () => {
  const base: SceneSpec = { elements: [{ kind: 'sky' }, { kind: 'ground' }, { kind: 'tree', x: 0.5, y: 0.62, heightM: 8, trunkM: 0.8, crownM: 6, swayM: 0 }] };
  const walker = { kind: 'person' as const, enterAt: 0, speed: 1, y: 0.6, tone: 'dark' as const };
  const behind = renderer({ elements: [...base.elements, walker] }, { seconds: 20 });
  const alone = renderer({ elements: [{ kind: 'sky' }, { kind: 'ground' }, walker] }, { seconds: 20 });
  const treeOnly = renderer(base, { seconds: 20 });
  const bare = renderer({ elements: [{ kind: 'sky' }, { kind: 'ground' }] }, { seconds: 20 }).frame(0);
  let hidden = 0;
  for (let i = 0; i < 200; i += 2) {
    const a = behind.frame(i);
    const b = alone.frame(i);
    const t = treeOnly.frame(i);
    for (let p = 0; p < a.grey.length; p++) {
      const isTree = t.grey[p] !== bare.grey[p];
      if (b.motion[p] === 255 && isTree) {
        hidden++;
        assert.ok(a.motion[p] !== 255, `frame ${i} pixel ${p}: hidden by the tree but foreground`); // 170 at the visible edge is fine
      }
      if (a.motion[p] === 255) assert.ok(!isTree, `frame ${i} pixel ${p}: foreground drawn over the tree`);
    }
  }
  assert.ok(hidden > 100, `${hidden} hidden pixels`);
});

test.run();
