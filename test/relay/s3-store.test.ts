/**
 * The S3 adapter puts through the AWS SDK against the real S3 protocol (s3rver): the object lands,
 * and every PutObject request carries server-side encryption and the purpose tag. s3rver ignores
 * SSE and tagging headers, so they are asserted on the signed request (the store's observe hook,
 * a middleware on the SDK client), not on what s3rver kept.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/relay/config.js';
import { s3Store, type SentPut } from '../../src/adapters/s3-store.js';
import { startS3, S3RVER_CREDENTIALS } from '../../src/adapters/s3rver-endpoint.js';
import { getBytes } from './helpers/s3.js';

const BUCKET = 'quietcam-contributions';

async function withS3(fn: (endpoint: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-s3store-'));
  const s3 = await startS3({ directory: dir, buckets: [BUCKET] });
  try {
    await fn(s3.endpoint);
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function store(endpoint: string, s3: Record<string, unknown>) {
  const c = loadConfig({ env: {}, overrides: { s3: { endpoint, bucket: BUCKET, ...S3RVER_CREDENTIALS, ...s3 }, status: { port: null } } });
  return s3Store(c.s3);
}

test('PutObject through the SDK: the object is stored; the signed request carries AES256 and the tag', async () => {
  await withS3(async (endpoint) => {
    const s = store(endpoint, {});
    const seen: SentPut[] = [];
    s.observe((r) => seen.push(r));
    const body = new TextEncoder().encode('{"hello":1}\n');
    await s.put({ key: 'contributions/alice/porch/2026/12/02/b1/meta.json', body, contentType: 'application/json', tags: { purpose: 'motion+objectron' } });
    assert.equal(Array.from(await getBytes(s.client, BUCKET, 'contributions/alice/porch/2026/12/02/b1/meta.json')), Array.from(body));
    assert.is(seen.length, 1);
    const h = Object.fromEntries(Object.entries(seen[0].headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.is(seen[0].key, 'contributions/alice/porch/2026/12/02/b1/meta.json');
    assert.is(seen[0].method, 'PUT');
    assert.is(h['x-amz-server-side-encryption'], 'AES256');
    assert.is(h['x-amz-tagging'], 'purpose=motion%2Bobjectron');
    assert.match(h.authorization, /^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/eu-west-1\/s3\/aws4_request/);
    assert.match(h.authorization, /x-amz-server-side-encryption/, 'the SSE header is signed');
    s.close?.();
  });
});

test('aws:kms: the request names the key', async () => {
  await withS3(async (endpoint) => {
    const s = store(endpoint, { sse: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k-1' });
    const seen: SentPut[] = [];
    s.observe((r) => seen.push(r));
    await s.put({ key: 'contributions/alice/porch/2026/12/02/b2/boxes.json', body: new Uint8Array([1, 2, 3]), contentType: 'application/json', tags: { purpose: 'objectron' } });
    const h = Object.fromEntries(Object.entries(seen[0].headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.is(h['x-amz-server-side-encryption'], 'aws:kms');
    assert.is(h['x-amz-server-side-encryption-aws-kms-key-id'], 'arn:aws:kms:eu-west-1:111122223333:key/k-1');
    s.close?.();
  });
});

test.run();
