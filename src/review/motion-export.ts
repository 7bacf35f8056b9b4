/**
 * The Motion export: contributions given for Motion, while that consent is in force and not
 * flagged, as CDnet-style folders that `quietcam eval` reads (sim/sources/cdnet.ts): one folder
 * per camera and view size, `input/in000001.jpg` (the camera view, as stored), `groundtruth/
 * gt000001.png` (the relay's motion drawing, 4-motion.png, as 0/255: the detector's own answer,
 * to be checked by a person before it is trusted), `ROI.bmp` (the whole view) and
 * `temporalROI.txt`. Frames are in capture order. Each exported contribution is a look by the
 * operator: an access entry in its owner's prefix is written before its images are read.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PURPOSE_MOTION } from '../protocol/consent.js';
import { accessKey } from '../operator/keys.js';
import { recordBytes, type OperatorAccessEntry } from '../operator/records.js';
import type { Item, ReviewPorts } from './ports.js';
import { ConsentReader, scanItems } from './queue.js';

/** Turns a PNG drawing into a 0/255 single-channel PNG of the same size (sharp in production). */
export interface MaskCodec {
  binaryPng(png: Uint8Array): Promise<Uint8Array>;
}

/** A 24-bit BMP of `w` x `h`, all white (255): the region of interest is the whole view. */
export function whiteBmp(w: number, h: number): Uint8Array {
  const row = (w * 3 + 3) & ~3;
  const size = 54 + row * h;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b[0] = 0x42; b[1] = 0x4d;
  v.setUint32(2, size, true); v.setUint32(10, 54, true); v.setUint32(14, 40, true);
  v.setInt32(18, w, true); v.setInt32(22, h, true); v.setUint16(26, 1, true); v.setUint16(28, 24, true);
  v.setUint32(34, row * h, true);
  for (let y = 0; y < h; y++) b.fill(255, 54 + y * row, 54 + y * row + w * 3);
  return b;
}

const num = (n: number) => String(n).padStart(6, '0');

export interface MotionExportResult {
  folders: string[];
  frames: number;
}

export async function exportMotion(p: ReviewPorts, codec: MaskCodec, outDir: string, operator: string): Promise<MotionExportResult> {
  const consent = new ConsentReader(p);
  const groups = new Map<string, Item[]>();
  for (const it of await scanItems(p)) {
    if (!(await consent.allows(it, PURPOSE_MOTION))) continue;
    const g = `${it.ownerId}-${it.cameraId}-${it.width}x${it.height}`;
    groups.set(g, [...(groups.get(g) ?? []), it]);
  }
  const res: MotionExportResult = { folders: [], frames: 0 };
  for (const [name, items] of groups) {
    const dir = join(outDir, name);
    await mkdir(join(dir, 'input'), { recursive: true });
    await mkdir(join(dir, 'groundtruth'), { recursive: true });
    let n = 0;
    for (const it of items) {
      const entry: OperatorAccessEntry = { v: 1, ownerId: it.ownerId, cameraId: it.cameraId, bundleId: it.bundleId, object: '1-view.jpg+4-motion.png', viewer: operator, viewerRole: 'reviewer', why: 'motion-export', atMs: p.clock() };
      await p.bucket.putNew(accessKey(it.ownerId, entry.atMs), recordBytes(entry), 'application/json');
      const [view, motion] = await Promise.all([p.bucket.get(it.prefix + '1-view.jpg'), p.bucket.get(it.prefix + '4-motion.png')]);
      if (!view || !motion) continue;
      n++;
      await writeFile(join(dir, 'input', `in${num(n)}.jpg`), view);
      await writeFile(join(dir, 'groundtruth', `gt${num(n)}.png`), await codec.binaryPng(motion));
    }
    await writeFile(join(dir, 'ROI.bmp'), whiteBmp(items[0].width, items[0].height));
    await writeFile(join(dir, 'temporalROI.txt'), `1 ${Math.max(1, n)}\n`);
    res.folders.push(dir);
    res.frames += n;
  }
  return res;
}
