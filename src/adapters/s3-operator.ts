/**
 * The home-operator contract's bucket (src/operator/bucket.ts) on S3: reads, lists and
 * every-version deletes are the owner pages' S3 adapter (s3-objects.ts, reused,
 * not copied); writes carry server-side encryption like the relay's. `putNew` sends
 * `If-None-Match: *`, so S3 refuses (412) to replace an existing key; with the bucket policy in
 * src/review/README.md the console's credentials cannot write an access key without it, nor delete one.
 * s3rver ignores the header: there, unique keys (time + 96 random bits) are what keeps entries apart.
 */
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import type { RelayConfig } from '../relay/config.js';
import { s3Objects } from './s3-objects.js';
import { KeyExistsError, type OperatorBucket } from '../operator/bucket.js';
import { s3Client } from './s3-store.js';

export interface S3OperatorBucket extends OperatorBucket {
  readonly client: S3Client;
  close(): void;
}

/** @example const bucket = s3OperatorBucket(relayConfig.s3); await bucket.putNew(key, bytes, 'application/json'); */
export function s3OperatorBucket(c: RelayConfig['s3'], client: S3Client = s3Client(c)): S3OperatorBucket {
  const objects = s3Objects(c, client);
  const write = async (key: string, body: Uint8Array, contentType: string, onlyNew: boolean) => {
    const input: PutObjectCommandInput = { Bucket: c.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length, ServerSideEncryption: c.sse };
    if (c.sse === 'aws:kms') input.SSEKMSKeyId = c.kmsKeyId;
    if (onlyNew) input.IfNoneMatch = '*';
    try {
      await client.send(new PutObjectCommand(input));
    } catch (err) {
      if (onlyNew && (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) throw new KeyExistsError(key);
      throw err;
    }
  };
  return {
    client,
    async get(key) {
      const r = await objects.get(key);
      return r ? r.body : null;
    },
    async list(prefix) {
      return (await objects.list(prefix)).sort();
    },
    put: (key, body, contentType) => write(key, body, contentType, false),
    putNew: (key, body, contentType) => write(key, body, contentType, true),
    deleteAll: (prefix) => objects.deleteAll(prefix),
    close() {
      client.destroy();
    },
  };
}
