/**
 * A child process for the SIGKILL test of the chunk spool (journal-spool.test.ts): appends records
 * to a few bundles' files as fast as it can until killed. Record i of a file has receive time i
 * and every byte = i & 255, so the test can tell a whole, in-order record from a torn one.
 */
import { ChunkSpool } from '../../../src/adapters/chunk-spool.ts';

const spool = new ChunkSpool(process.argv[2]);
const sizes = [4096 + 60, 1024 + 60, 300];
process.stdout.write('writing\n');
for (let i = 0; ; i++) {
  for (let f = 0; f < 3; f++) spool.append('porch', `b${f}`, new Uint8Array(sizes[f]).fill(i & 255), i);
}
