/**
 * The person detectors by name, and the relay's default: which model at which input size, in how
 * many worker threads. `npm run bench -- alerts` measures each candidate on the same frames (speed,
 * memory, people flagged, empty frames flagged); the default is the fastest that keeps the verdicts:
 * NanoDet at 288x224 for whole frames (vtest 20/20 people frames, tree 0/11 and the hand 0/3,
 * HallAndMonitor 22/23; ~0.4 of the CPU of NanoDet's 416x416; 256x192 misses vtest people) and
 * 192x192 for the region around the board's motion (~0.6 of a whole frame's CPU, and a distant
 * person keeps more pixels: src/alerts/regions.ts), one graph for both, in ONE worker thread: the
 * detector never takes more than one of the home server's cores (the relay's uploads keep the
 * other) and never blocks the relay's event loop.
 */
import type { PersonDetector } from '../alerts/types.js';
import { centernetPersonDetector } from './person-centernet.js';
import { nanodetPersonDetector } from './person-nanodet.js';
import type { InputSize } from './person-tfjs.js';

export type PersonModel = 'nanodet' | 'centernet';

export interface PersonDetectorChoice {
  model: PersonModel;
  /** Model input, multiples of 32; absent: the model's default. */
  input?: InputSize;
  /** Worker threads the detector runs in (0: in the caller's thread, one call at a time). */
  workers: number;
}

export const PERSON_DETECTOR_DEFAULT: PersonDetectorChoice = { model: 'nanodet', input: { width: 288, height: 224 }, workers: 1 };

/** One detector in this thread. */
export function personDetectorHere(model: PersonModel, input?: InputSize): Promise<PersonDetector> {
  const o = input ? { input } : {};
  if (model === 'centernet') return centernetPersonDetector(o);
  if (model === 'nanodet') return nanodetPersonDetector(o);
  throw new Error(`unknown person model ${String(model)}`);
}
