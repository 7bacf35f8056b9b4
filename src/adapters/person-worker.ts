/**
 * One worker thread of the person detector pool (person-pool.ts): loads the model named in
 * workerData (person-models.ts) and answers { id, jpeg, region } with { id, result } or { id, error }.
 * Started by the pool only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FrameRegion } from '../alerts/types.js';
import { personDetectorHere, type PersonModel } from './person-models.js';
import type { InputSize } from './person-tfjs.js';

const port = parentPort;
if (!port) throw new Error('person-worker: run as a worker thread (person-pool.ts)');
const { model, input } = workerData as { model: PersonModel; input?: InputSize };
const detector = await personDetectorHere(model, input);
port.on('message', (m: { id: number; jpeg: Uint8Array; region: FrameRegion | null }) => {
  detector.detect(m.jpeg, m.region).then(
    (result) => port.postMessage({ id: m.id, result }),
    (err: Error) => port.postMessage({ id: m.id, error: err.message }),
  );
});
port.postMessage({ ready: true, name: detector.name, inputs: detector.inputs });
