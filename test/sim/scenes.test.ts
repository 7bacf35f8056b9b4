/** Scene generator API: catalog, the FrameSource contract, reproducibility, sizes and speed. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileScene, generate, listScenes, openScene, sceneNames, sceneSpec } from '../../sim/scenes/index.js';
import { digestScene, renderer } from './scene-fixtures.js';

const REQUIRED = ['plain', 'tree', 'clouds', 'light-switch', 'ir-night', 'noise', 'parked-car', 'package', 'tree-person', 'busy', 'quiet'];

test('the catalog lists every required scene with a description, a duration and flags', () => {
  const list = listScenes();
  for (const name of REQUIRED) {
    const s = list.find((x) => x.name === name);
    assert.ok(s, `missing scene ${name}`);
    assert.ok(s!.description.length > 20, `${name} needs a description`);
    assert.ok(s!.seconds >= 40, `${name} is too short`);
  }
  assert.equal(list.find((s) => s.name === 'tree')!.hasMotion, false);
  assert.equal(list.find((s) => s.name === 'tree')!.hasSky, true);
  assert.equal(list.find((s) => s.name === 'parked-car')!.hasStatic, true);
  assert.equal(sceneNames(), list.map((s) => s.name));
});

test('an unknown scene name throws and lists the known scenes', () => {
  assert.throws(() => openScene('nope'), (e: Error) => /unknown scene 'nope'/.test(e.message) && e.message.includes('parked-car'));
});

test('a leading scene: is accepted and options outside the scene options are ignored', () => {
  const src = openScene('scene:plain', { seconds: 1, extra: true } as never);
  assert.is(src.name, 'scene:plain');
  assert.is(src.frameCount, 10);
});

test('the source follows the FrameSource contract with truth on every frame', async () => {
  const src = openScene('plain', { seconds: 2 });
  assert.is(src.name, 'scene:plain');
  assert.is(src.width, 320);
  assert.is(src.height, 240);
  assert.is(src.fps, 10);
  assert.is(src.frameCount, 20);
  assert.is(src.hasTruth, true);
  let expected = 0;
  for await (const f of src.frames()) {
    assert.is(f.index, expected);
    assert.is(f.timeMs, expected * 100);
    assert.is(f.scored, true);
    assert.is(f.grey.length, 320 * 240);
    assert.is(f.truth!.motion!.length, 320 * 240);
    assert.is(f.truth!.sky!.length, 320 * 240);
    expected++;
  }
  assert.is(expected, 20);
});

test('the same seed gives identical bytes, from a fresh compile and from a restarted source', async () => {
  const a = digestScene(compileScene(sceneSpec('busy'), { seed: 5, seconds: 50 }));
  const b = digestScene(compileScene(sceneSpec('busy'), { seed: 5, seconds: 50 }));
  assert.is(a, b);
  const src = openScene('busy', { seed: 5, seconds: 50 });
  const run = async () => {
    const { createHash } = await import('node:crypto');
    const h = createHash('sha256');
    for await (const f of src.frames()) h.update(f.grey).update(f.truth!.motion!);
    return h.digest('hex');
  };
  assert.is(await run(), a);
  assert.is(await run(), a);
});

test('a different seed changes the pixels but not the timeline', () => {
  const a = compileScene(sceneSpec('busy'), { seed: 1 });
  const b = compileScene(sceneSpec('busy'), { seed: 2 });
  assert.is.not(digestScene(a, 150), digestScene(b, 150));
  const when = (s: typeof a) => s.timeline.map((e) => `${e.t} ${e.id} ${e.what}`);
  assert.equal(when(a), when(b));
});

test('frames render in any order: frame k alone equals frame k in sequence', async () => {
  const r = renderer(sceneSpec('busy'), { seconds: 20 });
  const direct = r.frame(150);
  for await (const f of openScene('busy', { seconds: 20 }).frames()) {
    if (f.index !== 150) continue;
    assert.ok(Buffer.from(f.grey).equals(Buffer.from(direct.grey)));
    assert.ok(Buffer.from(f.truth!.motion!).equals(Buffer.from(direct.motion)));
  }
});

for (const [w, h] of [[160, 120], [240, 160], [80, 60]]) {
  test(`every scene renders at ${w}x${h} with truth of the same size`, () => {
    for (const name of sceneNames()) {
      const r = renderer(sceneSpec(name), { width: w, height: h, seconds: 20 });
      assert.is(r.scene.frameCount, 200);
      const f = r.frame(199);
      assert.is(f.grey.length, w * h, name);
      assert.is(r.scene.sky.length, w * h, name);
    }
    const plain = renderer(sceneSpec('plain'), { width: w, height: h });
    const t = plain.scene.timeline[0].t;
    assert.ok(plain.frame(Math.round((t + 3) * 10)).motion.includes(255), `a person is visible at ${w}x${h}`);
  });
}

test('catalog timelines leave 10 s of warm-up and keep stopped objects still for 30 s', () => {
  for (const name of sceneNames()) {
    const s = compileScene(sceneSpec(name));
    const end = s.frameCount / s.fps;
    // `boot` is the one scene about motion from the first frame (a camera that just booted).
    if (s.expect.motionFrom !== undefined && name !== 'boot') assert.ok(s.expect.motionFrom >= 10, `${name}: motion before 10 s`);
    for (const t of s.expect.stops) assert.ok(end - t >= 30, `${name}: object stopped at ${t} s stays < 30 s`);
    assert.is(s.expect.noMotion, !s.hasMotion);
  }
});

test('generate composes a custom scene from elements', async () => {
  const src = generate({ name: 'walk', elements: [{ kind: 'ground' }, { kind: 'person', enterAt: 0, speed: 1.5 }] }, { seconds: 3 });
  assert.is(src.name, 'scene:walk');
  let seen = 0;
  for await (const f of src.frames()) if (f.truth!.motion!.includes(255)) seen++;
  assert.ok(seen > 20, `person visible in ${seen} frames`);
});

test('bad specs fail with a message naming the problem', () => {
  assert.throws(() => generate({ elements: [{ kind: 'ufo' } as never] }), /unknown scene element kind "ufo"/);
  assert.throws(() => generate({ elements: [{ kind: 'noise', sigma: -1 }] }), /noise\.sigma must be a number in \[0, 40\]/);
  assert.throws(() => generate({ elements: [{ kind: 'person', enterAt: 1, dir: 2 as never }] }), /person\.dir/);
  assert.throws(() => generate({ elements: [] }, { width: 10 }), /width/);
  assert.throws(() => generate({ elements: [] }, { fps: 0 }), /fps/);
});

// Speed (< 20 ms per 320x240 frame) is a benchmark, not a test: bench/sim.ts (`npm run bench -- sim`).

test.run();
