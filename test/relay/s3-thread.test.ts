/**
 * adapters/s3-thread.ts: the S3 adapter on its own thread, against s3rver. Objects land as sent;
 * every PutObject is reported to observers with its signed SSE and tag headers; SDK errors keep
 * their name; a lost thread fails the puts it held and the next put starts a new one; a thread
 * that dies before it was ever ready is reported as fatal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/relay/config.js';
import { S3Thread } from '../../src/relay/adapters/s3-thread.js';
import type { SentPut } from '../../src/relay/adapters/s3-store.js';
import { startS3, S3RVER_CREDENTIALS, type EmbeddedS3 } from '../../src/relay/adapters/s3rver-endpoint.js';
import { Rng } from '../../sim/scenes/random.js';
import { getBytes, listKeys } from './helpers/s3.js';

const BUCKET = 'quietcam-contributions';

async function withS3(fn: (s3: EmbeddedS3) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-s3thread-'));
  const s3 = await startS3({ directory: dir, buckets: [BUCKET] });
  try {
    await fn(s3);
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const config = (endpoint: string, bucket = BUCKET) =>
  loadConfig({ env: {}, overrides: { s3: { endpoint, bucket, ...S3RVER_CREDENTIALS }, status: { port: null } } }).s3;
const worker = (t: S3Thread) => (t as unknown as { worker: { terminate(): Promise<number> } | null }).worker!;

test('40 puts at once: each object lands byte for byte, the caller keeps its bodies, each request is observed with SSE and its tag', async () => {
  await withS3(async (s3) => {
    const t = new S3Thread(config(s3.endpoint));
    const seen: SentPut[] = [];
    t.observe((r) => seen.push(r));
    try {
      const rng = new Rng(3);
      const bodies = Array.from({ length: 40 }, (_, i) => new Uint8Array(1000 + i * 97).map(() => rng.next() & 255));
      const keys = bodies.map((_, i) => `contributions/alice/porch/2026/12/02/b${i >> 3}/o${i & 7}.bin`);
      await Promise.all(bodies.map((body, i) => t.put({ key: keys[i], body, contentType: 'application/octet-stream', tags: { purpose: i % 2 ? 'motion' : 'objectron' } })));
      assert.ok(bodies.every((b, i) => b.length === 1000 + i * 97), 'the caller keeps its bodies (for retries)');
      assert.equal(await listKeys(t.client, BUCKET), [...keys].sort());
      for (const i of [0, 17, 39]) assert.ok(Buffer.from(await getBytes(t.client, BUCKET, keys[i])).equals(Buffer.from(bodies[i])), keys[i]);
      assert.is(seen.length, 40);
      const byKey = new Map(seen.map((r) => [r.key, Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]))]));
      assert.is(byKey.get(keys[3])!['x-amz-server-side-encryption'], 'AES256');
      assert.is(byKey.get(keys[3])!['x-amz-tagging'], 'purpose=motion');
      assert.is(byKey.get(keys[4])!['x-amz-tagging'], 'purpose=objectron');
      // a body that is a view into a larger buffer: only the view's bytes are stored
      await t.put({ key: 'view', body: bodies[39].subarray(100, 300), contentType: 'application/octet-stream', tags: {} });
      assert.ok(Buffer.from(await getBytes(t.client, BUCKET, 'view')).equals(Buffer.from(bodies[39].subarray(100, 300))));
      assert.is(t.started, 1);
    } finally {
      t.close();
    }
  });
});

test('an SDK error comes back with its name', async () => {
  await withS3(async (s3) => {
    const t = new S3Thread(config(s3.endpoint, 'no-such-bucket'));
    try {
      const err = await t.put({ key: 'k', body: new Uint8Array([1]), contentType: 'application/octet-stream', tags: {} }).then(() => null, (e: Error) => e);
      assert.ok(err, 'the put failed');
      assert.is(err!.name, 'NoSuchBucket');
    } finally {
      t.close();
    }
  });
});

test('a lost thread fails the puts it held; the next put starts a new thread and lands', async () => {
  await withS3(async (s3) => {
    let fatal: Error | null = null;
    const t = new S3Thread(config(s3.endpoint), (e) => (fatal = e));
    try {
      const put = (key: string) => t.put({ key, body: new Uint8Array([7, 7]), contentType: 'application/octet-stream', tags: {} });
      await put('first');
      const held = [put('held-1'), put('held-2')];
      await Promise.resolve(); // the batch is posted
      await worker(t).terminate();
      const errs = await Promise.all(held.map((p) => p.then(() => null, (e: Error) => e)));
      for (const e of errs) assert.match(e?.message ?? '', /S3 thread exited/);
      await put('after');
      assert.is(t.started, 2);
      assert.ok((await listKeys(t.client, BUCKET)).includes('after'));
      assert.is(fatal, null, 'a thread lost after it was ready is not fatal');
    } finally {
      t.close();
    }
  });
});

test('a thread that dies before it was ever ready is reported as fatal, with the reason', async () => {
  let fatal: Error | null = null;
  const t = new S3Thread(config('http://127.0.0.1:9'), (e) => (fatal = e));
  const held = t.put({ key: 'k', body: new Uint8Array([1]), contentType: 'application/octet-stream', tags: {} });
  await Promise.resolve();
  await worker(t).terminate(); // loading the thread takes far longer than this
  const err = await held.then(() => null, (e: Error) => e);
  assert.match(err?.message ?? '', /S3 thread could not start/);
  assert.match((fatal as Error | null)?.message ?? '', /S3 thread could not start: exited/);
  t.close();
});

test('close fails what is still waiting instead of leaving it hanging', async () => {
  const t = new S3Thread(config('http://127.0.0.1:9'));
  const held = t.put({ key: 'k', body: new Uint8Array([1]), contentType: 'application/octet-stream', tags: {} });
  t.close();
  const err = await held.then(() => null, (e: Error) => e);
  assert.match(err?.message ?? '', /closed/);
  const after = await t.put({ key: 'k', body: new Uint8Array([1]), contentType: 'application/octet-stream', tags: {} }).then(() => null, (e: Error) => e);
  assert.match(after?.message ?? '', /closed/);
});

test.run();
