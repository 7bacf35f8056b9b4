import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGreyPng } from '../../sim/image-io.js';
import { openSource, parseSceneSpec } from '../../sim/sources/open.js';
import { rejects } from './assert-async.js';

const tmp = mkdtempSync(join(tmpdir(), 'quietcam-open-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('scene specs: scene:NAME and scene:NAME:SEED', () => {
  assert.equal(parseSceneSpec('scene:busy'), { name: 'busy' });
  assert.equal(parseSceneSpec('scene:busy:7'), { name: 'busy', seed: 7 });
  assert.is(parseSceneSpec('../footage/tree.avi'), undefined);
  assert.throws(() => parseSceneSpec('scene:'), /scene:NAME/);
  assert.throws(() => parseSceneSpec('scene:busy:x'), /seed must be an integer/);
  assert.throws(() => parseSceneSpec('scene:a:1:2'), /scene:NAME/);
});

test('a folder opens as CDnet, a file as video', async () => {
  const dir = join(tmp, 'seq');
  mkdirSync(join(dir, 'input'), { recursive: true });
  writeFileSync(join(dir, 'input', 'in000001.png'), encodeGreyPng(new Uint8Array(16 * 12), 16, 12));
  const cd = await openSource(dir, { fps: 12 });
  assert.equal([cd.name, cd.width, cd.height, cd.fps, cd.frameCount], ['seq', 16, 12, 12, 1]);

  const clip = join(tmp, 'clip.mkv');
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=5', '-frames:v', '2', '-c:v', 'ffv1', '-y', clip]);
  const v = await openSource(clip, {});
  assert.equal([v.name, v.width, v.height, v.fps, v.hasTruth], ['clip.mkv', 32, 24, 5, false]);
});

test('a missing path says what was expected', async () => {
  await rejects(() => openSource(join(tmp, 'missing'), {}), /no such file or folder \(expected a CDnet folder, a video file or scene:NAME\)/);
});

test('an unknown scene is a clear error naming it', async () => {
  await rejects(() => openSource('scene:no-such-scene-xyz', {}), /no-such-scene-xyz/);
});

test('scene:NAME:SEED opens a generated scene with ground truth; the seed changes the pixels', async () => {
  const first = async (spec: string) => {
    const src = await openSource(spec, { seconds: 1 });
    for await (const f of src.frames()) return { src, f };
    throw new Error('no frames');
  };
  const a = await first('scene:plain:3');
  assert.is(a.src.name, 'scene:plain');
  assert.ok(a.src.hasTruth);
  assert.is(a.f.grey.length, a.src.width * a.src.height);
  const aGrey = Uint8Array.from(a.f.grey); // scenes reuse their buffers
  const b = await first('scene:plain:4');
  assert.not.equal(Array.from(aGrey), Array.from(b.f.grey));
});

test.run();
