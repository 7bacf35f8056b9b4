/**
 * Listing every key under a prefix, past the 1,000 keys of one page, against real S3 and the
 * embedded s3rver alike.
 *
 * ListObjectsV2 pages with its continuation token. s3rver 3.7 on Node 20 answers HTTP 500
 * (InternalError) to every truncated V2 page: it encrypts the continuation token with a cipher
 * OpenSSL 3 no longer offers, so any listing past 1,000 keys failed there. When a V2 page fails
 * that way, the listing goes on with ListObjects (V1) from the last key it has, with
 * `Marker` = the last key of each page (NextMarker is only sent with a delimiter). Real S3
 * answers both; V1 costs the same one request per 1,000 keys.
 */
import { ListObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

const internalError = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'InternalError' || e.$metadata?.httpStatusCode === 500;
};

/**
 * Every key under `prefix`, in S3's (UTF-8 binary) order. `pageSize` (MaxKeys, ≤ 1000) for tests.
 * @example const keys = await listAllKeys(s3.client, s3.bucket, 'contributions/alice/');
 */
export async function listAllKeys(client: S3Client, bucket: string, prefix: string, pageSize?: number): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  for (;;) {
    try {
      const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: pageSize }));
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
      if (!token) return keys;
    } catch (err) {
      if (!internalError(err)) throw err;
      return listV1(client, bucket, prefix, keys, pageSize);
    }
  }
}

/** ListObjects (V1) from after the last key of `keys`, appending to it. */
async function listV1(client: S3Client, bucket: string, prefix: string, keys: string[], pageSize?: number): Promise<string[]> {
  let marker = keys.length ? keys[keys.length - 1] : undefined;
  for (;;) {
    const r = await client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker, MaxKeys: pageSize }));
    const page = (r.Contents ?? []).map((o) => o.Key).filter((k): k is string => !!k);
    keys.push(...page);
    if (!r.IsTruncated || !page.length) return keys;
    marker = r.NextMarker ?? page[page.length - 1];
  }
}
