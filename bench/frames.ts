/**
 * Frames for benchmarks: ../shared/footage/vtest.avi (people walking) reduced to the grid when
 * it and ffmpeg are there, else a generated scene with people walking, so the bench always runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const VTEST = fileURLToPath(new URL('../../shared/footage/vtest.avi', import.meta.url));

export async function benchFrames(width: number, height: number, count = 200): Promise<Uint8Array[]> {
  if (existsSync(VTEST)) {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-i', VTEST, '-frames:v', String(count), '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 28 });
    if (r.status === 0 && r.stdout.length >= width * height * count) {
      const frames: Uint8Array[] = [];
      for (let i = 0; i < count; i++) frames.push(new Uint8Array(r.stdout.subarray(i * width * height, (i + 1) * width * height)));
      return frames;
    }
  }
  const { openScene } = await import('../sim/scenes/index.ts');
  const { GridReducer } = await import('../sim/grid.ts');
  const src = openScene('plain', { seed: 1 });
  const red = new GridReducer(src.width, src.height, width);
  const frames: Uint8Array[] = [];
  for await (const f of src.frames()) {
    const g = new Uint8Array(red.width * red.height);
    red.reduce(f.grey, g);
    frames.push(g);
    if (frames.length === count) break;
  }
  return frames;
}
