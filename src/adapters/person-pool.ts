/**
 * The person detector on several cores: N worker threads, each with its own NanoDet
 * (person-worker.ts), a frame goes to the least busy one. The WASM backend runs one op at a time
 * on one core (its threaded build needs browser workers), so on the 2-core home server two
 * workers halve the wait when 8 cameras' events arrive at once.
 *
 * Limits: each worker holds its own tfjs and model (~120 MB RSS each here); workers are started
 * with tsx registered (the sources run as TypeScript), like bin/quietcam.js.
 */
import { Worker } from 'node:worker_threads';
import type { PersonDetector, PersonResult } from '../alerts/types.js';

const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });
`;

interface Slot { worker: Worker; busy: number }

/**
 * @example const detector = await personDetectorPool(2); await detector.detect(jpeg); await detector.close();
 */
export async function personDetectorPool(workers: number): Promise<PersonDetector> {
  const entry = new URL('./person-worker' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const waiting = new Map<number, { resolve(r: PersonResult): void; reject(e: Error): void; slot: Slot }>();
  let next = 1;
  let name = 'nanodet-416';
  const start = () => new Promise<Slot>((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: { tsx, entry } });
    const slot: Slot = { worker, busy: 0 };
    worker.once('error', reject);
    worker.on('message', (m: { ready?: boolean; name?: string; id?: number; result?: PersonResult; error?: string }) => {
      if (m.ready) {
        name = m.name ?? name;
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
    detect(jpeg) {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = next++;
      slot.busy++;
      return new Promise<PersonResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject, slot });
        slot.worker.postMessage({ id, jpeg });
      });
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
