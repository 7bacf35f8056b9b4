/**
 * The operator bucket (src/operator/bucket.ts) behaves the same in memory and on S3 (s3rver):
 * put replaces, putNew writes new keys (in memory it refuses an existing one; s3rver ignores
 * If-None-Match, so there unique keys are the guarantee), list by prefix in key order,
 * deleteAll removes everything under a prefix; and the relay's S3 store answers `exists` for the
 * tombstones it checks.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { s3OperatorBucket } from '../../src/adapters/s3-operator.js';
import { s3Store } from '../../src/adapters/s3-store.js';
import { S3RVER_CREDENTIALS, startS3, type EmbeddedS3 } from '../../src/adapters/s3rver-endpoint.js';
import { MemoryBucket, type OperatorBucket } from '../../src/operator/bucket.js';
import { accessKey, flagKey } from '../../src/operator/keys.js';
import { resolveConfig } from '../../src/relay/config.js';
import { tempDir } from '../relay/helpers/env.js';

const tmp = tempDir('quietcam-operator-bucket-');
let s3: EmbeddedS3 | undefined;
const closers: (() => void)[] = [];
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);

function contract(name: string, make: () => Promise<OperatorBucket>) {
  const test = suite(`operator bucket: ${name}`);
  test('put, putNew, get, list, deleteAll', async () => {
    const b = await make();
    await b.put('consent/o1/cam-1.json', enc('{"v":1}'), 'application/json');
    await b.put('consent/o1/cam-1.json', enc('{"v":2}'), 'application/json');
    assert.is(dec(await b.get('consent/o1/cam-1.json')), '{"v":2}');
    const k1 = accessKey('o1', 1700000000000);
    const k2 = accessKey('o1', 1700000000000);
    assert.is.not(k1, k2, 'same instant, two keys');
    await b.putNew(k1, enc('a'), 'application/json');
    await b.putNew(k2, enc('b'), 'application/json');
    await b.putNew(accessKey('o2', 1), enc('c'), 'application/json');
    assert.equal(await b.list('access/o1/'), [k1, k2].sort());
    assert.is(await b.get('access/o1/none.json'), null);
    await b.put('contributions/o1/c/2026/01/01/b1/1-view.jpg', enc('x'), 'image/jpeg');
    await b.put('contributions/o1/c/2026/01/01/b1/meta.json', enc('{}'), 'application/json');
    await b.put('contributions/o1/c/2026/01/01/b10/meta.json', enc('{}'), 'application/json');
    assert.is(await b.deleteAll('contributions/o1/c/2026/01/01/b1/'), 2);
    assert.equal(await b.list('contributions/o1/'), ['contributions/o1/c/2026/01/01/b10/meta.json']);
  });
  test.run();
}

contract('memory', async () => new MemoryBucket());
contract('s3rver', async () => {
  s3 ??= await startS3({ directory: tmp.dir, buckets: ['quietcam-contributions'], port: 0 });
  const b = s3OperatorBucket(resolveConfig({ s3: { endpoint: s3.endpoint, ...S3RVER_CREDENTIALS } }).s3);
  closers.push(() => b.close());
  for (const k of await b.list('')) await b.deleteAll(k.slice(0, k.lastIndexOf('/') + 1));
  return b;
});

const more = suite('operator bucket: memory refuses, relay store sees tombstones');
more('memory putNew refuses an existing key', async () => {
  const b = new MemoryBucket();
  await b.putNew('access/o/1.json', enc('a'), 'application/json');
  const err = await b.putNew('access/o/1.json', enc('b'), 'application/json').then(() => null, (e: Error) => e);
  assert.is(err?.name, 'KeyExistsError');
  assert.is(dec(await b.get('access/o/1.json')), 'a');
});
more('the relay S3 store answers exists() for a tombstone', async () => {
  s3 ??= await startS3({ directory: tmp.dir, buckets: ['quietcam-contributions'], port: 0 });
  const config = resolveConfig({ s3: { endpoint: s3.endpoint, ...S3RVER_CREDENTIALS } }).s3;
  const store = s3Store(config);
  const b = s3OperatorBucket(config);
  closers.push(() => store.close?.(), () => b.close());
  const key = flagKey('o1', 'cam-1', 'b-9');
  assert.is(await store.exists(key), false);
  await b.put(key, enc('{}'), 'application/json');
  assert.is(await store.exists(key), true);
});
more.after(async () => {
  for (const c of closers) c();
  await s3?.stop();
  tmp.cleanup();
});
more.run();
