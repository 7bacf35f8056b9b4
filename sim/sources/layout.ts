/**
 * Which files of a sequence folder are frames and which are ground-truth masks, for the common
 * public layouts (../shared/EVAL.md "Input layout": frame N pairs with mask N, numeric order):
 *   - CDnet 2014:  `input/in000001.jpg`, `groundtruth/gt000001.png`
 *   - UCSD background subtraction: `in/frame_1.jpg` … with masks `gt0001.png` … in `in/` itself,
 *     in the folder, or in a `gt/`, `groundtruth/` or `*_gt/` folder
 *   - SBI 2015:    frames directly in the folder (`Candela_m1.10_000012.png`) or in `input/`, the
 *     background image `GT.png` (not a foreground mask: skipped), masks in `groundtruth/` or `gt/`
 *   - a video plus a folder of masks: one video file in the folder and a masks folder
 *     (`groundtruth/`, `gt/`, `masks/`); mask N pairs with the video's frame N (0-based)
 * Mask files are told from frames by a stem starting with `gt` (case-insensitive) when both share
 * one folder. Limits: the first matching layout wins, in the order above.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from '../image-io.js';

export interface Entry { n: number; file: string }

export type LayoutKind = 'cdnet' | 'ucsd' | 'sbi' | 'video+masks';

export interface Layout {
  kind: LayoutKind;
  /** Frames in increasing N (image layouts); empty for video+masks. */
  inputs: Entry[];
  /** Mask file per frame number. */
  truth: Map<number, string>;
  /** The video file (video+masks only). */
  video?: string;
}

export const VIDEO_EXTENSIONS = ['.avi', '.mp4', '.mkv', '.mov', '.webm', '.mpg', '.mpeg', '.m4v'];
const MASK_DIRS = ['groundtruth', 'gt', 'GT', 'masks', 'truth'];

/** Frame number of a file: the trailing digits of its stem, or -1 when there are none. */
export function frameNumber(file: string): number {
  const m = /(\d+)$/.exec(basename(file, extname(file)));
  return m ? Number(m[1]) : -1;
}

const isMaskName = (f: string) => /^gt/i.test(basename(f));
const isImage = (f: string) => !f.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(f).toLowerCase());

export async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Numbered images of a folder, sorted. `keep` picks files by name; `strict` refuses kept files
 * without a trailing number (a CDnet folder holds nothing else), otherwise they are skipped.
 */
export async function listImages(dir: string, what: string, keep: (f: string) => boolean = () => true, strict = true): Promise<Entry[]> {
  const out: Entry[] = [];
  const seen = new Map<number, string>();
  for (const f of (await readdir(dir)).filter((x) => isImage(x) && keep(x))) {
    const n = frameNumber(f);
    if (n < 0) {
      if (strict) throw new Error(`${join(dir, f)}: ${what} file name has no trailing frame number (expected e.g. in000470.jpg)`);
      continue;
    }
    const prev = seen.get(n);
    if (prev) throw new Error(`${dir}: ${what} files '${prev}' and '${f}' both have frame number ${n}`);
    seen.set(n, f);
    out.push({ n, file: join(dir, f) });
  }
  return out.sort((a, b) => a.n - b.n);
}

async function masksIn(dir: string, onlyGtNames: boolean): Promise<Map<number, string>> {
  const m = new Map<number, string>();
  if (!(await isDir(dir))) return m;
  for (const e of await listImages(dir, 'ground-truth', onlyGtNames ? isMaskName : () => true, false)) m.set(e.n, e.file);
  return m;
}

/** The first non-empty masks folder among `groundtruth/`, `gt/`, `masks/`, `truth/`, `*_gt/`. */
async function maskFolder(root: string): Promise<Map<number, string>> {
  const names = await readdir(root);
  const dirs = [...MASK_DIRS.filter((d) => names.includes(d)), ...names.filter((d) => /[_-]gt$/i.test(d))];
  for (const d of dirs) {
    const m = await masksIn(join(root, d), false);
    if (m.size) return m;
  }
  return new Map();
}

/** Detects the layout of `root` (an existing folder); throws naming what a sequence folder holds. */
export async function findLayout(root: string, folder = root): Promise<Layout> {
  const names = await readdir(root);
  if (names.includes('input') && (await isDir(join(root, 'input')))) {
    const inputs = await listImages(join(root, 'input'), 'input');
    // CDnet's masks live in groundtruth/; an SBI folder may keep them under gt/.
    return { kind: inputs.length && (await isDir(join(root, 'groundtruth'))) ? 'cdnet' : 'sbi', inputs, truth: await maskFolder(root) };
  }
  if (names.includes('in') && (await isDir(join(root, 'in')))) {
    const dir = join(root, 'in');
    const inputs = await listImages(dir, 'input', (f) => !isMaskName(f));
    let truth = await masksIn(dir, true);
    if (!truth.size) truth = await masksIn(root, true);
    if (!truth.size) truth = await maskFolder(root);
    return { kind: 'ucsd', inputs, truth };
  }
  const videos = names.filter((f) => VIDEO_EXTENSIONS.includes(extname(f).toLowerCase()));
  if (videos.length === 1) return { kind: 'video+masks', inputs: [], truth: await maskFolder(root), video: join(root, videos[0]) };
  if (videos.length > 1) throw new Error(`${folder}: ${videos.length} video files (${videos.join(', ')}); a video+masks folder holds one`);
  const inputs = await listImages(root, 'input', (f) => !isMaskName(f), false);
  if (inputs.length) return { kind: 'sbi', inputs, truth: (await masksIn(root, true)).size ? await masksIn(root, true) : await maskFolder(root) };
  throw new Error(`${folder}: no input/ folder and no frames (a CDnet sequence holds input/, groundtruth/, ROI.bmp, temporalROI.txt; also read: in/ (UCSD), numbered images (SBI), one video with a masks folder)`);
}
