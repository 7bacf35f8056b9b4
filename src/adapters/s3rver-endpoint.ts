/**
 * The embedded S3 endpoint: stock s3rver 3.7 (the real S3 REST protocol, objects as files under
 * `directory`), silent. For `startStack()` and tests only. Limits: it ignores server-side
 * encryption headers (SSE is asserted on the outgoing requests in the tests) and tagging on
 * PutObject; keys are plain files; one process, no replication.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';

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
  // s3rver's own run() listens without an 'error' handler, so a taken port crashed the process
  // (an unhandled EADDRINUSE event): listen here and reject instead.
  await server.configureBuckets();
  const http = server.listen(o.port ?? 0, host, () => {}) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('listening', resolve);
      http.once('error', reject);
    });
  } catch (err) {
    http.close();
    throw err;
  }
  server.httpServer = http;
  const addr = http.address() as AddressInfo;
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
