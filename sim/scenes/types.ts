/**
 * Scene specs (what to draw, in resolution-independent units: seconds, metres, fractions of the
 * frame) and the small interface every element implements. A spec holds no pixels and no seed:
 * the same spec renders at any size, rate and seed (`compileScene` in scene.ts).
 */

/** Sky gradient above the horizon. Grey levels 0..255. */
export interface SkySpec { kind: 'sky'; top?: number; bottom?: number }
/** Textured ground below the horizon: verge, pavements, a road with a dashed line. */
export interface GroundSpec { kind: 'ground'; road?: boolean }
/** Buildings standing on the horizon; `solid` makes one wall from the top of the frame down. */
export interface BuildingsSpec {
  kind: 'buildings'; solid?: boolean; count?: number;
  /** With `solid`: a bright, flat rendered façade (tone `tone`) instead of brick: not sky, though it looks like it. */
  facade?: boolean; tone?: number;
}
/** Soft low-contrast clouds drifting over the visible sky. */
export interface CloudsSpec { kind: 'clouds'; speed?: number; contrast?: number; cover?: number }
/** A tree whose leafy crown sways: dynamic background (never motion truth, never sky). */
export interface TreeSpec {
  kind: 'tree'; x?: number; y?: number; heightM?: number; crownM?: number; trunkM?: number; swayM?: number; periodS?: number;
}
/** Walks across the whole frame, entering and leaving it. */
export interface PersonSpec {
  kind: 'person'; enterAt: number; speed?: number; dir?: 1 | -1; y?: number; heightM?: number; tone?: Tone;
  /** Stop at this fraction of the width and stand `waitS` seconds (a queue at a door). */
  stopX?: number; waitS?: number;
  /** Already this far into the frame at `enterAt` (a camera that boots into a busy scene). */
  startX?: number;
  /** Cast a hard shadow on the ground (CDnet truth 50: background). */
  shadow?: boolean;
}
/** Drives in, decelerates and stays parked until the end. */
export interface CarSpec { kind: 'car'; enterAt: number; parkX?: number; y?: number; dir?: 1 | -1; approachS?: number; tone?: 'dark' | 'light' }
/** A person walks in carrying a box, puts it down when their feet reach `dropX` and walks on; the box stays. */
export interface PackageSpec {
  kind: 'package'; enterAt: number; dropX?: number; boxM?: number; speed?: number; dir?: 1 | -1; y?: number; heightM?: number; tone?: Tone;
  /** Seconds the carrier stays beside the box (sitting or standing still) before leaving. */
  waitS?: number;
  /** Box centre from a waiting carrier's feet, fraction of their height (small: they overlap it). */
  reach?: number;
  /** Seconds between a waiting carrier's small arm movements (0: none). */
  fidgetS?: number;
}
/** Global brightness step: v*gain + offset from `at` (until `until`, if given). */
export interface LightSpec { kind: 'light'; at: number; until?: number; gain?: number; offset?: number }
/** Switch to the IR night look at `at`: compressed contrast, lifted level, extra noise. */
export interface IrSpec { kind: 'ir'; at: number; contrast?: number; level?: number; noise?: number }
/** Auto-exposure jump: small global gain step at `at`. */
export interface ExposureSpec { kind: 'exposure'; at: number; gain?: number }
/** Dense fog over the whole view from the first frame: contrast pressed toward a bright grey. */
export interface FogSpec { kind: 'fog'; density?: number; level?: number }
/** Gaussian sensor noise, independent per pixel and frame. */
export interface NoiseSpec { kind: 'noise'; sigma?: number }

export type Tone = 'dark' | 'light' | 'mixed';

export type ElementSpec =
  | SkySpec | GroundSpec | BuildingsSpec | CloudsSpec | TreeSpec | PersonSpec | CarSpec | PackageSpec
  | LightSpec | IrSpec | ExposureSpec | FogSpec | NoiseSpec;

export type ElementKind = ElementSpec['kind'];

export interface SceneSpec {
  /** Used in the source name when generated directly (`scene:NAME`). */
  name?: string;
  description?: string;
  /** Default duration in seconds. */
  seconds?: number;
  /** Horizon as a fraction of the frame height (0..1). */
  horizon?: number;
  /** Drawn back to front in this order within a layer (see Element.layer). */
  elements: ElementSpec[];
}

export interface SceneOptions {
  /** uint32; default 1. Changes textures, tones, noise and sway, never the timeline. */
  seed?: number;
  width?: number;
  height?: number;
  fps?: number;
  seconds?: number;
}

/** Pixel geometry of one compiled scene. */
export interface Geometry {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  seed: number;
  /** First ground row. */
  horizonY: number;
  /** Foot row at which 1 m = pxPerMeter px. */
  refY: number;
  pxPerMeter: number;
  /** Pixels per metre for an object standing with its feet on row `footY` (simple ground-plane perspective). */
  scaleAt(footY: number): number;
}

/** What a static element draws once: the empty scene and which pixels show sky. */
export interface Backdrop {
  g: Geometry;
  grey: Uint8Array;
  /** SKY_NO, SKY_YES or SKY_MAYBE per pixel. */
  skyClass: Uint8Array;
}
export const SKY_NO = 0;
export const SKY_YES = 1;
/** Sky visible in some frames only (behind a swaying crown): truth 128. */
export const SKY_MAYBE = 2;

/** One frame being rendered. Buffers belong to the caller of Scene.render. */
export interface FrameContext {
  g: Geometry;
  index: number;
  /** Seconds since the start. */
  t: number;
  grey: Uint8Array;
  /** Same bytes as grey, clamping on write: for additive effects. */
  clamped: Uint8ClampedArray;
  motion: Uint8Array;
  /** Bounding boxes (x0, y0, x1, y1 inclusive) of moving objects, for the 170 ring. */
  moving: Int32Array;
  movingCount: number;
}

/** Global camera state for one frame; camera elements change it, then it is applied to all pixels. */
export interface CameraState {
  gain: number;
  offset: number;
  /** IR look: 0 = off, else the contrast factor around `irLevel`. */
  irContrast: number;
  irLevel: number;
  /** Noise sigma in grey levels, from the noise element; IR adds its own in quadrature. */
  sigma: number;
  extraSigma: number;
}

/** A point on the scene's timeline, for the catalog, tests and reports. */
export interface SceneEvent {
  /** Seconds from the start. */
  t: number;
  kind: ElementKind;
  /** Which element: kind#ordinal in the spec, e.g. `person#1` (the second person). */
  id?: string;
  what: 'enter' | 'leave' | 'stop' | 'wait' | 'drop' | 'switch';
  /** End of a `wait` (seconds from the start). */
  until?: number;
  note?: string;
}

export interface Element {
  readonly kind: ElementKind;
  /** 0 static backdrop, 1 sky overlay (clouds), 2 scenery and objects, 3 camera. */
  readonly layer: number;
  /** True when the element produces motion truth (255) at some time. */
  readonly foreground: boolean;
  /** Foot row of a layer-2 element: nearer things (larger rows) are drawn later, over farther ones. */
  readonly depthY?: number;
  bake?(b: Backdrop): void;
  draw?(f: FrameContext): void;
  camera?(t: number, cam: CameraState): void;
  events?(): SceneEvent[];
}
