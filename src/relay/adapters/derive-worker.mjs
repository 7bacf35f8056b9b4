// The derive thread's first module: plain JavaScript, so it can register tsx (module hooks set up in
// the main thread do not reach worker threads) before loading the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./derive-worker-entry.ts');
