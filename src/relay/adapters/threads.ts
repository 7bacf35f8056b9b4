/**
 * One way to run a TypeScript module on a worker thread, for worker-deriver.ts and s3-thread.ts:
 * through thread.mjs (which registers tsx there; the main thread's module hooks do not reach
 * workers), unref'd (an idle thread does not keep the process alive), and with its loss reported
 * once, however it went (an 'error' is followed by an 'exit').
 */
import { Worker } from 'node:worker_threads';

const THREAD = new URL('./thread.mjs', import.meta.url);

/**
 * Start `entry` with `data` as its `workerData.data`. `onLost(why, answered)` comes once, when the
 * thread fails or exits; `answered` says whether it ever posted a message: one that never did
 * could not start at all (a broken install), which is not worth retrying.
 * @example const w = startThread(new URL('./s3-thread-entry.ts', import.meta.url), config.s3, onReply, onLost);
 */
export function startThread<Reply>(entry: URL, data: unknown, onMessage: (m: Reply) => void, onLost: (why: string, answered: boolean) => void): Worker {
  const w = new Worker(THREAD, { workerData: { entry: entry.href, data } });
  w.unref();
  let answered = false;
  let lost = false;
  const lose = (why: string) => {
    if (lost) return;
    lost = true;
    onLost(why, answered);
  };
  w.on('message', (m: Reply) => {
    answered = true;
    onMessage(m);
  });
  w.on('error', (err) => lose(`failed: ${err.message}`));
  w.on('exit', (code) => lose(`exited with code ${code}`));
  return w;
}
