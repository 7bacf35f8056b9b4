/**
 * One worker thread of the person detector pool (person-pool.ts): loads NanoDet (person-nanodet.ts)
 * and answers { id, jpeg } with { id, result } or { id, error }. Started by the pool only.
 */
import { parentPort } from 'node:worker_threads';
import { nanodetPersonDetector } from './person-nanodet.js';

const port = parentPort;
if (!port) throw new Error('person-worker: run as a worker thread (person-pool.ts)');
const detector = await nanodetPersonDetector();
port.on('message', (m: { id: number; jpeg: Uint8Array }) => {
  detector.detect(m.jpeg).then(
    (result) => port.postMessage({ id: m.id, result }),
    (err: Error) => port.postMessage({ id: m.id, error: err.message }),
  );
});
port.postMessage({ ready: true, name: detector.name });
