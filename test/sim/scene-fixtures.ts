/** Helpers for the scene generator tests: render scenes frame by frame, strip elements, statistics. */
import { createHash } from 'node:crypto';
import { compileScene, sceneSpec, type ElementKind, type Scene, type SceneOptions, type SceneSpec } from '../../sim/scenes/index.js';

export interface Rendered {
  grey: Uint8Array;
  motion: Uint8Array;
}

/** Compiles and returns a renderer that yields fresh copies for the frame indexes asked. */
export function renderer(spec: SceneSpec, opts: SceneOptions = {}): { scene: Scene; frame(i: number): Rendered } {
  const scene = compileScene(spec, opts);
  const n = scene.width * scene.height;
  return {
    scene,
    frame(i: number) {
      const grey = new Uint8Array(n);
      const motion = new Uint8Array(n);
      scene.render(i, grey, motion);
      return { grey, motion };
    },
  };
}

/** The catalog spec with some element kinds removed (same seed gives the same remaining elements). */
export function without(name: string, ...kinds: ElementKind[]): SceneSpec {
  const spec = sceneSpec(name);
  return { ...spec, elements: spec.elements.filter((e) => !kinds.includes(e.kind)) };
}

export function digestScene(scene: Scene, frames = scene.frameCount): string {
  const h = createHash('sha256');
  const n = scene.width * scene.height;
  const grey = new Uint8Array(n);
  const motion = new Uint8Array(n);
  for (let i = 0; i < frames; i++) {
    scene.render(i, grey, motion);
    h.update(grey);
    h.update(motion);
  }
  return h.digest('hex');
}

export function count(a: Uint8Array, v: number): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === v) c++;
  return c;
}

export function mean(a: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

export function stddev(a: Uint8Array): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / a.length);
}

/** Frame index of time t seconds. */
export function at(scene: Scene, t: number): number {
  return Math.round(t * scene.fps);
}
