/**
 * Ground truth attached to a source that has none of its own: a folder of per-frame masks for a
 * video (mask N pairs with the video's frame N + `firstFrame`), and a hand-drawn sky mask for any
 * source (`--sky FILE`: 255 sky, 0 not sky, 128 uncertain).
 *
 * Limits: masks are decoded one frame at a time; a frame whose mask is missing is fed but not
 * scored once any mask exists (as in a CDnet folder). Mask and sky sizes must match the source.
 */
import { readImage } from '../image-io.js';
import { listImages } from './layout.js';
import type { FrameSource, FrameTruth, NativeFrame } from './types.js';

export interface TruthOptions {
  /** Mask file per frame number. */
  masks?: Map<number, string>;
  /** Frame number of the source's first frame (videos count from 0; some mask sets from 1). */
  firstFrame?: number;
  /** Sky truth at native size. */
  sky?: Uint8Array;
}

/** Masks of a folder by trailing frame number. */
export async function maskFiles(dir: string): Promise<Map<number, string>> {
  const m = new Map<number, string>();
  for (const e of await listImages(dir, 'mask', () => true, false)) m.set(e.n, e.file);
  if (!m.size) throw new Error(`${dir}: no numbered mask images`);
  return m;
}

/** Reads a sky mask and checks its size against the source. */
export async function readSky(file: string, width: number, height: number): Promise<Uint8Array> {
  const img = await readImage(file);
  if (img.width !== width || img.height !== height) throw new Error(`${file}: ${img.width}x${img.height}, but the source is ${width}x${height}`);
  return img.grey;
}

export function withTruth<S extends FrameSource>(source: S, opts: TruthOptions): S {
  const masks = opts.masks && opts.masks.size ? opts.masks : undefined;
  const first = opts.firstFrame ?? 0;
  const sky = opts.sky;
  if (!masks && !sky) return source;
  const inner = source.frames.bind(source);
  async function* frames(): AsyncGenerator<NativeFrame> {
    for await (const f of inner()) {
      const truth: FrameTruth = { ...(f.truth ?? {}) };
      let scored = f.scored;
      if (masks) {
        const file = masks.get(f.index + first);
        if (file) {
          const img = await readImage(file);
          if (img.width !== source.width || img.height !== source.height) {
            throw new Error(`${file}: ${img.width}x${img.height}, but the source is ${source.width}x${source.height}`);
          }
          truth.motion = img.grey;
        } else scored = false;
      }
      if (sky) truth.sky = sky;
      yield { ...f, truth, scored };
    }
  }
  return Object.assign(Object.create(Object.getPrototypeOf(source)), source, { frames, hasTruth: true }) as S;
}
