/**
 * Walking people: a textured body+head silhouette with swinging legs and arms, pre-rendered in
 * PHASES gait poses (and mirrored for right-to-left), then blitted per frame. Size and speed follow
 * the ground-plane perspective of the foot row. Motion truth 255 under the body, 170 ring around it.
 */
import { blit, fillEllipse, fillPolygon, mirror, newSprite, TRUTH_FG, type Paint, type Sprite } from './canvas.js';
import { castShadow } from './shadow.js';
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
export const TONES: readonly Tone[] = ['dark', 'light', 'mixed'];
const PHASES = 8; // gait poses per stride
const STRIDE_M = 1.4; // m walked per full gait cycle (two steps)

/** Clothing and skin grey levels; dark and light give opposite contrast on most backgrounds. */
function tones(tone: Tone, rng: Rng): { shirt: number; legs: number; skin: number; hair: number } {
  const skin = 95 + rng.int(90);
  const hair = 25 + rng.int(60);
  if (tone === 'dark') return { shirt: 30 + rng.int(35), legs: 25 + rng.int(30), skin, hair };
  if (tone === 'light') return { shirt: 190 + rng.int(45), legs: 150 + rng.int(55), skin, hair };
  return { shirt: 170 + rng.int(55), legs: 30 + rng.int(30), skin, hair };
}

/** Gait poses for a person `h` px tall facing right; texture is keyed to body coordinates. */
export function walkerSprites(h: number, tone: Tone, seed: number): Sprite[] {
  h = Math.max(8, h);
  const rng = new Rng(seed);
  const c = tones(tone, rng);
  const cloth = (base: number): Paint => (x, y) => base + (hash32(x, y, seed) & 15) - 8 + ((x + y) % 5 === 0 ? -6 : 0);
  const out: Sprite[] = [];
  for (let k = 0; k < PHASES; k++) {
    const a = (2 * Math.PI * k) / PHASES;
    const s = newSprite(0.6 * h + 2, h + 1, (0.6 * h + 2) / 2, h);
    const cx = s.w / 2;
    const swing = Math.sin(a);
    const lw = Math.max(1.2, 0.085 * h);
    const aw = Math.max(1, 0.06 * h);
    const leg = (dir: number, shade: number) => {
      const fx = cx + dir * swing * 0.17 * h;
      fillPolygon(s, [cx - lw / 2, 0.5 * h, cx + lw / 2, 0.5 * h, fx + lw / 2, h, fx - lw / 2, h], cloth(c.legs - shade));
      fillEllipse(s, fx + 0.03 * h, h - 0.02 * h, Math.max(1, 0.05 * h), Math.max(0.6, 0.025 * h), () => 30);
    };
    const arm = (dir: number, shade: number) => {
      const hx = cx - dir * swing * 0.13 * h;
      fillPolygon(s, [cx - aw / 2, 0.18 * h, cx + aw / 2, 0.18 * h, hx + aw / 2, 0.5 * h, hx - aw / 2, 0.5 * h], cloth(c.shirt - shade));
    };
    leg(-1, 12);
    arm(-1, 14);
    leg(1, 0);
    fillPolygon(s, [cx - 0.12 * h, 0.16 * h, cx + 0.12 * h, 0.16 * h, cx + 0.1 * h, 0.54 * h, cx - 0.1 * h, 0.54 * h], cloth(c.shirt));
    arm(1, 0);
    fillPolygon(s, [cx - 0.025 * h, 0.11 * h, cx + 0.025 * h, 0.11 * h, cx + 0.025 * h, 0.17 * h, cx - 0.025 * h, 0.17 * h], () => c.skin);
    fillEllipse(s, cx + 0.01 * h, 0.07 * h, 0.055 * h, 0.068 * h, (x, y) => (y < 0.045 * h || x < cx - 0.02 * h ? c.hair : c.skin) + (hash32(x, y, seed) & 7));
    out.push(s);
  }
  return out;
}

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
    if (this.waiting(t)) return 0; // feet together
    const walked = this.pxPerSec * this.walked(t);
    return Math.floor((walked / this.stridePx) * PHASES) % PHASES;
  }
}

/** Sprites for one walk: the right-facing poses, mirrored when walking right to left. */
export function walkSprites(w: Walk, tone: Tone, seed: number): Sprite[] {
  const poses = walkerSprites(w.heightPx, tone, seed);
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
