/**
 * The bucket for the owner pages and the review console (s3-operator.ts): get, list and
 * delete-every-version, on the relay's S3 client
 * (src/adapters/s3-store.ts s3Client, same endpoint, region and credentials).
 *
 * Deleting: ListObjectVersions + DeleteObjects with every VersionId and delete marker under the
 * prefix, so nothing is left in a versioned bucket. Endpoints without versioning (s3rver answers
 * NotImplemented / MethodNotAllowed) fall back to listing the keys (s3-list.ts: past 1,000 keys on s3rver too) + DeleteObjects. Limits: keys are
 * deleted 1000 per request; a prefix is one contribution (6 objects) in practice.
 */
import {
  DeleteObjectsCommand, GetObjectCommand, ListObjectVersionsCommand, NoSuchKey, type S3Client,
} from '@aws-sdk/client-s3';
import type { RelayConfig } from '../relay/config.js';
import { listAllKeys } from './s3-list.js';
import { s3Client } from './s3-store.js';

/** An object's bytes and type (the shape of the owner pages' StoredBody, src/web/ports.ts). */
export interface StoredBody {
  body: Uint8Array;
  contentType: string;
}

/** The owner pages' ObjectAccess (src/web/ports.ts), structurally, plus the client. */
export interface S3Objects {
  get(key: string): Promise<StoredBody | null>;
  list(prefix: string): Promise<string[]>;
  deleteAll(prefix: string): Promise<number>;
  deleteKey(key: string): Promise<number>;
  readonly client: S3Client;
  close(): void;
}

type Id = { Key: string; VersionId?: string };

const unsupported = (err: unknown) => {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotImplemented' || e.name === 'MethodNotAllowed' || e.Code === 'NotImplemented' || e.$metadata?.httpStatusCode === 405 || e.$metadata?.httpStatusCode === 501;
};

/**
 * @example const objects = s3Objects(relayConfig.s3); await objects.deleteAll('contributions/o1/cam-1/2026/05/01/b-1/');
 */
export function s3Objects(c: RelayConfig['s3'], client: S3Client = s3Client(c)): S3Objects {
  const bucket = c.bucket;

  async function versionIds(prefix: string): Promise<Id[]> {
    const ids: Id[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const r = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, VersionIdMarker }));
      for (const v of [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])]) if (v.Key) ids.push({ Key: v.Key, VersionId: v.VersionId });
      KeyMarker = r.IsTruncated ? r.NextKeyMarker : undefined;
      VersionIdMarker = r.IsTruncated ? r.NextVersionIdMarker : undefined;
    } while (KeyMarker);
    return ids;
  }

  // past 1,000 keys too, on s3rver as on S3 (s3-list.ts)
  const list = (prefix: string): Promise<string[]> => listAllKeys(client, bucket, prefix);

  async function remove(ids: Id[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) {
      const r = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: ids.slice(i, i + 1000), Quiet: true } }));
      if (r.Errors?.length) throw new Error(`S3 refused to delete ${r.Errors.length} object(s): ${r.Errors[0].Code} ${r.Errors[0].Key}`);
    }
  }

  return {
    client,
    async get(key: string): Promise<StoredBody | null> {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = await r.Body!.transformToByteArray();
        return { body, contentType: r.ContentType ?? 'application/octet-stream' };
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
        throw err;
      }
    },
    list,
    async deleteAll(prefix: string): Promise<number> {
      if (!prefix.endsWith('/')) throw new RangeError('deleteAll: a prefix must end with /');
      let ids: Id[];
      try {
        ids = await versionIds(prefix);
      } catch (err) {
        if (!unsupported(err)) throw err;
        ids = (await list(prefix)).map((Key) => ({ Key }));
      }
      await remove(ids);
      return ids.length;
    },
    /** Every version of the one key (a listing by prefix, then only exact matches: never a longer key). */
    async deleteKey(key: string): Promise<number> {
      let ids: Id[];
      try {
        ids = await versionIds(key);
      } catch (err) {
        if (!unsupported(err)) throw err;
        ids = (await list(key)).map((Key) => ({ Key }));
      }
      ids = ids.filter((id) => id.Key === key);
      await remove(ids);
      return ids.length;
    },
    close() {
      client.destroy();
    },
  };
}
