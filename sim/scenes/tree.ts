/**
 * A tree: a trunk and a leafy, ragged crown that sways (a sum of three incommensurate sines under
 * a slow gust envelope, random phases per seed) and whose leaves flutter (±1 px per row band,
 * new every frame). It is dynamic background: drawn with motion truth 0, and it is never sky.
 * Sky truth under the crown: 0 where leaves cover the pixel at every possible sway, 128 where they
 * cover it only sometimes (the sky shows through now and then: uncertain).
 */
import { newSprite, blit, type Sprite } from './canvas.js';
import { readParams } from './params.js';
import { hash32, Rng } from './random.js';
import { fractalNoise, grain } from './texture.js';
import { SKY_MAYBE, SKY_NO, SKY_YES, type Backdrop, type Element, type FrameContext, type Geometry, type TreeSpec } from './types.js';

export const TREE_PARAMS = {
  x: { def: 0.72, min: -0.5, max: 1.5 }, // trunk position, fraction of the frame width
  y: { def: 0.56, min: 0, max: 1.5 }, // foot of the trunk, fraction of the frame height (below the horizon)
  heightM: { def: 10, min: 1, max: 40 }, // m, ground to the top of the crown
  crownM: { def: 6, min: 0.5, max: 30 }, // m, crown width (its height is 1.15× that)
  trunkM: { def: 2.2, min: 0, max: 20 }, // m, bare trunk below the crown
  swayM: { def: 0.3, min: 0, max: 3 }, // m, peak sideways sway at the top of the crown
  periodS: { def: 2.5, min: 0.3, max: 30 }, // s, main sway period
};
const FLUTTER_BAND = 3; // px: rows in a band of leaves that flutter together
const TRUNK_TONE = 58;

type TreeParams = { [K in keyof typeof TREE_PARAMS]: number };

/** The baked crown: texture and mask in a cw x ch box at (left, top), the filled span per row. */
interface Crown {
  cw: number;
  ch: number;
  left: number;
  top: number;
  tex: Uint8Array;
  mask: Uint8Array;
  spanLo: Int16Array;
  spanHi: Int16Array;
  /** Sway at this crown row / sway at the top. */
  weight: Float64Array;
  /** Peak sway at the top, px. */
  amp: number;
}

/** Sideways offset of the crown top in px at time t; |sway| <= amp. */
function swayAt(t: number, amp: number, periodS: number, phase: number[]): number {
  const w = (2 * Math.PI) / periodS;
  const gust = 0.65 + 0.35 * Math.sin((w * t) / 9.1 + phase[3]);
  return amp * gust * (0.6 * Math.sin(w * t + phase[0]) + 0.25 * Math.sin((w * t) / 0.37 + phase[1]) + 0.15 * Math.sin((w * t) / 0.13 + phase[2]));
}

/** Lumpy outline: a central ellipse plus 7 random blobs (cx, cy, rx, ry), drawn from `rng`. */
function crownBlobs(cw: number, ch: number, rng: Rng): number[] {
  const blobs: number[] = [cw / 2, ch / 2, cw * 0.42, ch * 0.42];
  for (let k = 0; k < 7; k++) {
    const a = rng.range(0, 6.283);
    const d = rng.range(0.15, 0.4);
    const r = rng.range(0.18, 0.3);
    blobs.push(cw / 2 + Math.cos(a) * d * cw, ch / 2 + Math.sin(a) * d * ch, r * cw, r * ch);
  }
  return blobs;
}

/** Leaves inside the blobs, with a noisy threshold for ragged edges and gaps the sky shows through. */
function paintCrown(cw: number, ch: number, s: number, blobs: number[], seed: number): { tex: Uint8Array; mask: Uint8Array } {
  const edge = fractalNoise(cw, ch, Math.max(2, cw >> 2), 3, hash32(seed, 11));
  const leaves = fractalNoise(cw, ch, Math.max(2, Math.round(s * 0.6)), 2, hash32(seed, 12));
  const clusters = fractalNoise(cw, ch, Math.max(2, Math.round(s * 0.2)), 1, hash32(seed, 14));
  const fine = grain(cw, ch, hash32(seed, 13));
  const tex = new Uint8Array(cw * ch);
  const mask = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let d = Infinity;
      for (let k = 0; k < blobs.length; k += 4) {
        const dx = (x + 0.5 - blobs[k]) / blobs[k + 2];
        const dy = (y + 0.5 - blobs[k + 1]) / blobs[k + 3];
        d = Math.min(d, dx * dx + dy * dy);
      }
      const i = y * cw + x;
      const inside = d < 1 - (edge[i] - 128) / 220;
      const gap = d > 0.35 && clusters[i] > 225 && leaves[i] > 110; // sky seen through the foliage
      if (!inside || gap) continue;
      mask[i] = 1;
      // Leaf clusters lit from above with dark gaps between them: about 30..140 against a ~210 sky.
      const v = 34 + (leaves[i] * 45) / 255 + (clusters[i] * 40) / 255 + ((fine[i] - 128) >> 3) + 22 * (1 - y / ch);
      tex[i] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { tex, mask };
}

/** The crown at scale s (px per m) for a trunk foot at (footX, footY). */
function buildCrown(p: TreeParams, footX: number, footY: number, s: number, rng: Rng, seed: number): Crown {
  const treeH = p.heightM * s;
  const cw = Math.max(3, Math.round(p.crownM * s));
  const ch = Math.max(3, Math.round(Math.min(p.heightM - p.trunkM, p.crownM * 1.15) * s));
  const left = Math.round(footX - cw / 2);
  const top = Math.round(footY - treeH);
  const { tex, mask } = paintCrown(cw, ch, s, crownBlobs(cw, ch, rng), seed);
  const spanLo = new Int16Array(ch).fill(cw);
  const spanHi = new Int16Array(ch).fill(-1);
  const weight = new Float64Array(ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      if (mask[y * cw + x]) {
        spanLo[y] = Math.min(spanLo[y], x);
        spanHi[y] = x;
      }
    }
    // A cantilever bends more towards the top: weight grows with height^1.5.
    const above = Math.max(0, footY - (top + y)) / treeH;
    weight[y] = Math.min(1, Math.pow(above, 1.5));
  }
  return { cw, ch, left, top, tex, mask, spanLo, spanHi, weight, amp: p.swayM * s };
}

/** The bare trunk, tapering from its base, anchored at its foot. */
function buildTrunk(p: TreeParams, s: number, seed: number): Sprite {
  const treeH = p.heightM * s;
  const hgt = Math.max(2, Math.round(Math.min(treeH, (p.trunkM + 0.4 * (p.heightM - p.trunkM)) * s)));
  const wBase = Math.max(2, 0.4 * s);
  const wTop = Math.max(1, 0.22 * s);
  const sp = newSprite(Math.ceil(wBase) + 2, hgt, (Math.ceil(wBase) + 2) / 2, hgt - 1);
  for (let y = 0; y < sp.h; y++) {
    const half = (wTop + ((wBase - wTop) * y) / sp.h) / 2;
    for (let x = 0; x < sp.w; x++) {
      if (Math.abs(x + 0.5 - sp.w / 2) > Math.max(0.5, half)) continue;
      sp.mask[y * sp.w + x] = 1;
      sp.grey[y * sp.w + x] = TRUNK_TONE + (hash32(x, y >> 2, seed) % 17) - 8 - (x < sp.w / 2 ? 0 : 10);
    }
  }
  return sp;
}

/** Sky truth: the trunk is never sky; under the crown 0 where leaves always cover, 128 where only sometimes. */
function markSky(b: Backdrop, g: Geometry, c: Crown, trunk: Sprite, footX: number, footY: number): void {
  const W = g.width;
  for (let y = 0; y < trunk.h; y++) {
    for (let x = 0; x < trunk.w; x++) {
      const X = footX - trunk.ax + x, Y = footY - trunk.ay + y;
      if (trunk.mask[y * trunk.w + x] && X >= 0 && X < W && Y >= 0 && Y < g.height) b.skyClass[Y * W + X] = SKY_NO;
    }
  }
  // Crown envelope over every sway the draw can produce (sway + 1 px flutter).
  for (let y = 0; y < c.ch; y++) {
    const Y = c.top + y;
    if (Y < 0 || Y >= g.height || c.spanHi[y] < 0) continue;
    const m = Math.ceil(c.amp * c.weight[y]) + 1;
    for (let X = Math.max(0, c.left + c.spanLo[y] - m); X <= Math.min(W - 1, c.left + c.spanHi[y] + m); X++) {
      let some = false;
      let all = true;
      for (let d = -m; d <= m; d++) {
        const col = X - c.left - d;
        const on = col >= 0 && col < c.cw && c.mask[y * c.cw + col] === 1;
        some ||= on;
        all &&= on;
      }
      const i = Y * W + X;
      if (all) b.skyClass[i] = SKY_NO;
      else if (some && b.skyClass[i] === SKY_YES) b.skyClass[i] = SKY_MAYBE;
    }
  }
}

/** The crown swayed by `a` px at the top, each band of rows fluttering ±1 px; motion truth 0. */
function drawCrown(f: FrameContext, c: Crown, a: number, seed: number): void {
  const W = f.g.width;
  const H = f.g.height;
  for (let y = 0; y < c.ch; y++) {
    const Y = c.top + y;
    if (Y < 0 || Y >= H || c.spanHi[y] < 0) continue;
    const h = hash32(seed, f.index, Math.floor((Y) / FLUTTER_BAND)) & 3;
    const dx = Math.round(a * c.weight[y]) + (h === 0 ? -1 : h === 1 ? 1 : 0);
    const row = y * c.cw;
    const rowOut = Y * W + c.left + dx;
    const c0 = Math.max(c.spanLo[y], -(c.left + dx));
    const c1 = Math.min(c.spanHi[y], W - 1 - (c.left + dx));
    for (let col = c0; col <= c1; col++) {
      if (c.mask[row + col]) {
        f.grey[rowOut + col] = c.tex[row + col];
        f.motion[rowOut + col] = 0;
      }
    }
  }
}

export function createTree(spec: TreeSpec, g: Geometry, seed: number): Element {
  const p = readParams(spec, TREE_PARAMS, 'tree');
  const rng = new Rng(seed);
  const phase = [rng.range(0, 6.283), rng.range(0, 6.283), rng.range(0, 6.283), rng.range(0, 6.283)];
  const footX = Math.round(p.x * g.width);
  const footY = Math.round(p.y * g.height);
  // Per compiled scene; set by bake().
  let crown: Crown | null = null;
  let trunk: Sprite | null = null;
  return {
    kind: 'tree',
    layer: 2,
    foreground: false,
    depthY: footY,
    bake(b: Backdrop) {
      const s = g.scaleAt(footY);
      crown = buildCrown(p, footX, footY, s, rng, seed);
      trunk = buildTrunk(p, s, seed);
      markSky(b, g, crown, trunk, footX, footY);
    },
    draw(f: FrameContext) {
      blit(f, trunk!, footX, footY, 0, false);
      drawCrown(f, crown!, swayAt(f.t, crown!.amp, p.periodS, phase), seed);
    },
  };
}
