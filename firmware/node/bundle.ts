/**
 * The device app's ES5 bundle for a board, dist/firmware/<board>.js, rebuilt when missing or older
 * than any app/core/protocol/board source. Its own module because it holds the builder
 * (typescript, esbuild, acorn: ~85 MB once loaded): run.ts imports it only when it starts an
 * embedded runtime, so a process that runs the app in Node never loads them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildFirmware, DIST_FIRMWARE } from '../build.ts';

export function firmwareBundle(board: string): string {
  const file = join(DIST_FIRMWARE, `${board}.js`);
  if (existsSync(file)) {
    const built = statSync(file).mtimeMs;
    const root = join(DIST_FIRMWARE, '../..');
    const stale = ['firmware/app', 'src/core', 'src/protocol', 'boards'].some((dir) => newerThan(join(root, dir), built));
    if (!stale) return file;
  }
  return buildFirmware({ board }).file;
}

function newerThan(dir: string, t: number): boolean {
  for (const e of readdirNames(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isDirectory() ? newerThan(p, t) : st.mtimeMs > t) return true;
  }
  return false;
}

function readdirNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
