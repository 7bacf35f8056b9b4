/**
 * Listing past 1,000 keys (issue 19, item 6): against the embedded s3rver (whose truncated
 * ListObjectsV2 pages are HTTP 500s) and, with a stub client, the V2 continuation path real S3 takes.
 * Also: the relay's S3 store deletes keys (all-or-nothing uploads) on the real protocol.
 */
// test-timeout: 90 s
import { ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAllKeys } from '../../src/adapters/s3-list.js';
import { s3Store } from '../../src/adapters/s3-store.js';
import { S3RVER_CREDENTIALS, startS3, type EmbeddedS3 } from '../../src/adapters/s3rver-endpoint.js';
import { resolveConfig } from '../../src/relay/config.js';
import { s3Objects } from '../../src/web/adapters/s3-objects.js';
import { tempDir } from './helpers/env.js';

test('1,050 keys on s3rver: listed in full (V2 fails there past a page), deleted in full', async () => {
  const { dir, cleanup } = tempDir();
  let s3: EmbeddedS3 | undefined;
  let store: ReturnType<typeof s3Store> | undefined;
  try {
    s3 = await startS3({ directory: dir, buckets: ['qc-list'] });
    const config = resolveConfig({ s3: { bucket: 'qc-list', endpoint: s3.endpoint, ...S3RVER_CREDENTIALS } }).s3;
    store = s3Store(config);
    const client = store.client;
    const prefix = 'contributions/alice/porch/2026/11/23/';
    const keys = Array.from({ length: 1050 }, (_, i) => `${prefix}b-${String(i).padStart(4, '0')}/meta.json`);
    const body = new Uint8Array([1]);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(keys.slice(i, i + 100).map((Key) => client.send(new PutObjectCommand({ Bucket: 'qc-list', Key, Body: body }))));
    }
    await client.send(new PutObjectCommand({ Bucket: 'qc-list', Key: 'contributions/bob/x/meta.json', Body: body }));
    // what the issue reported: stock V2 past one page
    await client.send(new ListObjectsV2Command({ Bucket: 'qc-list', Prefix: prefix })).then(
      () => assert.unreachable('s3rver answered a truncated V2 page: the fallback may no longer be needed'),
      (err) => assert.is(err.$metadata?.httpStatusCode, 500),
    );
    assert.equal(await listAllKeys(client, 'qc-list', prefix), keys);
    assert.equal(await listAllKeys(client, 'qc-list', prefix, 300), keys, 'smaller pages');
    const web = s3Objects(config, client);
    assert.is((await web.list(prefix)).length, 1050);
    assert.is(await web.deleteAll(prefix), 1050);
    assert.equal(await web.list(prefix), []);
    // the relay's delete (a discarded bundle's keys)
    await store.delete(['contributions/bob/x/meta.json', 'contributions/bob/x/absent.png']);
    assert.equal(await listAllKeys(client, 'qc-list', 'contributions/'), []);
  } finally {
    store?.close?.();
    await s3?.stop();
    cleanup();
  }
});

test('V2 with continuation tokens where the endpoint answers it (real S3); V1 from the last key after a 500', async () => {
  const all = Array.from({ length: 2500 }, (_, i) => `k${String(i).padStart(5, '0')}`);
  const sent: string[] = [];
  const stub = (failV2After: number) => ({
    async send(cmd: unknown) {
      if (cmd instanceof ListObjectsV2Command) {
        const start = cmd.input.ContinuationToken ? Number(cmd.input.ContinuationToken) : 0;
        sent.push(`v2:${start}`);
        if (start >= failV2After) throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
        const page = all.slice(start, start + 1000);
        const truncated = start + 1000 < all.length;
        return { Contents: page.map((Key) => ({ Key })), IsTruncated: truncated, NextContinuationToken: truncated ? String(start + 1000) : undefined };
      }
      if (cmd instanceof ListObjectsCommand) {
        const start = cmd.input.Marker ? all.indexOf(cmd.input.Marker) + 1 : 0;
        sent.push(`v1:${cmd.input.Marker ?? ''}`);
        const page = all.slice(start, start + 1000);
        return { Contents: page.map((Key) => ({ Key })), IsTruncated: start + 1000 < all.length };
      }
      throw new Error('unexpected command');
    },
  }) as unknown as S3Client;
  assert.equal(await listAllKeys(stub(Infinity), 'b', ''), all);
  assert.equal(sent.splice(0), ['v2:0', 'v2:1000', 'v2:2000']);
  assert.equal(await listAllKeys(stub(1000), 'b', ''), all);
  assert.equal(sent.splice(0), ['v2:0', 'v2:1000', 'v1:k00999', 'v1:k01999']);
});

test.run();
