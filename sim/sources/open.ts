/**
 * One entry point for every kind of frame source, chosen from a command-line spec:
 *   - `scene:NAME` or `scene:NAME:SEED`  a generated scene (sim/scenes), with ground truth;
 *   - a folder                            an image sequence: CDnet (input/, groundtruth/), UCSD (in/),
 *                                         SBI (numbered images), or one video plus a masks folder
 *                                         (sim/sources/layout.ts);
 *   - any other file                      a video, decoded by ffmpeg.
 * `masks` (a folder of per-frame masks, for a video) and `sky` (a hand-drawn sky mask) add truth
 * to any source (sim/sources/truth.ts).
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
  /** Folder of per-frame masks for a video source (mask N = frame N + firstFrame). */
  masks?: string;
  /** Frame number of a video's first frame in the masks' numbering (default 0). */
  firstFrame?: number;
  /** Hand-drawn sky mask (255 sky, 0 not, 128 uncertain) for any source. */
  sky?: string;
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
  const src = await openBare(spec, opts);
  const { maskFiles, readSky, withTruth } = await import('./truth.js');
  if (opts.masks && !(await isVideo(spec))) throw new Error(`${spec}: --masks is for a video source (folders bring their own masks)`);
  const masks = opts.masks ? await maskFiles(opts.masks) : undefined;
  const sky = opts.sky ? await readSky(opts.sky, src.width, src.height) : undefined;
  return withTruth(src, { masks, sky, firstFrame: opts.firstFrame });
}

async function isVideo(spec: string): Promise<boolean> {
  try {
    return !parseSceneSpec(spec) && (await stat(spec)).isFile();
  } catch {
    return false;
  }
}

async function openBare(spec: string, opts: OpenOptions): Promise<FrameSource> {
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
    const { findLayout } = await import('./layout.js');
    const layout = await findLayout(spec);
    if (layout.kind === 'video+masks') {
      const { openVideo } = await import('./video.js');
      const { withTruth } = await import('./truth.js');
      const video = await openVideo(layout.video!, { fps: opts.fps });
      return withTruth(video, { masks: layout.truth, firstFrame: opts.firstFrame });
    }
    const { openCdnet } = await import('./cdnet.js');
    return openCdnet(spec, { fps: opts.fps });
  }
  const { openVideo } = await import('./video.js');
  return openVideo(spec, { fps: opts.fps });
}
