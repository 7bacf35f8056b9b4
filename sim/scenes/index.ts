/**
 * Synthetic scenes with per-pixel ground truth, seeded and reproducible (see README.md).
 *
 * @example
 * const src = openScene('parked-car', { seed: 3, width: 160, height: 120 });
 * for await (const f of src.frames()) use(f.grey, f.truth!.motion, f.truth!.sky); // copy to keep
 *
 * @example
 * const own = generate({ name: 'walk', seconds: 30, elements: [{ kind: 'sky' }, { kind: 'ground' },
 *   { kind: 'person', enterAt: 12 }, { kind: 'noise' }] });
 */
import { SceneSource } from '../sources/scene.js';
import { CATALOG, type CatalogScene } from './catalog.js';
import { compileScene } from './scene.js';
import type { SceneOptions, SceneSpec } from './types.js';

export { CATALOG } from './catalog.js';
export { compileScene, ELEMENT_KINDS, Scene, SCENE_DEFAULTS, type SceneExpect } from './scene.js';
export { SceneSource } from '../sources/scene.js';
export type * from './types.js';

export interface SceneInfo {
  name: string;
  description: string;
  /** Default duration in seconds. */
  seconds: number;
  /** Some frames have sky truth 255. */
  hasSky: boolean;
  /** Some frames have motion truth 255. */
  hasMotion: boolean;
  /** An object comes to rest and stays (car, package). */
  hasStatic: boolean;
}

export const SCENE_NAMES: readonly string[] = CATALOG.map((s) => s.name);

export function sceneNames(): string[] {
  return [...SCENE_NAMES];
}

/** The catalog's spec for `name` (a leading `scene:` is accepted); throws listing the known names. */
export function sceneSpec(name: string): CatalogScene {
  const bare = name.startsWith('scene:') ? name.slice(6) : name;
  const spec = CATALOG.find((s) => s.name === bare);
  if (!spec) throw new Error(`unknown scene '${bare}'; known scenes: ${SCENE_NAMES.join(', ')}`);
  return spec;
}

export function listScenes(): SceneInfo[] {
  return CATALOG.map((s) => ({
    name: s.name,
    description: s.description,
    seconds: s.seconds,
    hasSky: s.elements.some((e) => e.kind === 'sky'),
    hasMotion: s.elements.some((e) => e.kind === 'person' || e.kind === 'car' || e.kind === 'package'),
    hasStatic: s.elements.some((e) => e.kind === 'car' || e.kind === 'package'),
  }));
}

/** Only the options a scene understands: callers may pass a wider options object through. */
function sceneOptions(o: SceneOptions = {}): SceneOptions {
  return { seed: o.seed, width: o.width, height: o.height, fps: o.fps, seconds: o.seconds };
}

/** A catalog scene as a FrameSource named `scene:NAME`. */
export function openScene(name: string, opts?: SceneOptions): SceneSource {
  const spec = sceneSpec(name);
  return new SceneSource(compileScene(spec, sceneOptions(opts)), `scene:${spec.name}`);
}

/** Any spec (your own mix of elements) as a FrameSource named `scene:NAME` (`scene:custom` without a name). */
export function generate(spec: SceneSpec, opts?: SceneOptions): SceneSource {
  return new SceneSource(compileScene(spec, sceneOptions(opts)), `scene:${spec.name ?? 'custom'}`);
}
