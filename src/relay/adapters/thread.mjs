// A worker thread's first module (started by threads.ts): plain JavaScript, so it can
// register tsx (module hooks set up in the main thread do not reach worker threads) before it loads
// the TypeScript module named by workerData.entry (a file URL). That module reads workerData.data.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
