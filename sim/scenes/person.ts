/**
 * Walking people (drawn in figure.ts) with swinging legs and arms, pre-rendered in PHASES gait
 * poses and a standing one (and mirrored for right-to-left), then blitted per frame. Size and speed
 * follow the ground-plane perspective of the foot row. Motion truth 255 under the body, 170 on its
 * anti-aliased edge and in a ring around it, 50 under its shadow (hard, or a soft contact shadow).
 */
import { blit, mirror, TRUTH_FG, type Sprite } from './canvas.js';
import { PHASES, STANDING, walkerSprites } from './figure.js';
import { castShadow, contactShadow } from './shadow.js';
import { readChoice, readDir, readParams } from './params.js';
import { hash32, Rng } from './random.js';
import type { Element, FrameContext, Geometry, PersonSpec, SceneEvent, Tone } from './types.js';

export const PERSON_PARAMS = {
  enterAt: { def: 12, min: 0, max: 1e6 }, // s, first frame with the person (just outside the edge)
  speed: { def: 1.1, min: 0.2, max: 4 }, // m/s: 0.5–1.5 is a walk, ≈2–5 px/frame at 320x240, 10 fps
  y: { def: 0.85, min: 0, max: 1.5 }, // foot row, fraction of the frame height (below the horizon)
  heightM: { def: 1.75, min: 0.5, max: 2.5 }, // m
  stopX: { def: -1, min: -1, max: 1 }, // where the person stops and waits (fraction of the width); -1 = never stops
  waitS: { def: 0, min: 0, max: 1e6 }, // s standing at stopX (shifting weight by a few cm) before walking on
  startX: { def: -1, min: -1, max: 1 }, // where the person is at enterAt (fraction of the width); -1 = just outside the edge
};
/** Sideways weight shift of a waiting person: amplitude (fraction of the height) and period. */
const WAIT_SWAY = 0.035;
const WAIT_SWAY_S = 4.3;
export { walkerSprites };
export const TONES: readonly Tone[] = ['dark', 'light', 'mixed'];
const STRIDE_M = 1.4; // m walked per full gait cycle (two steps)

/** Where a walk starts and whether it pauses: fractions of the width, seconds (-1 = not used). */
export interface WalkPlan { stopX?: number; waitS?: number; startX?: number }

/**
 * Straight walk across the frame at constant speed, from just outside one edge (or from `startX`)
 * to beyond the other, optionally standing still at `stopX` for `waitS` seconds on the way.
 */
export class Walk {
  readonly footY: number;
  readonly heightPx: number;
  readonly widthPx: number;
  readonly pxPerSec: number;
  readonly leaveAt: number;
  /** When the person reaches stopX and stands (Infinity: never), and for how long. */
  readonly stopAt: number;
  readonly waitS: number;
  private readonly x0: number;
  private readonly stridePx: number;
  private readonly swayPx: number;
  constructor(g: Geometry, readonly enterAt: number, speed: number, readonly dir: 1 | -1, y: number, heightM: number, plan: WalkPlan = {}) {
    this.footY = Math.round(y * g.height);
    const s = g.scaleAt(this.footY);
    this.heightPx = Math.max(8, Math.round(heightM * s));
    this.widthPx = Math.ceil(0.6 * this.heightPx + 2);
    this.pxPerSec = speed * s;
    this.stridePx = STRIDE_M * s;
    this.swayPx = WAIT_SWAY * this.heightPx;
    const outside = dir > 0 ? -this.widthPx / 2 - 1 : g.width + this.widthPx / 2 + 1;
    this.x0 = plan.startX !== undefined && plan.startX >= 0 ? plan.startX * g.width : outside;
    const stop = plan.stopX !== undefined && plan.stopX >= 0 ? plan.stopX * g.width : undefined;
    this.waitS = stop === undefined ? 0 : plan.waitS ?? 0;
    this.stopAt = stop === undefined || (stop - this.x0) * dir < 0 ? Infinity : enterAt + Math.abs(stop - this.x0) / this.pxPerSec;
    const exit = dir > 0 ? g.width + this.widthPx / 2 + 1 : -this.widthPx / 2 - 1;
    this.leaveAt = enterAt + this.waitS + Math.abs(exit - this.x0) / this.pxPerSec;
  }
  /** Frame time t is within the walk. */
  active(t: number): boolean {
    return t >= this.enterAt && t <= this.leaveAt;
  }
  /** Standing at stopX at time t. */
  waiting(t: number): boolean {
    return t >= this.stopAt && t < this.stopAt + this.waitS;
  }
  /** Seconds spent walking by time t. */
  private walked(t: number): number {
    if (t < this.stopAt) return Math.max(0, t - this.enterAt);
    return t < this.stopAt + this.waitS ? this.stopAt - this.enterAt : t - this.enterAt - this.waitS;
  }
  /** Foot x in px at time t (fractional); a waiting person shifts weight by a few centimetres. */
  x(t: number): number {
    const sway = this.waiting(t) ? this.swayPx * Math.sin((2 * Math.PI * (t - this.stopAt)) / WAIT_SWAY_S) : 0;
    return this.x0 + this.dir * this.pxPerSec * this.walked(t) + sway;
  }
  /** Time at which the foot reaches column `x` (walking, before any wait). */
  timeAt(x: number): number {
    return this.enterAt + (x - this.x0) / (this.dir * this.pxPerSec);
  }
  pose(t: number): number {
    if (this.waiting(t)) return STANDING;
    const walked = this.pxPerSec * this.walked(t);
    return Math.floor((walked / this.stridePx) * PHASES) % PHASES;
  }
}

/** Sprites for one walk: the right-facing poses, mirrored when walking right to left (carry: arms holding a box). */
export function walkSprites(w: Walk, tone: Tone, seed: number, carry = false): Sprite[] {
  const poses = walkerSprites(w.heightPx, tone, seed, carry);
  return w.dir > 0 ? poses : poses.map(mirror);
}

export function createPerson(spec: PersonSpec, g: Geometry, seed: number): Element {
  const p = readParams(spec, PERSON_PARAMS, 'person');
  const dir = readDir(spec.dir, 'person');
  const rng = new Rng(hash32(seed, 1));
  const tone = readChoice(spec.tone, TONES, 'person.tone') ?? rng.pick(TONES);
  const walk = new Walk(g, p.enterAt, p.speed, dir, p.y, p.heightM, { stopX: p.stopX, waitS: p.waitS, startX: p.startX });
  const sprites = walkSprites(walk, tone, seed);
  const shadow = spec.shadow === true;
  return {
    kind: 'person',
    layer: 2,
    foreground: true,
    depthY: walk.footY,
    draw(f: FrameContext) {
      if (!walk.active(f.t)) return;
      const sprite = sprites[walk.pose(f.t)];
      const x = Math.round(walk.x(f.t));
      if (shadow) castShadow(f, sprite, x, walk.footY);
      else contactShadow(f, x, walk.footY, walk.heightPx);
      blit(f, sprite, x, walk.footY, TRUTH_FG, !walk.waiting(f.t));
    },
    events(): SceneEvent[] {
      const note = `${tone}, ${p.speed} m/s, ${dir > 0 ? 'left to right' : 'right to left'}${shadow ? ', hard shadow' : ''}`;
      const ev: SceneEvent[] = [{ t: walk.enterAt, kind: 'person', what: 'enter', note }];
      if (walk.stopAt !== Infinity && walk.waitS > 0) {
        ev.push({ t: walk.stopAt, kind: 'person', what: 'wait', until: walk.stopAt + walk.waitS, note: `stands ${walk.waitS} s` });
      }
      ev.push({ t: walk.leaveAt, kind: 'person', what: 'leave' });
      return ev;
    },
  };
}
