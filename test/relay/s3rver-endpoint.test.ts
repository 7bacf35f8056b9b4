/**
 * The embedded S3 endpoint (stock s3rver, silent): what S3 clients see: bytes, ETag, metadata,
 * listing, deletes, and configs put through the API taking effect at once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteBucketCorsCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startS3, S3RVER_CREDENTIALS, type EmbeddedS3 } from '../../src/adapters/s3rver-endpoint.js';
import { getBytes, listKeys } from './helpers/s3.js';
import { Rng } from '../../sim/scenes/random.js';

const BUCKET = 'quietcam-contributions';

async function withS3(fn: (s3: EmbeddedS3, client: S3Client) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-s3rver-'));
  const s3 = await startS3({ directory: dir, buckets: [BUCKET] });
  const client = new S3Client({ region: 'eu-west-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  try {
    await fn(s3, client);
  } finally {
    client.destroy();
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('PutObject: bytes, ETag, content type and x-amz-meta come back; the files are where s3rver keeps them', async () => {
  await withS3(async (s3, client) => {
    const rng = new Rng(7);
    const body = new Uint8Array(150_000).map(() => rng.next() & 255); // several request chunks
    const key = 'contributions/alice/porch/2026/12/02/b1/raw.jpg';
    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'image/jpeg', Metadata: { camera: 'porch' } }));
    const md5 = createHash('md5').update(body).digest('hex');
    assert.is(put.ETag, `"${md5}"`);
    assert.equal(Buffer.compare(Buffer.from(await getBytes(client, BUCKET, key)), Buffer.from(body)), 0);
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.is(head.ContentType, 'image/jpeg');
    assert.is(head.ContentLength, body.length);
    assert.is(head.ETag, `"${md5}"`);
    assert.equal(head.Metadata, { camera: 'porch' });
    const stem = join(s3.directory, BUCKET, 'contributions/alice/porch/2026/12/02/b1/raw.jpg');
    assert.is(readFileSync(`${stem}._S3rver_object.md5`, 'utf8'), md5);
    assert.equal(JSON.parse(readFileSync(`${stem}._S3rver_metadata.json`, 'utf8')), { 'content-type': 'image/jpeg', 'x-amz-meta-camera': 'porch' });
  });
});

test('an overwritten object reads back new; listing and delete work', async () => {
  await withS3(async (s3, client) => {
    const key = 'contributions/a/c/2026/12/02/b2/meta.json';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"v":1}', ContentType: 'application/json' }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"v":2}', ContentType: 'application/json' }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'contributions/a/c/2026/12/02/b2/empty', Body: new Uint8Array(0) }));
    assert.is(new TextDecoder().decode(await getBytes(client, BUCKET, key)), '{"v":2}');
    assert.equal(await listKeys(client, BUCKET), ['contributions/a/c/2026/12/02/b2/empty', key]);
    assert.is((await getBytes(client, BUCKET, 'contributions/a/c/2026/12/02/b2/empty')).length, 0);
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.equal(await listKeys(client, BUCKET), ['contributions/a/c/2026/12/02/b2/empty']);
    assert.not.ok(existsSync(join(s3.directory, BUCKET, 'contributions/a/c/2026/12/02/b2/meta.json._S3rver_object')));
    // the last object under a prefix gone, s3rver removes its directories; a put there makes them again
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'contributions/a/c/2026/12/02/b2/empty' }));
    assert.not.ok(existsSync(join(s3.directory, BUCKET, 'contributions/a/c/2026/12/02/b2')));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"v":3}', ContentType: 'application/json' }));
    assert.is(new TextDecoder().decode(await getBytes(client, BUCKET, key)), '{"v":3}');
  });
});

test('a CORS config put through the API applies to the next request, and its removal too (configs are kept in memory)', async () => {
  await withS3(async (s3, client) => {
    const key = 'contributions/a/c/2026/12/02/b3/meta.json';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{}' }));
    const preflight = () =>
      fetch(`${s3.endpoint}/${BUCKET}/${key}`, { method: 'OPTIONS', headers: { origin: 'http://example.test', 'access-control-request-method': 'GET' } });
    assert.is((await preflight()).status, 403, 'no CORS config yet: the preflight is refused');
    await client.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['http://example.test'], AllowedMethods: ['GET'] }] } }));
    const allowed = await preflight();
    assert.is(allowed.status, 200);
    assert.ok(allowed.headers.get('access-control-allow-origin'), 'the preflight is answered with CORS headers');
    await client.send(new DeleteBucketCorsCommand({ Bucket: BUCKET }));
    assert.is((await preflight()).status, 403, 'the config is gone again');
  });
});

test('an unknown bucket is still refused', async () => {
  await withS3(async (_s3, client) => {
    try {
      await client.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' }));
      assert.unreachable('put into a missing bucket');
    } catch (e) {
      assert.is((e as { name?: string }).name, 'NoSuchBucket');
    }
  });
});

test.run();
