/**
 * The embedded S3 endpoint: s3rver (real S3 REST protocol, objects as files under `directory`).
 * For `startStack()` and tests only. Limits: it ignores server-side encryption headers (SSE is
 * asserted on the outgoing requests in the tests) and tagging on PutObject; keys are plain files.
 *
 * s3rver is used as it comes, except for its file store, which is replaced by `QuickStore` below,
 * and its loggers, which are left out (it runs silent). Its protocol and its files stay as they
 * are. Why: on these VMs every job s3rver hands to libuv's thread pool costs ~0.05-0.1 ms of CPU,
 * most of it in waking another vCPU. A stock PutObject makes ~12 of them (two config reads that
 * fail with ENOENT, a stat, mkdirp, then open/write/close for the object, its .md5 and its
 * metadata.json), and its silent loggers still format each request through winston. Measured
 * with 16 PutObjects of 20 KB in flight, the SDK client in another process: ~1.9 ms of s3rver CPU
 * per put stock, ~1.35 ms without the request logger and with lookups cached, ~0.85 ms with the
 * files also written synchronously, ~0.77 ms with no mkdir per put and no per-request winston
 * calls. The relay puts 6 objects per bundle, and in the benchmark s3rver shares the two cores
 * with it.
 */
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';

const require = createRequire(import.meta.url);
/** s3rver's own file store and object model (3.7: lib/stores/filesystem.js, lib/models/object.js). */
const FilesystemStore = require('s3rver/lib/stores/filesystem') as new (dir: string) => FilesystemStoreApi;
const S3Object = require('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] };

/** The part of s3rver's FilesystemStore that QuickStore overrides or calls. */
interface FilesystemStoreApi {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getBucket(bucket: string): Promise<unknown>;
  putBucket(bucket: string): Promise<unknown>;
  deleteBucket(bucket: string): Promise<unknown>;
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  putSubresource(bucket: string, key: string | undefined, resource: unknown): Promise<unknown>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  reset(): void;
}

interface StoredObject {
  bucket: string;
  key: string;
  /** The request stream, or a Buffer. */
  content: AsyncIterable<Buffer> | Buffer;
  metadata: Record<string, string>;
}

/**
 * s3rver's file store, with the same files in the same places, cheaper per PutObject:
 * - Bucket-level configs (CORS, website) and bucket existence are read from disk once and kept
 *   until s3rver itself changes them (put/delete of a bucket or config, reset). Changes made to
 *   the directory behind s3rver's back while it runs are not seen.
 * - A PutObject body (a few KB here) is read whole, then the object, its .md5 and its
 *   metadata.json are written synchronously, as s3rver writes them; the directory is made only
 *   when the first write finds it missing.
 */
class QuickStore extends FilesystemStore {
  readonly #buckets = new Map<string, unknown>();
  readonly #configs = new Map<string, unknown>();

  #forget(): void {
    this.#buckets.clear();
    this.#configs.clear();
  }

  override async getBucket(bucket: string): Promise<unknown> {
    const known = this.#buckets.get(bucket);
    if (known) return known;
    const found = await super.getBucket(bucket);
    if (found) this.#buckets.set(bucket, found);
    return found;
  }

  override async putBucket(bucket: string): Promise<unknown> {
    this.#forget();
    return super.putBucket(bucket);
  }

  override async deleteBucket(bucket: string): Promise<unknown> {
    this.#forget();
    return super.deleteBucket(bucket);
  }

  override async getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown> {
    if (key !== undefined) return super.getSubresource(bucket, key, type); // per object (tagging): not kept
    const id = `${bucket}\0${type}`;
    if (this.#configs.has(id)) return this.#configs.get(id);
    const config = await super.getSubresource(bucket, key, type);
    this.#configs.set(id, config);
    return config;
  }

  override async putSubresource(bucket: string, key: string | undefined, resource: unknown): Promise<unknown> {
    this.#configs.clear();
    return super.putSubresource(bucket, key, resource);
  }

  override async deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown> {
    this.#configs.clear();
    return super.deleteSubresource(bucket, key, type);
  }

  override reset(): void {
    this.#forget();
    super.reset();
  }

  override async putObject(object: StoredObject): Promise<{ size: number; md5: string }> {
    let body: Buffer;
    if (Buffer.isBuffer(object.content)) body = object.content;
    else {
      const parts: Buffer[] = [];
      for await (const part of object.content) parts.push(part);
      body = Buffer.concat(parts);
    }
    const md5 = createHash('md5').update(body).digest('hex');
    const path = this.getResourcePath(object.bucket, object.key, 'object');
    try {
      writeFileSync(path, body);
    } catch (err) {
      // the key's first object under its prefix (s3rver removes emptied directories on delete)
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
    }
    writeFileSync(this.getResourcePath(object.bucket, object.key, 'object.md5'), md5);
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(object.metadata)) {
      if (S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')) kept[name] = value;
    }
    writeFileSync(this.getResourcePath(object.bucket, object.key, 'metadata.json'), JSON.stringify(kept, null, 2));
    return { size: body.length, md5 };
  }
}

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface EmbeddedS3 {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  readonly directory: string;
  stop(): Promise<void>;
}

/**
 * Start s3rver with `buckets` created, data under `directory`.
 * @example const s3 = await startS3({ directory: './data/s3', buckets: ['quietcam-contributions'] });
 */
export async function startS3(o: { directory: string; buckets: string[]; host?: string; port?: number }): Promise<EmbeddedS3> {
  const host = o.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: o.port ?? 0,
    directory: o.directory,
    silent: true,
    configureBuckets: o.buckets.map((name) => ({ name })),
  });
  server.store = server.context.store = new QuickStore(o.directory);
  // Silent, s3rver's koa-logger still formats every request and hands it to a silent winston, and
  // its controllers log each stored object through that winston: both are left out.
  const middleware = server.middleware as { name: string }[];
  const logger = middleware.findIndex((m) => m.name === 'logger');
  if (logger >= 0) middleware.splice(logger, 1);
  const quiet = () => {};
  server.context.logger = { error: quiet, warn: quiet, info: quiet, debug: quiet, verbose: quiet, silly: quiet, log: quiet };
  const addr = (await server.run()) as AddressInfo;
  const http = server.httpServer as import('node:http').Server;
  return {
    endpoint: `http://${host}:${addr.port}`,
    port: addr.port,
    directory: o.directory,
    async stop() {
      http.closeAllConnections();
      await server.close();
    },
  };
}
