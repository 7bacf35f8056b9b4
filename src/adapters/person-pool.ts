/**
 * The person detector in worker threads: N threads, each with its own tfjs and model
 * (person-worker.ts); a frame goes to the least busy one. `startPersonDetector` is what the relay
 * calls: the default (person-models.ts) is one worker, so detection never blocks the relay's event
 * loop and never takes more than one core. The WASM backend runs a model on one core (its threaded
 * build does not start in Node), so more cores need more workers, each with its own model.
 *
 * Limits: each worker holds its own tfjs and model (~110 MB RSS idle, ~150 MB at peak, run from
 * the sources: `npm run bench -- alerts`); workers run with a small young generation (like `npm start`'s 2 MB
 * semi-spaces) and without source maps (tfjs' maps alone are ~30 MB parsed). Workers are started
 * with tsx registered (the sources run as TypeScript), like bin/quietcam.js. A worker that dies
 * fails its pending frames (the alert stage logs them as undecodable).
 */
import { Worker } from 'node:worker_threads';
import type { FrameRegion, PersonDetector, PersonResult } from '../alerts/types.js';
import { PERSON_DETECTOR_DEFAULT, personDetectorHere, type PersonDetectorChoice, type PersonModel } from './person-models.js';
import type { InputSize } from './person-tfjs.js';

const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); process.setSourceMapsEnabled(false); return import(workerData.entry); });
`;

interface Slot { worker: Worker; busy: number }

export interface PoolOptions {
  model: PersonModel;
  input?: InputSize;
}

/**
 * @example const detector = await personDetectorPool(1); await detector.detect(jpeg); await detector.close();
 */
export async function personDetectorPool(workers: number, options: PoolOptions = PERSON_DETECTOR_DEFAULT): Promise<PersonDetector> {
  const entry = new URL('./person-worker' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const waiting = new Map<number, { resolve(r: PersonResult): void; reject(e: Error): void; slot: Slot }>();
  let next = 1;
  let name = options.model;
  let inputs: PersonDetector['inputs'];
  const start = () => new Promise<Slot>((resolve, reject) => {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { tsx, entry, model: options.model, input: options.input },
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    const slot: Slot = { worker, busy: 0 };
    worker.once('error', reject);
    worker.on('message', (m: { ready?: boolean; name?: string; inputs?: PersonDetector['inputs']; id?: number; result?: PersonResult; error?: string }) => {
      if (m.ready) {
        name = (m.name ?? name) as PersonModel;
        inputs = m.inputs;
        worker.off('error', reject);
        worker.on('error', (err) => {
          for (const [id, w] of waiting) if (w.slot === slot) (waiting.delete(id), w.reject(err));
        });
        return resolve(slot);
      }
      const w = waiting.get(m.id!);
      if (!w) return;
      waiting.delete(m.id!);
      slot.busy--;
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve(m.result!);
    });
  });
  const slots = await Promise.all(Array.from({ length: Math.max(1, workers) }, start));
  return {
    get name() {
      return name;
    },
    get inputs() {
      return inputs;
    },
    detect(jpeg: Uint8Array, region?: FrameRegion | null) {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = next++;
      slot.busy++;
      return new Promise<PersonResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject, slot });
        slot.worker.postMessage({ id, jpeg, region: region ?? null });
      });
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

/**
 * The relay's person detector: the default choice unless told otherwise (workers 0: in this thread).
 * @example const detector = await startPersonDetector({ workers: 1 });
 */
export async function startPersonDetector(choice: Partial<PersonDetectorChoice> = {}): Promise<PersonDetector> {
  const c = { ...PERSON_DETECTOR_DEFAULT, ...choice };
  return c.workers > 0 ? personDetectorPool(c.workers, c) : personDetectorHere(c.model, c.input);
}
