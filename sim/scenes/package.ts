/**
 * A package delivery: a person walks in carrying a box in front of them, drops it when their feet
 * reach `dropX`, and walks on out of the frame. The box falls for FALL_S and then stays on the
 * ground until the end: truth 255 all along (carried, falling, lying), 170 ring only while moving.
 */
import { blit, newSprite, TRUTH_FG, type Sprite } from './canvas.js';
import { readChoice, readDir, readParams } from './params.js';
import { hash32, Rng } from './random.js';
import { PERSON_PARAMS, TONES, Walk, walkSprites } from './person.js';
import type { Element, FrameContext, Geometry, PackageSpec, SceneEvent } from './types.js';

export const PACKAGE_PARAMS = {
  ...PERSON_PARAMS,
  dropX: { def: 0.45, min: 0.05, max: 0.95 }, // where the box is put down, fraction of the frame width
  boxM: { def: 0.45, min: 0.1, max: 2 }, // m, box width (height is 0.7 of it)
  waitS: { def: 0, min: 0, max: 1e6 }, // s the carrier stays beside the box (sitting, still) before leaving
  reach: { def: 0.5, min: 0, max: 1 }, // box centre from a waiting carrier's feet, fraction of their height (< 0.4: they overlap it)
  fidgetS: { def: 0, min: 0, max: 1e6 }, // s between a waiting carrier's small arm/head movements (0: none); each lasts FIDGET_S
};
const FIDGET_S = 1.2; // s an arm/head movement of a waiting carrier lasts
const FALL_S = 0.3; // s from release to lying on the ground
const CARRY_HEIGHT = 0.42; // box bottom above the feet, fraction of the person's height

function boxSprite(scale: number, sizeM: number, seed: number): Sprite {
  const w = Math.max(3, Math.round(sizeM * scale));
  const h = Math.max(2, Math.round(0.7 * sizeM * scale));
  const s = newSprite(w, h, w / 2, h - 1);
  const base = 150 + new Rng(seed).int(30); // cardboard
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const tape = Math.abs(x - (w >> 1)) < Math.max(1, w / 10);
      s.grey[y * w + x] = (tape ? base + 45 : base - (y === 0 ? 0 : 15)) + (hash32(x, y, seed) & 7);
      s.mask[y * w + x] = 1;
    }
  }
  return s;
}

export function createPackage(spec: PackageSpec, g: Geometry, seed: number): Element {
  const p = readParams(spec, PACKAGE_PARAMS, 'package');
  const dir = readDir(spec.dir, 'package');
  const rng = new Rng(hash32(seed, 1));
  const tone = readChoice(spec.tone, TONES, 'package.tone') ?? rng.pick(TONES);
  const walk = new Walk(g, p.enterAt, p.speed, dir, p.y, p.heightM, p.waitS > 0 ? { stopX: p.dropX, waitS: p.waitS } : {});
  const people = walkSprites(walk, tone, seed);
  const carrying = walkSprites(walk, tone, seed, true);
  const box = boxSprite(g.scaleAt(walk.footY), p.boxM, hash32(seed, 2));
  // Box centre ahead of the feet: in the hands, or set down beside a carrier who stays.
  const reach = Math.round((p.waitS > 0 ? p.reach : 0.16) * walk.heightPx);
  // With a wait, the box is put down beside the carrier as they stop; otherwise on the move.
  const dropAt = p.waitS > 0 ? walk.stopAt : walk.timeAt(p.dropX * g.width);
  const dropBoxX = Math.round(walk.x(dropAt) + dir * reach);
  const carryY = walk.footY - Math.round(CARRY_HEIGHT * walk.heightPx);
  // While waiting, every fidgetS seconds the carrier moves an arm (a gait pose) for FIDGET_S.
  const fidgeting = (t: number) => p.fidgetS > 0 && walk.waiting(t) && (t - walk.stopAt) % p.fidgetS >= p.fidgetS - FIDGET_S;
  const pose = (t: number) => (fidgeting(t) ? 1 + (Math.floor((t - walk.stopAt) / p.fidgetS) % 3) : walk.pose(t));
  return {
    kind: 'package',
    layer: 2,
    foreground: true,
    depthY: walk.footY,
    draw(f: FrameContext) {
      const t = f.t;
      if (t < walk.enterAt) return;
      const drawBox = () => {
        if (t < dropAt) {
          blit(f, box, Math.round(walk.x(t) + dir * reach), carryY, TRUTH_FG, true);
        } else {
          const u = Math.min(1, (t - dropAt) / FALL_S);
          blit(f, box, dropBoxX, Math.round(carryY + (walk.footY - carryY) * u * u), TRUTH_FG, u < 1);
        }
      };
      // A carrier who stays sits in front of the box once it is down, partly hiding it.
      const inFront = p.waitS > 0 && t >= dropAt + FALL_S;
      if (inFront) drawBox();
      if (walk.active(t)) blit(f, (t < dropAt ? carrying : people)[pose(t)], Math.round(walk.x(t)), walk.footY, TRUTH_FG, !walk.waiting(t) || fidgeting(t));
      if (!inFront) drawBox();
    },
    events(): SceneEvent[] {
      return [
        { t: walk.enterAt, kind: 'package', what: 'enter', note: `${tone} person carrying a box` },
        { t: dropAt, kind: 'package', what: 'drop' },
        { t: dropAt + FALL_S, kind: 'package', what: 'stop', note: `box lies at x=${dropBoxX} px until the end` },
        ...(p.waitS > 0 ? [{ t: dropAt, kind: 'package' as const, what: 'wait' as const, until: dropAt + p.waitS, note: `carrier stays ${p.waitS} s beside the box` }] : []),
        { t: walk.leaveAt, kind: 'package', what: 'leave', note: 'carrier has left; the box stays' },
      ];
    },
  };
}
