/**
 * Walking people: a textured body+head silhouette with swinging legs and arms, pre-rendered in
 * PHASES gait poses (and mirrored for right-to-left), then blitted per frame. Size and speed follow
 * the ground-plane perspective of the foot row. Motion truth 255 under the body, 170 ring around it.
 */
import { blit, fillEllipse, fillPolygon, mirror, newSprite, TRUTH_FG, type Paint, type Sprite } from './canvas.js';
import { readChoice, readDir, readParams } from './params.js';
import { hash32, Rng } from './random.js';
import type { Element, FrameContext, Geometry, PersonSpec, SceneEvent, Tone } from './types.js';

export const PERSON_PARAMS = {
  enterAt: { def: 12, min: 0, max: 1e6 }, // s, first frame with the person (just outside the edge)
  speed: { def: 1.1, min: 0.2, max: 4 }, // m/s: 0.5–1.5 is a walk, ≈2–5 px/frame at 320x240, 10 fps
  y: { def: 0.85, min: 0, max: 1.5 }, // foot row, fraction of the frame height (below the horizon)
  heightM: { def: 1.75, min: 0.5, max: 2.5 }, // m
};
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

/** Straight walk across the frame at constant speed, from just outside one edge to beyond the other. */
export class Walk {
  readonly footY: number;
  readonly heightPx: number;
  readonly widthPx: number;
  readonly pxPerSec: number;
  readonly leaveAt: number;
  private readonly x0: number;
  private readonly stridePx: number;
  constructor(g: Geometry, readonly enterAt: number, speed: number, readonly dir: 1 | -1, y: number, heightM: number) {
    this.footY = Math.round(y * g.height);
    const s = g.scaleAt(this.footY);
    this.heightPx = Math.max(8, Math.round(heightM * s));
    this.widthPx = Math.ceil(0.6 * this.heightPx + 2);
    this.pxPerSec = speed * s;
    this.stridePx = STRIDE_M * s;
    this.x0 = dir > 0 ? -this.widthPx / 2 - 1 : g.width + this.widthPx / 2 + 1;
    this.leaveAt = enterAt + (g.width + this.widthPx + 2) / this.pxPerSec;
  }
  /** Frame time t is within the walk. */
  active(t: number): boolean {
    return t >= this.enterAt && t <= this.leaveAt;
  }
  /** Foot x in px at time t (fractional). */
  x(t: number): number {
    return this.x0 + this.dir * this.pxPerSec * (t - this.enterAt);
  }
  /** Time at which the foot reaches column `x`. */
  timeAt(x: number): number {
    return this.enterAt + (x - this.x0) / (this.dir * this.pxPerSec);
  }
  pose(t: number): number {
    const walked = this.pxPerSec * Math.max(0, t - this.enterAt);
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
  const walk = new Walk(g, p.enterAt, p.speed, dir, p.y, p.heightM);
  const sprites = walkSprites(walk, tone, seed);
  return {
    kind: 'person',
    layer: 2,
    foreground: true,
    depthY: walk.footY,
    draw(f: FrameContext) {
      if (!walk.active(f.t)) return;
      blit(f, sprites[walk.pose(f.t)], Math.round(walk.x(f.t)), walk.footY, TRUTH_FG, true);
    },
    events(): SceneEvent[] {
      const note = `${tone}, ${p.speed} m/s, ${dir > 0 ? 'left to right' : 'right to left'}`;
      return [
        { t: walk.enterAt, kind: 'person', what: 'enter', note },
        { t: walk.leaveAt, kind: 'person', what: 'leave' },
      ];
    },
  };
}
