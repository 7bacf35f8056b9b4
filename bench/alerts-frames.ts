/**
 * Labelled frames for the alerts benchmark and test, taken from ../shared/footage at run time
 * (never copied): vtest.avi (people in every frame), tree.avi (a swaying tree, no person, until a
 * hand at ~23 s), the HallAndMonitor frames (a person where the truth masks have foreground).
 * Each is a 320-wide JPEG, about what a board sends as an event frame.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const FOOTAGE = fileURLToPath(new URL('../../shared/footage/', import.meta.url));

export type Label = 'person' | 'empty' | 'hand';
/** `foreground`: truth-mask pixels (HallAndMonitor only). */
export interface LabelledFrame { clip: string; at: string; label: Label; jpeg: Uint8Array; foreground?: number }

/** One frame of a video at `seconds`, 320 wide, as JPEG (ffmpeg). */
export function videoFrame(file: string, seconds: number): Uint8Array {
  return new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-vf', 'scale=320:-2', '-q:v', '5', '-f', 'image2', '-c:v', 'mjpeg', '-'], { maxBuffer: 1 << 24 }));
}

export function vtestFrames(every = 4): LabelledFrame[] {
  const f = join(FOOTAGE, 'vtest.avi');
  if (!existsSync(f)) return [];
  const out: LabelledFrame[] = [];
  for (let t = 2; t < 79; t += every) out.push({ clip: 'vtest.avi', at: `${t} s`, label: 'person', jpeg: videoFrame(f, t) });
  return out;
}

export function treeFrames(every = 2): LabelledFrame[] {
  const f = join(FOOTAGE, 'tree.avi');
  if (!existsSync(f)) return [];
  const out: LabelledFrame[] = [];
  for (let t = 1; t < 22; t += every) out.push({ clip: 'tree.avi', at: `${t} s`, label: 'empty', jpeg: videoFrame(f, t) });
  for (const t of [24, 26, 28]) out.push({ clip: 'tree.avi', at: `${t} s`, label: 'hand', jpeg: videoFrame(f, t) });
  return out;
}

/** HallAndMonitor: 'person' when the truth mask has > 400 foreground pixels, 'empty' when none. */
export async function hallFrames(every = 6): Promise<LabelledFrame[]> {
  const dir = join(FOOTAGE, 'sbi2015_HallAndMonitor');
  if (!existsSync(dir)) return [];
  const out: LabelledFrame[] = [];
  for (let i = 0; i <= 294; i += 2 * every) {
    const n = String(i).padStart(6, '0');
    const gt = await sharp(readFileSync(join(dir, 'groundtruth', `gt${n}.png`))).greyscale().raw().toBuffer();
    let fg = 0;
    for (const v of gt) if (v === 255) fg++;
    if (fg > 0 && fg <= 400) continue; // a sliver at the edge: neither clearly
    const jpeg = new Uint8Array(await sharp(readFileSync(join(dir, 'input', `in${n}.png`))).resize(320).jpeg({ quality: 80 }).toBuffer());
    out.push({ clip: 'HallAndMonitor', at: `frame ${i}`, label: fg > 400 ? 'person' : 'empty', jpeg, foreground: fg });
  }
  return out;
}

