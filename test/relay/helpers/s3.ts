/**
 * Reading back what the relay stored, and watching what it sent: the relay's S3 store reports
 * every PutObject request as the SDK signed and sent it (s3rver ignores SSE headers, so SSE and tags are
 * asserted on the request).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listAllKeys } from '../../../src/adapters/s3-list.js';
import type { S3Store } from '../../../src/adapters/s3-store.js';

export interface CapturedPut {
  key: string;
  headers: Record<string, string>;
}

/** Record the headers of every PutObject request the store sends (after signing). */
export function capturePuts(store: S3Store): CapturedPut[] {
  const seen: CapturedPut[] = [];
  store.observe((req) => {
    if (req.method === 'PUT') seen.push({ key: req.key, headers: { ...req.headers } });
  });
  return seen;
}

/** Every key under the prefix, sorted (past 1,000 keys too: src/adapters/s3-list.ts). */
export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  return (await listAllKeys(client, bucket, prefix)).sort();
}

export async function getBytes(client: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return r.Body!.transformToByteArray();
}

/** The 6 keys of each bundle, sorted: what "exactly once" must find in the bucket. */
export function expectedKeys(owner: string, bundles: { cameraId: string; bundleId: string; captureTimeMs: number }[]): string[] {
  const names = ['1-view.jpg', '2-sky.png', '3-static.png', '4-motion.png', '5-background.jpg', 'meta.json'];
  const keys: string[] = [];
  for (const b of bundles) {
    const d = new Date(b.captureTimeMs);
    const p = (n: number) => String(n).padStart(2, '0');
    for (const n of names) keys.push(`contributions/${owner}/${b.cameraId}/${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${b.bundleId}/${n}`);
  }
  return keys.sort();
}
