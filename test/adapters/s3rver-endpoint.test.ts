/**
 * The embedded S3 endpoint refuses a taken port with EADDRINUSE (a rejected promise the CLI turns
 * into its clear message) instead of crashing the process with an unhandled 'error' event.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { startS3 } from '../../src/adapters/s3rver-endpoint.js';
import { tempDir } from '../relay/helpers/env.js';

const test = suite('s3rver endpoint');
const tmp = tempDir('quietcam-s3rver-');
let blocker: Server | undefined;

test.after(() => {
  blocker?.close();
  tmp.cleanup();
});

test('a taken port rejects with EADDRINUSE; a free one serves', async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', () => resolve()));
  const port = (blocker.address() as AddressInfo).port;
  const err = await startS3({ directory: tmp.dir, buckets: ['b'], port }).then(() => null, (e: NodeJS.ErrnoException) => e);
  assert.ok(err, 'startS3 resolved on a taken port');
  assert.is(err!.code, 'EADDRINUSE');
  const s3 = await startS3({ directory: tmp.dir, buckets: ['b'], port: 0 });
  try {
    const res = await fetch(`${s3.endpoint}/b?list-type=2`);
    assert.is(res.status, 200);
    assert.match(await res.text(), /<ListBucketResult/);
  } finally {
    await s3.stop();
  }
});

test.run();
