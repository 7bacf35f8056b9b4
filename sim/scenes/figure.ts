/**
 * A walking person drawn as a COCO person detector sees one in grey CCTV footage: human
 * proportions (head about 1/6 of the height, neck, shoulders wider than hips, two arms and two
 * legs that swing in a walking gait, feet), clothes in two tones with soft shading (lit from the
 * left), hair, anti-aliased edges (shapes.ts). Facing right; person.ts mirrors it.
 * Heights below are fractions of the person's height h, y from the top of the head.
 */
import { newSprite, type Paint, type Sprite } from './canvas.js';
import { paintLayers, type Layer, type Shape } from './shapes.js';
import { hash32, Rng } from './random.js';
import type { Tone } from './types.js';

/** Gait poses per stride. */
export const PHASES = 8;
/** Index of the standing pose in walkerSprites(). */
export const STANDING = PHASES;
/**
 * Shape of the figure, tuned against NanoDet's person score on scene backgrounds (whole frame and
 * crops; test/sim/scenes-people-detector.test.ts) and the motion figures (`npm run bench -- accuracy`).
 */
const ARM_X = 0.13; // shoulder joints from the body's axis (outside the torso, so both arms show)
const ARM_SWING = 0.3; // upper arm swing, radians either way
const HEAD = 1.15; // head radii over 0.05h x 0.07h: 0.16 of the height (1/6; 1/7.5 scored a little lower)
const KNEE = 0.75; // knee bend of the swinging leg, radians at most
const THIGH = 0.42; // thigh swing, radians either way
const BULK = 1.2; // torso width over a slim build (a jacket)
const HIP_X = 0.02; // hip joints from the axis

interface Tones { shirt: number; legs: number; skin: number; hair: number; shoes: number }

/** Clothing and skin grey levels; dark and light give opposite contrast on most backgrounds. */
function tones(tone: Tone, rng: Rng): Tones {
  const skin = 110 + rng.int(50);
  const hair = 25 + rng.int(40);
  const shoes = 22 + rng.int(25);
  if (tone === 'dark') return { shirt: 30 + rng.int(25), legs: 25 + rng.int(20), skin, hair, shoes };
  if (tone === 'light') return { shirt: 205 + rng.int(35), legs: 150 + rng.int(40), skin, hair, shoes };
  return { shirt: 160 + rng.int(40), legs: 30 + rng.int(25), skin, hair, shoes };
}

/**
 * Rounded shading across a part whose axis is at `axis(y)` with half width `r`: brighter on the
 * left (the lit side), darker toward both edges, a little fabric texture.
 */
function rounded(base: number, axis: (y: number) => number, r: number, seed: number): Paint {
  const lit = 0.14 * base + 6;
  const edge = 0.18 * base + 5;
  return (x, y) => {
    const u = Math.max(-1, Math.min(1, (x - axis(y)) / r));
    return base - lit * u - edge * u * u + (hash32(Math.floor(x), Math.floor(y), seed) & 7) - 3.5;
  };
}

/** A limb from (x0, y0) to (x1, y1), radii r0 to r1, shaded round about its own axis. */
function limb(x0: number, y0: number, x1: number, y1: number, r0: number, r1: number, base: number, seed: number): Layer {
  const axis = (y: number) => (y1 === y0 ? (x0 + x1) / 2 : x0 + ((Math.max(Math.min(y, Math.max(y0, y1)), Math.min(y0, y1)) - y0) * (x1 - x0)) / (y1 - y0));
  const shape: Shape = { kind: 'capsule', x0, y0, x1, y1, r0, r1 };
  return { shape, paint: rounded(base, axis, Math.max(r0, r1), seed) };
}

/** Direction (dx, dy) of a limb `angle` radians from straight down, positive toward the front (+x). */
const down = (angle: number): [number, number] => [Math.sin(angle), Math.cos(angle)];

interface Leg { hip: [number, number]; knee: [number, number]; ankle: [number, number]; shin: number }

/** Joint angles, radians from straight down, positive toward the front: [thigh, shin] and [upper arm, forearm]. */
interface Pose { near: [number, number]; far: [number, number]; nearArm: [number, number]; farArm: [number, number] }

/** Leg angles at gait phase p: the thigh swings, the knee bends while the leg swings forward. */
function gaitLeg(p: number): [number, number] {
  const thigh = THIGH * Math.sin(p);
  return [thigh, thigh - KNEE * Math.max(0, Math.cos(p)) * (0.4 + 0.6 * Math.max(0, -Math.sin(p) + 0.5))];
}

/** Arm angles at swing phase p (the forearm bends forward more on the forward swing), or held forward, forearm level, carrying. */
function gaitArm(p: number, carry: boolean): [number, number] {
  const upper = carry ? 0.3 : ARM_SWING * Math.sin(p);
  return [upper, carry ? 1.3 : upper + 0.15 + 0.4 * Math.max(0, Math.sin(p))];
}

/** Walking at phase a (the near leg's), arms swinging against the legs; or standing (a = null), feet a little apart. */
function pose(a: number | null, carry: boolean): Pose {
  if (a === null) return { near: [0.12, 0.12], far: [-0.12, -0.12], nearArm: gaitArm(0, carry), farArm: gaitArm(0, carry) };
  return { near: gaitLeg(a), far: gaitLeg(a + Math.PI), nearArm: gaitArm(a + Math.PI, carry), farArm: gaitArm(a, carry) };
}

function leg(hx: number, hy: number, [thigh, shin]: [number, number], h: number): Leg {
  const [tx, ty] = down(thigh);
  const [sx, sy] = down(shin);
  const knee: [number, number] = [hx + 0.245 * h * tx, hy + 0.245 * h * ty];
  return { hip: [hx, hy], knee, ankle: [knee[0] + 0.235 * h * sx, knee[1] + 0.235 * h * sy], shin };
}

function legLayers(l: Leg, c: Tones, shade: number, h: number, seed: number): Layer[] {
  const [hx, hy] = l.hip, [kx, ky] = l.knee, [ax, ay] = l.ankle;
  const toe = Math.max(0, -l.shin) * 0.9; // toes point down behind the body (push-off)
  const fx = Math.cos(toe), fy = Math.sin(toe);
  return [
    limb(hx, hy, kx, ky, 0.055 * h, 0.042 * h, c.legs - shade, seed),
    limb(kx, ky, ax, ay, 0.042 * h, 0.03 * h, c.legs - shade, seed),
    limb(ax - 0.02 * h * fx, ay + 0.012 * h, ax + 0.07 * h * fx, ay + 0.012 * h + 0.07 * h * fy, 0.024 * h, 0.02 * h, c.shoes - shade / 2, seed),
  ];
}

/** One arm from the shoulder (sx, sy) at [upper arm, forearm] angles, and the hand. */
function armLayers(sx: number, sy: number, [upper, fore]: [number, number], c: Tones, shade: number, h: number, seed: number): Layer[] {
  const [ux, uy] = down(upper);
  const [fx, fy] = down(fore);
  const ex = sx + 0.175 * h * ux, ey = sy + 0.175 * h * uy;
  const wx = ex + 0.15 * h * fx, wy = ey + 0.15 * h * fy;
  return [
    limb(sx, sy, ex, ey, 0.036 * h, 0.031 * h, c.shirt - shade, seed),
    limb(ex, ey, wx, wy, 0.03 * h, 0.025 * h, c.shirt - shade, seed),
    { shape: { kind: 'ellipse', cx: wx + 0.012 * h * fx, cy: wy + 0.015 * h * fy, rx: 0.024 * h, ry: 0.03 * h, angle: -fore }, paint: rounded(c.skin - shade, () => wx, 0.025 * h, seed) },
  ];
}

/** Torso, neck and head over the hips at (cx, hy). */
function upperLayers(cx: number, hy: number, c: Tones, h: number, seed: number): Layer[] {
  const off = hy - 0.49 * h; // the body bobs with the stride
  const sy = 0.19 * h + off;
  const torso = [
    cx - 0.08 * h * BULK, sy - 0.015 * h, cx + 0.08 * h * BULK, sy - 0.015 * h, cx + 0.112 * h * BULK, sy + 0.025 * h, cx + 0.1 * h * BULK, sy + 0.14 * h,
    cx + 0.085 * h * BULK, hy - 0.06 * h, cx + 0.092 * h * BULK, hy + 0.035 * h, cx - 0.092 * h * BULK, hy + 0.035 * h, cx - 0.085 * h * BULK, hy - 0.06 * h,
    cx - 0.1 * h * BULK, sy + 0.14 * h, cx - 0.112 * h * BULK, sy + 0.025 * h,
  ];
  const shirt = rounded(c.shirt, () => cx, 0.11 * h, seed);
  const hcx = cx + 0.012 * h, hcy = 0.085 * h + off, rx = 0.05 * h * HEAD, ry = 0.07 * h * HEAD;
  const face = rounded(c.skin, () => hcx, rx, seed);
  const hair = rounded(c.hair, () => hcx, rx, seed);
  // Hair on top and down the back of the head (the person faces +x).
  const head: Paint = (x, y) => ((y - hcy) / ry < -0.3 + 1.1 * Math.max(0, -(x - hcx) / rx) ? hair(x, y) : face(x, y));
  return [
    { shape: { kind: 'ellipse', cx, cy: hy + 0.01 * h, rx: 0.092 * h, ry: 0.05 * h }, paint: rounded(c.legs, () => cx, 0.09 * h, seed) },
    { shape: { kind: 'polygon', pts: torso }, paint: shirt },
    { shape: { kind: 'capsule', x0: cx - 0.075 * h * BULK, y0: sy + 0.012 * h, x1: cx + 0.075 * h * BULK, y1: sy + 0.012 * h, r0: 0.035 * h, r1: 0.035 * h }, paint: shirt },
    limb(cx + 0.006 * h, 0.12 * h + off, cx, sy, 0.024 * h, 0.026 * h, c.skin - 18, seed),
    { shape: { kind: 'ellipse', cx: hcx, cy: hcy, rx, ry }, paint: head },
  ];
}

/** One pose drawn into a new sprite `h` px tall, facing right, anchored at the feet (bottom centre). */
function drawPose(p: Pose, c: Tones, h: number, seed: number): Sprite {
  const s = newSprite(0.6 * h + 2, h + 1, (0.6 * h + 2) / 2, h);
  const cx = s.w / 2;
  // Legs from a nominal hip, then the whole body lowered so the lower ankle is just above the ground.
  const near0 = leg(cx + HIP_X * h, 0, p.near, h), far0 = leg(cx - HIP_X * h, 0, p.far, h);
  const hy = 0.965 * h - Math.max(near0.ankle[1], far0.ankle[1]);
  const near = leg(cx + HIP_X * h, hy, p.near, h), far = leg(cx - HIP_X * h, hy, p.far, h);
  const sy = 0.19 * h + hy - 0.49 * h + 0.02 * h;
  paintLayers(s, [
    ...armLayers(cx - ARM_X * h, sy, p.farArm, c, 22, h, seed),
    ...legLayers(far, c, 18, h, seed),
    ...legLayers(near, c, 0, h, seed),
    ...upperLayers(cx, hy, c, h, seed),
    ...armLayers(cx + ARM_X * h, sy, p.nearArm, c, 0, h, seed),
  ]);
  return s;
}

/**
 * Poses for a person `h` px tall facing right: PHASES gait poses, then (index STANDING) standing
 * still; with `carry`, both arms hold something in front at waist height (package.ts draws the box).
 */
export function walkerSprites(h: number, tone: Tone, seed: number, carry = false): Sprite[] {
  h = Math.max(8, h);
  const c = tones(tone, new Rng(seed));
  const out: Sprite[] = [];
  for (let k = 0; k < PHASES; k++) out.push(drawPose(pose((2 * Math.PI * k) / PHASES, carry), c, h, seed));
  out.push(drawPose(pose(null, carry), c, h, seed));
  return out;
}
