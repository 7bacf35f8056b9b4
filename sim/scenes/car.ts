/**
 * A car that drives in from one edge, brakes evenly and parks, then stays until the end. CDnet
 * keeps a stopped object labelled foreground, so its truth is 255 while moving and while parked;
 * the 170 ring is drawn only while it moves. Once parked its pixels never change (noise aside).
 */
import { blit, fillEllipse, fillPolygon, mirror, newSprite, TRUTH_FG, type Sprite } from './canvas.js';
import { readChoice, readDir, readParams } from './params.js';
import { hash32, Rng } from './random.js';
import type { CarSpec, Element, FrameContext, Geometry, SceneEvent } from './types.js';

export const CAR_PARAMS = {
  enterAt: { def: 12, min: 0, max: 1e6 }, // s, the car starts just outside the frame edge
  parkX: { def: 0.55, min: 0, max: 1 }, // where the car's centre stops, fraction of the frame width
  y: { def: 0.7, min: 0, max: 1.5 }, // row where the wheels touch the road, fraction of the height
  approachS: { def: 5, min: 0.5, max: 120 }, // s from entering to standstill (speed falls linearly to 0)
};
const LENGTH_M = 4.3;
const HEIGHT_M = 1.45;

function carSprite(scale: number, dark: boolean, seed: number): Sprite {
  const L = Math.max(12, LENGTH_M * scale);
  const H = Math.max(5, HEIGHT_M * scale);
  const s = newSprite(L + 1, H + 1, (L + 1) / 2, H);
  const rng = new Rng(seed);
  const body = dark ? 40 + rng.int(30) : 185 + rng.int(40);
  const paint = (x: number, y: number) => body + 14 * (1 - y / H) + (hash32(x, y, seed) & 3) + (Math.abs(y - 0.5 * H) < 0.6 ? 25 : 0);
  // Facing right: boot at the left, bonnet at the right, windscreen sloping forward.
  fillPolygon(s, [0, 0.48 * H, 0.25 * L, 0.42 * H, 0.8 * L, 0.44 * H, L, 0.56 * H, L, 0.82 * H, 0, 0.82 * H], paint);
  fillPolygon(s, [0.2 * L, 0.45 * H, 0.3 * L, 0.05 * H, 0.62 * L, 0.05 * H, 0.78 * L, 0.45 * H], paint);
  const glass = (x: number, y: number) => 55 + ((x + 2 * y) % 9 < 2 ? 40 : 0) + (hash32(x, y, seed) & 7);
  fillPolygon(s, [0.26 * L, 0.42 * H, 0.33 * L, 0.12 * H, 0.46 * L, 0.12 * H, 0.46 * L, 0.42 * H], glass);
  fillPolygon(s, [0.49 * L, 0.42 * H, 0.49 * L, 0.12 * H, 0.6 * L, 0.12 * H, 0.72 * L, 0.42 * H], glass);
  fillEllipse(s, L - 1.5, 0.58 * H, Math.max(0.8, 0.02 * L), Math.max(0.8, 0.05 * H), () => 235); // headlight
  fillEllipse(s, 1, 0.55 * H, Math.max(0.8, 0.015 * L), Math.max(0.8, 0.05 * H), () => 90); // rear light
  const r = 0.23 * H;
  for (const wx of [0.2 * L, 0.8 * L]) {
    fillEllipse(s, wx, H - r, r, r, () => 26);
    fillEllipse(s, wx, H - r, r * 0.45, r * 0.45, () => 120);
  }
  return s;
}

export function createCar(spec: CarSpec, g: Geometry, seed: number): Element {
  const p = readParams(spec, CAR_PARAMS, 'car');
  const dir = readDir(spec.dir, 'car');
  const rng = new Rng(hash32(seed, 1));
  const tone = readChoice(spec.tone, ['dark', 'light'] as const, 'car.tone') ?? rng.pick(['dark', 'light'] as const);
  const footY = Math.round(p.y * g.height);
  const right = carSprite(g.scaleAt(footY), tone === 'dark', seed);
  const sprite = dir > 0 ? right : mirror(right);
  const x0 = dir > 0 ? -sprite.w / 2 - 1 : g.width + sprite.w / 2 + 1;
  const x1 = p.parkX * g.width;
  const stopAt = p.enterAt + p.approachS;
  /** Position in px at time t: x0 + D·(1 − (1 − u)²), a constant deceleration to a standstill. */
  const at = (t: number) => {
    const u = Math.min(1, (t - p.enterAt) / p.approachS);
    return x0 + (x1 - x0) * (1 - (1 - u) * (1 - u));
  };
  return {
    kind: 'car',
    layer: 2,
    foreground: true,
    depthY: footY,
    draw(f: FrameContext) {
      if (f.t < p.enterAt) return;
      blit(f, sprite, Math.round(at(f.t)), footY, TRUTH_FG, f.t < stopAt);
    },
    events(): SceneEvent[] {
      return [
        { t: p.enterAt, kind: 'car', what: 'enter', note: `${tone}, ${(((2 * Math.abs(x1 - x0)) / p.approachS / g.scaleAt(footY)) * 3.6).toFixed(0)} km/h braking to 0` },
        { t: stopAt, kind: 'car', what: 'stop', note: `parked at x=${Math.round(x1)} px until the end` },
      ];
    },
  };
}
