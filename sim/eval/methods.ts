/**
 * The detection methods every evaluation compares: the project detector first (its masks are the
 * ones `--write-masks` writes), then the naive frame-differencing baseline. Shared by
 * `quietcam eval` (cli/eval.ts) and the README figures (sim/figures.ts).
 */
import { createDetector } from '../../src/core/index.js';
import { createFrameDiff } from '../../src/core/frame-diff.js';
import type { Method } from './evaluate.js';

/** The methods compared in every run: the project detector first (its masks are the ones written). */
export function defaultMethods(cellSize?: number): Method[] {
  return [
    {
      name: 'quietcam',
      create: (width, height) => createDetector(cellSize === undefined ? { width, height } : { width, height, cellSize }),
    },
    { name: 'frame-diff', create: (width, height) => createFrameDiff(width, height, cellSize) },
  ];
}
