/**
 * The S3 thread (started by s3-thread.ts): one s3Store, the SDK client and its sockets. Takes
 * { puts: [{ id, req }] } and { observe: true }; answers { ready: true } once loaded, then
 * { settled: [{ id, error? }] } (gathered over one turn of this thread's event loop) and, when
 * observed, { sent: SentPut } for every PutObject as it goes out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RelayConfig } from '../config.js';
import type { PutRequest } from '../types.js';
import { s3Store } from './s3-store.js';

export type ThreadRequest = { puts: { id: number; req: PutRequest }[] } | { observe: true };
export type Settled = { id: number; error?: { name: string; message: string } };
export type ThreadReply = { ready: true } | { settled: Settled[] } | { sent: import('./s3-store.js').SentPut };

const store = s3Store((workerData as { data: RelayConfig['s3'] }).data);
const port = parentPort!;
const reply = (m: ThreadReply) => port.postMessage(m);

let settled: Settled[] = [];
function settle(s: Settled): void {
  if (!settled.length) setImmediate(() => {
    const batch = settled;
    settled = [];
    reply({ settled: batch });
  });
  settled.push(s);
}

port.on('message', (m: ThreadRequest) => {
  if ('observe' in m) {
    store.observe((sent) => reply({ sent }));
    return;
  }
  for (const { id, req } of m.puts) {
    store.put(req).then(
      () => settle({ id }),
      (err: Error) => settle({ id, error: { name: err?.name ?? 'Error', message: err?.message ?? String(err) } }),
    );
  }
});
reply({ ready: true });
