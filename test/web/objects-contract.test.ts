/**
 * One contract for the bucket port (ObjectAccess), run on the in-memory bucket and on S3 itself
 * (s3rver through the relay's S3 client), plus the all-versions delete path of the S3 adapter on
 * a versioned bucket's answers (s3rver has no versioning).
 */
import { DeleteObjectsCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { S3RVER_CREDENTIALS, startS3, type EmbeddedS3 } from '../../src/adapters/s3rver-endpoint.js';
import { resolveConfig } from '../../src/relay/config.js';
import { s3Objects, type S3Objects } from '../../src/web/adapters/s3-objects.js';
import { MemoryObjects } from '../../src/web/memory.js';
import type { ObjectAccess } from '../../src/web/ports.js';
import { tempDir } from '../relay/helpers/env.js';

interface Impl { objects: ObjectAccess; put(key: string, body: string): Promise<void>; close(): Promise<void> }

function contract(name: string, make: () => Promise<Impl>) {
  const test = suite<{ impl: Impl }>(`objects contract: ${name}`);
  test.before(async (c) => { c.impl = await make(); });
  test.after(async (c) => { await c.impl.close(); });

  test('get returns the bytes and type; a missing key is null', async ({ impl }) => {
    await impl.put('contributions/o1/cam-a/2026/05/01/b-1/1-view.jpg', 'view');
    const got = await impl.objects.get('contributions/o1/cam-a/2026/05/01/b-1/1-view.jpg');
    assert.is(Buffer.from(got!.body).toString(), 'view');
    assert.is(got!.contentType, 'image/jpeg');
    assert.is(await impl.objects.get('contributions/o1/cam-a/2026/05/01/b-1/nope.jpg'), null);
  });

  test('deleteAll removes exactly the prefix, and list proves it', async ({ impl }) => {
    for (const n of ['1-view.jpg', 'meta.json']) {
      await impl.put(`contributions/o1/cam-a/2026/05/01/b-2/${n}`, n);
      await impl.put(`contributions/o1/cam-a/2026/05/01/b-20/${n}`, n); // same start, other bundle
      await impl.put(`contributions/o2/cam-a/2026/05/01/b-2/${n}`, n); // other owner
    }
    assert.is((await impl.objects.list('contributions/o1/cam-a/2026/05/01/b-2/')).length, 2);
    assert.is(await impl.objects.deleteAll('contributions/o1/cam-a/2026/05/01/b-2/'), 2);
    assert.equal(await impl.objects.list('contributions/o1/cam-a/2026/05/01/b-2/'), []);
    assert.is((await impl.objects.list('contributions/o1/cam-a/2026/05/01/b-20/')).length, 2);
    assert.is((await impl.objects.list('contributions/o2/')).length, 2);
    assert.is(await impl.objects.deleteAll('contributions/o1/cam-a/2026/05/01/b-2/'), 0, 'idempotent');
  });

  test('deleteKey removes that one key and never a longer one', async ({ impl }) => {
    await impl.put('stats/o1.json', '{"annotated":1}');
    await impl.put('stats/o1.json.bak', 'not the key');
    await impl.put('stats/o12.json', 'another owner');
    assert.is(await impl.objects.deleteKey('stats/o1.json'), 1);
    assert.equal(await impl.objects.list('stats/'), ['stats/o1.json.bak', 'stats/o12.json']);
    assert.is(await impl.objects.deleteKey('stats/o1.json'), 0, 'idempotent');
  });

  test('deleteAll refuses a prefix that is not a folder', async ({ impl }) => {
    let threw = false;
    await impl.objects.deleteAll('contributions/o1/cam-a/2026/05/01/b-2').catch(() => { threw = true; });
    assert.ok(threw);
  });

  test.run();
}

contract('memory', async () => {
  const m = new MemoryObjects();
  return { objects: m, put: async (k, b) => m.put(k, Buffer.from(b), k.endsWith('.jpg') ? 'image/jpeg' : 'application/json'), close: async () => {} };
});

contract('S3 (s3rver)', async () => {
  const tmp = tempDir('quietcam-web-s3-');
  const s3: EmbeddedS3 = await startS3({ directory: tmp.dir, buckets: ['quietcam-contributions'] });
  const config = resolveConfig({ s3: { endpoint: s3.endpoint, ...S3RVER_CREDENTIALS } });
  const objects: S3Objects = s3Objects(config.s3);
  return {
    objects,
    put: async (key, body) => { await objects.client.send(new PutObjectCommand({ Bucket: config.s3.bucket, Key: key, Body: body, ContentType: key.endsWith('.jpg') ? 'image/jpeg' : 'application/json' })); },
    close: async () => { objects.close(); await s3.stop(); tmp.cleanup(); },
  };
});

const versions = suite('S3 adapter: versioned bucket');
versions('deletes every version and delete marker', async () => {
  const sent: unknown[] = [];
  const fake = {
    async send(cmd: unknown) {
      sent.push(cmd);
      if (cmd instanceof ListObjectVersionsCommand) {
        return {
          Versions: [{ Key: 'p/a', VersionId: 'v1' }, { Key: 'p/a', VersionId: 'v2' }, { Key: 'p/b', VersionId: 'v1' }],
          DeleteMarkers: [{ Key: 'p/c', VersionId: 'm1' }], IsTruncated: false,
        };
      }
      if (cmd instanceof DeleteObjectsCommand) return { Errors: [] };
      throw new Error('unexpected');
    },
    destroy() {},
  } as unknown as S3Client;
  const o = s3Objects(resolveConfig({}).s3, fake);
  assert.is(await o.deleteAll('p/'), 4);
  const del = sent.find((x) => x instanceof DeleteObjectsCommand) as DeleteObjectsCommand;
  assert.equal(del.input.Delete!.Objects, [{ Key: 'p/a', VersionId: 'v1' }, { Key: 'p/a', VersionId: 'v2' }, { Key: 'p/b', VersionId: 'v1' }, { Key: 'p/c', VersionId: 'm1' }]);
});
versions('deleteKey deletes every version of the key alone', async () => {
  const sent: unknown[] = [];
  const fake = {
    async send(cmd: unknown) {
      sent.push(cmd);
      if (cmd instanceof ListObjectVersionsCommand) {
        return { Versions: [{ Key: 's/o1.json', VersionId: 'v1' }, { Key: 's/o1.json', VersionId: 'v2' }, { Key: 's/o1.json.x', VersionId: 'v1' }], DeleteMarkers: [{ Key: 's/o1.json', VersionId: 'm1' }], IsTruncated: false };
      }
      if (cmd instanceof DeleteObjectsCommand) return { Errors: [] };
      throw new Error('unexpected');
    },
    destroy() {},
  } as unknown as S3Client;
  const o = s3Objects(resolveConfig({}).s3, fake);
  assert.is(await o.deleteKey('s/o1.json'), 3);
  const del = sent.find((x) => x instanceof DeleteObjectsCommand) as DeleteObjectsCommand;
  assert.equal(del.input.Delete!.Objects, [{ Key: 's/o1.json', VersionId: 'v1' }, { Key: 's/o1.json', VersionId: 'v2' }, { Key: 's/o1.json', VersionId: 'm1' }]);
});
versions.run();
