/**
 * The generated scenes' people are people to the relay's person detector (NanoDet, the default
 * 288x224 on the whole frame; and at 192x192 on a crop about twice the person's box, as the relay
 * scores crops around the board's motion boxes): for each scene with people, the best of three
 * frames of one crossing (like an event's frames) scores at or above the alert threshold; frames of
 * the tree scene, whole and cropped around the crown, score below it. The model loads from
 * node_modules; a few frames only (`npm run bench -- alerts` plays whole scenes as events).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharp from 'sharp';
import { nanodetPersonDetector } from '../../src/adapters/person-nanodet.ts';
import type { PersonDetector } from '../../src/alerts/types.ts';
import { ALERT_DEFAULTS } from '../../src/alerts/verdict.ts';
import { sceneSpec } from '../../sim/scenes/index.js';
import { renderer } from './scene-fixtures.js';

const T = ALERT_DEFAULTS.personScore;
let full: PersonDetector | null = null;
let crop: PersonDetector | null = null;

test.before(async () => {
  full = await nanodetPersonDetector();
  crop = await nanodetPersonDetector({ input: { width: 192, height: 192 } });
});

test.after(async () => {
  await full?.close();
  await crop?.close();
});

type Box = { left: number; top: number; width: number; height: number };

function jpeg(grey: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(grey), { raw: { width, height, channels: 1 } }).jpeg({ quality: 80 }).toBuffer();
}

/** Bounding box of the 255 truth, or null when there is none. */
function truthBox(motion: Uint8Array, W: number): Box | null {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 0; i < motion.length; i++) {
    if (motion[i] !== 255) continue;
    const x = i % W, y = (i - x) / W;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return x1 < 0 ? null : { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** A square about twice the box's larger side around its centre, kept inside the frame. */
function around(b: Box, W: number, H: number): Box {
  const side = Math.min(W, H, 2 * Math.max(b.width, b.height));
  const left = Math.max(0, Math.min(W - side, Math.round(b.left + b.width / 2 - side / 2)));
  const top = Math.max(0, Math.min(H - side, Math.round(b.top + b.height / 2 - side / 2)));
  return { left, top, width: side, height: side };
}

/**
 * Scores three frames of element `k`'s crossing (30, 50 and 70 % of the way from entering to
 * leaving): the whole frame, and a crop around that element alone (its truth rendered by itself).
 */
async function crossing(name: string, k: number): Promise<{ full: number[]; crop: number[]; heightPx: number }> {
  const spec = sceneSpec(name);
  const r = renderer(spec);
  const alone = renderer({ ...spec, elements: [spec.elements[k]] });
  const W = r.scene.width, H = r.scene.height;
  const id = `${spec.elements[k].kind}#${spec.elements.slice(0, k).filter((e) => e.kind === spec.elements[k].kind).length}`;
  const enter = r.scene.timeline.find((e) => e.id === id && e.what === 'enter')!.t;
  const leave = r.scene.timeline.find((e) => e.id === id && e.what === 'leave')!.t;
  const out = { full: [] as number[], crop: [] as number[], heightPx: 0 };
  for (const f of [0.3, 0.5, 0.7]) {
    const i = Math.round((enter + f * (leave - enter)) * r.scene.fps);
    const box = truthBox(alone.frame(i).motion, W);
    assert.ok(box && box.left > 0 && box.left + box.width < W, `${name} ${id} in full view at frame ${i}`);
    out.heightPx = Math.max(out.heightPx, box.height);
    const j = await jpeg(r.frame(i).grey, W, H);
    out.full.push((await full!.detect(j)).score);
    out.crop.push((await crop!.detect(await sharp(j).extract(around(box, W, H)).jpeg().toBuffer())).score);
  }
  return out;
}

const best = (v: number[]) => Math.max(...v);
const show = (v: number[]) => v.map((s) => s.toFixed(2)).join(' ');

// [scene, element index of a person or a package carrier, scored on the whole frame too]
const PEOPLE: [string, number, boolean][] = [
  ['plain', 3, true], ['queue', 5, true], ['busy', 6, true], ['busy', 9, true], ['package', 3, true],
  // ~28 px tall in the 288x224 input: at the threshold on the whole frame (best 0.50-0.53), not asserted; crops see them
  ['tree-person', 6, false], ['tree-person', 7, false],
];

test('a person in each scene with people scores at or above the alert threshold (best of 3 frames)', async () => {
  const lines: string[] = [];
  for (const [name, k, whole] of PEOPLE) {
    const s = await crossing(name, k);
    lines.push(`${name}#${k} (${s.heightPx} px): whole ${show(s.full)}; crop ${show(s.crop)}`);
    if (whole) assert.ok(best(s.full) >= T, `${name} element ${k}, whole frame: ${show(s.full)}`);
    assert.ok(best(s.crop) >= T, `${name} element ${k}, crop around the person: ${show(s.crop)}`);
  }
  console.log(`  person scores (threshold ${T}):\n    ${lines.join('\n    ')}`);
});

test('the tree scene scores below the threshold, whole and cropped around the swaying crown', async () => {
  const r = renderer(sceneSpec('tree'));
  const W = r.scene.width, H = r.scene.height;
  for (const i of [150, 300]) {
    const j = await jpeg(r.frame(i).grey, W, H);
    const whole = (await full!.detect(j)).score;
    assert.ok(whole < T, `tree frame ${i}: ${whole}`);
    const crown = around({ left: Math.round(0.55 * W), top: Math.round(0.1 * H), width: Math.round(0.3 * W), height: Math.round(0.45 * H) }, W, H);
    const c = (await crop!.detect(await sharp(j).extract(crown).jpeg().toBuffer())).score;
    assert.ok(c < T, `tree frame ${i}, crop: ${c}`);
  }
});

test.run();
