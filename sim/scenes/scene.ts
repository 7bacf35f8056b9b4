/**
 * Compiles a SceneSpec at a size, rate and seed into a Scene that renders any frame on demand.
 * Everything costly (textures, sprites, the empty backdrop, the sky truth) is built here once;
 * `render` then copies the backdrop, draws the moving parts, rings moving objects with 170, and
 * applies camera effects and noise in one pass. No allocation per frame.
 */
import { createBuildings } from './buildings.js';
import { buildLut, createExposure, createFog, createIr, createLight, resetCamera } from './camera.js';
import { ring } from './canvas.js';
import { createCar } from './car.js';
import { createClouds } from './clouds.js';
import { createGround } from './ground.js';
import { createNoise, finish, gaussTable } from './noise.js';
import { createPackage } from './package.js';
import { createPerson } from './person.js';
import { hash32, subSeed } from './random.js';
import { createSky } from './sky.js';
import { createTree } from './tree.js';
import {
  SKY_MAYBE, SKY_NO, SKY_YES, type Backdrop, type CameraState, type Element, type ElementKind, type ElementSpec,
  type FrameContext, type Geometry, type SceneEvent, type SceneOptions, type SceneSpec,
} from './types.js';

export const SCENE_DEFAULTS = {
  width: 320, // px, native frame width (QVGA, what the OV2640 gives in its fast modes); 16–4096
  height: 240, // px; 16–4096
  fps: 10, // frames per second (the board's detector runs at about this rate); 1–120
  seconds: 60, // s, when neither the spec nor the options give a duration; (0, 86400]
  seed: 1, // uint32
  horizon: 0.42, // fraction of the height: first ground row (sky and buildings above)
  refY: 0.85, // fraction of the height: foot row where a 1 m object is pxPerMeter240 tall
  pxPerMeter240: 35, // px per metre at refY in a 240-row frame: a 1.75 m person is 61 px, walking 1.1 m/s ≈ 4 px/frame
};

/** Static elements bake in this order: later ones cover earlier ones (and their sky). */
const BAKE_ORDER: ElementKind[] = ['sky', 'ground', 'buildings', 'tree', 'clouds'];

type Factory = (spec: never, g: Geometry, seed: number) => Element;
const FACTORIES: Record<ElementKind, Factory> = {
  sky: createSky as Factory,
  ground: ((s: ElementSpec, _g: Geometry, seed: number) => createGround(s as never, seed)) as Factory,
  buildings: ((s: ElementSpec, _g: Geometry, seed: number) => createBuildings(s as never, seed)) as Factory,
  clouds: ((s: ElementSpec, _g: Geometry, seed: number) => createClouds(s as never, seed)) as Factory,
  tree: createTree as Factory,
  person: createPerson as Factory,
  car: createCar as Factory,
  package: createPackage as Factory,
  light: createLight as Factory,
  ir: createIr as Factory,
  exposure: createExposure as Factory,
  fog: createFog as Factory,
  noise: createNoise as Factory,
};
export const ELEMENT_KINDS = Object.keys(FACTORIES) as ElementKind[];

function intOption(v: number | undefined, def: number, min: number, max: number, name: string): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`scene option ${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

export function geometry(spec: SceneSpec, opts: SceneOptions = {}): Geometry {
  const d = SCENE_DEFAULTS;
  const width = intOption(opts.width, d.width, 16, 4096, 'width');
  const height = intOption(opts.height, d.height, 16, 4096, 'height');
  const fps = opts.fps ?? d.fps;
  if (!(fps >= 1 && fps <= 120)) throw new Error(`scene option fps must be in [1, 120], got ${fps}`);
  const seconds = opts.seconds ?? spec.seconds ?? d.seconds;
  if (!(seconds > 0 && seconds <= 86400)) throw new Error(`scene seconds must be in (0, 86400], got ${seconds}`);
  const seed = intOption(opts.seed, d.seed, 0, 0xffffffff, 'seed');
  const horizon = spec.horizon ?? d.horizon;
  if (!(horizon >= 0 && horizon < d.refY)) throw new Error(`scene horizon must be in [0, ${d.refY}), got ${horizon}`);
  const horizonY = Math.round(horizon * height);
  const refY = d.refY * height;
  const pxPerMeter = (d.pxPerMeter240 * height) / 240;
  return {
    width, height, fps, seed, horizonY, refY, pxPerMeter,
    frameCount: Math.max(1, Math.round(seconds * fps)),
    // Ground-plane perspective: an object's size is proportional to its foot row's distance below the horizon.
    scaleAt: (footY: number) => pxPerMeter * Math.max(0.05, (footY - horizonY) / (refY - horizonY)),
  };
}

/** What a detector should see in a scene, from its timeline (seconds from the start). */
export interface SceneExpect {
  /** No motion truth in any frame: every detection is a false alarm. */
  noMotion: boolean;
  /** When the first foreground object starts to enter (it becomes visible a few frames later). */
  motionFrom?: number;
  /** When each object that stays came to rest (static foreground from then to the end). */
  stops: number[];
  /** Light switches, IR switches and exposure jumps: global changes, not motion. */
  globalChanges: number[];
}

export class Scene {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  readonly seed: number;
  /** Sky truth (255 sky, 0 not, 128 uncertain): a scene property, the same for every frame. Read-only. */
  readonly sky: Uint8Array;
  /** The empty scene without clouds, camera effects or noise. Read-only. */
  readonly background: Uint8Array;
  readonly hasSky: boolean;
  readonly hasMotion: boolean;
  /** Appearances, stops and global switches, sorted by time. */
  readonly timeline: SceneEvent[];
  readonly expect: SceneExpect;
  readonly geometry: Geometry;
  private readonly drawers: Element[];
  private readonly cameras: Element[];
  private readonly ctx: FrameContext;
  private readonly cam: CameraState = { gain: 1, offset: 0, irContrast: 0, irLevel: 128, sigma: 0, extraSigma: 0 };
  private readonly lut = new Uint8Array(256);

  constructor(spec: SceneSpec, opts: SceneOptions = {}) {
    if (!spec || !Array.isArray(spec.elements)) throw new Error('scene spec needs an elements array');
    const g = (this.geometry = geometry(spec, opts));
    this.width = g.width;
    this.height = g.height;
    this.fps = g.fps;
    this.frameCount = g.frameCount;
    this.seed = g.seed;
    const ordinal: Record<string, number> = {};
    const ids: string[] = [];
    const elements = spec.elements.map((e) => {
      const make = FACTORIES[e?.kind as ElementKind];
      if (!make) throw new Error(`unknown scene element kind ${JSON.stringify(e?.kind)}; known: ${ELEMENT_KINDS.join(', ')}`);
      const n = (ordinal[e.kind] = (ordinal[e.kind] ?? -1) + 1);
      ids.push(`${e.kind}#${n}`);
      return make(e as never, g, subSeed(g.seed, e.kind, n));
    });
    const n = g.width * g.height;
    const backdrop: Backdrop = { g, grey: new Uint8Array(n).fill(128), skyClass: new Uint8Array(n) };
    const rank = (e: Element) => (BAKE_ORDER.indexOf(e.kind) + BAKE_ORDER.length + 1) % (BAKE_ORDER.length + 1);
    for (const e of [...elements].sort((a, b) => rank(a) - rank(b))) e.bake?.(backdrop);
    this.background = backdrop.grey;
    this.sky = skyTruth(backdrop.skyClass, g.width, g.height);
    this.hasSky = backdrop.skyClass.includes(SKY_YES);
    this.hasMotion = elements.some((e) => e.foreground);
    // Painter's order: layer, then distance (foot row), then spec order (the sort is stable).
    this.drawers = elements.filter((e) => e.draw && e.layer < 3).sort((a, b) => a.layer - b.layer || (a.depthY ?? 0) - (b.depthY ?? 0));
    this.cameras = elements.filter((e) => e.camera);
    const end = g.frameCount / g.fps;
    this.timeline = elements
      .flatMap((e, k) => (e.events?.() ?? []).map((ev) => ({ ...ev, id: ids[k] })))
      .filter((ev) => ev.t < end)
      .sort((a, b) => a.t - b.t);
    const fg = this.timeline.filter((e) => e.what === 'enter');
    this.expect = {
      noMotion: !this.hasMotion,
      motionFrom: fg.length ? fg[0].t : undefined,
      stops: this.timeline.filter((e) => e.what === 'stop').map((e) => e.t),
      globalChanges: this.timeline.filter((e) => e.what === 'switch').map((e) => e.t),
    };
    this.ctx = {
      g, index: 0, t: 0, grey: backdrop.grey, clamped: new Uint8ClampedArray(0), motion: backdrop.grey,
      moving: new Int32Array(4 * 64), movingCount: 0,
    };
  }

  /**
   * Render frame `index` into caller-owned buffers of width*height bytes: the grey image and its
   * motion truth (255 foreground, 170 unknown ring, 0 background). Any index, in any order.
   */
  render(index: number, grey: Uint8Array, motion: Uint8Array): void {
    const n = this.width * this.height;
    if (grey.length !== n || motion.length !== n) throw new RangeError(`render buffers must be ${n} bytes`);
    if (!(Number.isInteger(index) && index >= 0)) throw new RangeError(`frame index must be a non-negative integer, got ${index}`);
    const f = this.ctx;
    if (f.grey !== grey) {
      f.grey = grey;
      f.clamped = new Uint8ClampedArray(grey.buffer, grey.byteOffset, grey.length); // once per buffer
    }
    f.motion = motion;
    f.index = index;
    f.t = index / this.fps;
    f.movingCount = 0;
    grey.set(this.background);
    motion.fill(0);
    for (const e of this.drawers) e.draw!(f);
    ring(f);
    resetCamera(this.cam);
    for (const e of this.cameras) e.camera!(f.t, this.cam);
    const lut = buildLut(this.cam, this.lut) ? this.lut : null;
    const sigma = Math.hypot(this.cam.sigma, this.cam.extraSigma);
    finish(f, lut, sigma > 0 ? gaussTable(sigma) : null, hash32(this.seed, index, 0x401e));
  }
}

/**
 * Sky classes to truth values, plus the skyline: a pixel of sky next to a pixel of non-sky (and
 * vice versa) is 128, so the boundary is a 2-px uncertain band as a careful hand would draw it.
 */
function skyTruth(cls: Uint8Array, W: number, H: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const c = cls[i];
      if (c === SKY_MAYBE) {
        out[i] = 128;
        continue;
      }
      const differs = (j: number) => cls[j] !== SKY_MAYBE && cls[j] !== c;
      const edge = (x > 0 && differs(i - 1)) || (x < W - 1 && differs(i + 1)) || (y > 0 && differs(i - W)) || (y < H - 1 && differs(i + W));
      out[i] = edge ? 128 : c === SKY_NO ? 0 : 255;
    }
  }
  return out;
}

/** Compile a spec; see Scene. */
export function compileScene(spec: SceneSpec, opts: SceneOptions = {}): Scene {
  return new Scene(spec, opts);
}
