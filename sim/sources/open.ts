/**
 * One entry point for every kind of frame source, chosen from a command-line spec:
 *   - `scene:NAME` or `scene:NAME:SEED`  a generated scene (sim/scenes), with ground truth;
 *   - a folder                            a CDnet-layout sequence (input/, groundtruth/, ...);
 *   - any other file                      a video, decoded by ffmpeg.
 *
 * Limits: the scene generator is loaded only when a scene is asked for, so folders and videos
 * work without it. Options that a kind of source does not use are ignored by it.
 */
import { stat } from 'node:fs/promises';
import type { FrameSource } from './types.js';

export interface OpenOptions {
  /** Frame rate (frames/s): CDnet folders default to 25; videos use the file's rate. */
  fps?: number;
  /** Scene seed; `scene:NAME:SEED` in the spec takes precedence. */
  seed?: number;
  /** Anything else is passed through to the scene generator (e.g. `seconds`). */
  [key: string]: unknown;
}

/** Splits `scene:NAME[:SEED]`; undefined when the spec is not a scene. */
export function parseSceneSpec(spec: string): { name: string; seed?: number } | undefined {
  if (!spec.startsWith('scene:')) return undefined;
  const [, name, seedText, ...extra] = spec.split(':');
  if (!name || extra.length) throw new Error(`bad scene spec '${spec}': expected scene:NAME or scene:NAME:SEED`);
  if (seedText === undefined) return { name };
  const seed = Number(seedText);
  if (seedText === '' || !Number.isInteger(seed)) throw new Error(`bad scene spec '${spec}': the seed must be an integer`);
  return { name, seed };
}

interface ScenesModule {
  openScene(name: string, opts: Record<string, unknown>): FrameSource | Promise<FrameSource>;
  /** Optional: the scene names, used to say which exist when a name is unknown. */
  sceneNames?: () => string[];
  SCENE_NAMES?: readonly string[];
}

async function loadScenes(scene: string): Promise<ScenesModule> {
  try {
    // a literal path: the prebuilt runtime (scripts/build-runtime.ts) bundles it
    return (await import('../scenes/index.ts')) as ScenesModule;
  } catch (err) {
    throw new Error(`scene '${scene}': scenes are not available (sim/scenes/index.ts could not be loaded: ${(err as Error).message})`);
  }
}

/**
 * Opens a source from a spec.
 *
 * @example
 * const src = await openSource('../shared/footage/sbi2015_HallAndMonitor', {});
 * const scene = await openSource('scene:busy:7', { seconds: 30 });
 */
export async function openSource(spec: string, opts: OpenOptions = {}): Promise<FrameSource> {
  const scene = parseSceneSpec(spec);
  if (scene) {
    const mod = await loadScenes(scene.name);
    if (typeof mod.openScene !== 'function') throw new Error('sim/scenes/index.ts does not export openScene');
    const names = mod.sceneNames ? mod.sceneNames() : mod.SCENE_NAMES;
    if (names && !names.includes(scene.name)) {
      throw new Error(`unknown scene '${scene.name}' (known: ${names.join(', ')}; see \`quietcam scenes\`)`);
    }
    const seed = scene.seed ?? opts.seed;
    try {
      return await mod.openScene(scene.name, seed === undefined ? { ...opts } : { ...opts, seed });
    } catch (err) {
      throw new Error(`scene '${scene.name}': ${(err as Error).message}`);
    }
  }
  let isDir: boolean;
  try {
    isDir = (await stat(spec)).isDirectory();
  } catch {
    throw new Error(`${spec}: no such file or folder (expected a CDnet folder, a video file or scene:NAME)`);
  }
  if (isDir) {
    const { openCdnet } = await import('./cdnet.js');
    return openCdnet(spec, { fps: opts.fps });
  }
  const { openVideo } = await import('./video.js');
  return openVideo(spec, { fps: opts.fps });
}
