/**
 * What every fault scenario shares: a temp dir, an s3rver, cameras with their logins, the relay in
 * this process (or as a child, for kills), publishers, the tally from listing the bucket, and the
 * wait for the uploads to settle (every bundle in, or no change for `quietMs`).
 */
import { join } from 'node:path';
import { connectAckedPublisher, type AckedPublisher } from '../../src/adapters/acked-publisher.ts';
import { connectPublisher, type BundlePublisher } from '../../src/adapters/mqtt-publisher.ts';
import type { Bundle } from '../../src/protocol/index.ts';
import type { RelayConfig } from '../../src/relay/config.ts';
import { testLogins, type TestLogins } from '../../test/relay/helpers/auth.ts';
import { makeBundle, testJpeg } from '../../test/relay/helpers/bundles.ts';
import { sleep } from '../../test/relay/helpers/env.ts';
import { listKeys } from '../../test/relay/helpers/s3.ts';
import { BUCKET, reader } from '../../test/relay/helpers/world.ts';
import { tallyBucket, type Tally } from './tally.ts';

export interface FaultResult extends Tally {
  fault: string;
  /** ms from the end of the fault (the last kill, S3 back, the camera back) to the last bundle in S3; -1 if some never came. */
  recoveryMs: number;
  note?: string;
}

export const CAMERAS = ['porch', 'yard', 'gate'];

export function logins(dir: string, cameras = CAMERAS): TestLogins {
  return testLogins(join(dir, 'relay'), cameras);
}

/** `n` bundles over the cameras, round-robin, ids `<prefix>-<i>`. */
export async function bundles(n: number, prefix: string, cameras = CAMERAS): Promise<Bundle[]> {
  const jpeg = await testJpeg();
  return Array.from({ length: n }, (_, i) => makeBundle({ cameraId: cameras[i % cameras.length], bundleId: `${prefix}-${i}`, jpeg }));
}

export type Publish = (b: Bundle) => Promise<void>;

/**
 * One publisher per camera with its login: `acked` = board-like (waits for the relay's end-to-end ack,
 * sends again after `ackTimeoutMs` or a reconnection), else plain QoS 1 (done at the broker's PUBACK).
 */
export async function publishers(url: string, l: TestLogins, acked: boolean, ackTimeoutMs = 5000, cameras = CAMERAS): Promise<{ publish: Publish; close: () => Promise<void>; resent: () => number }> {
  const byCamera = new Map<string, BundlePublisher | AckedPublisher>();
  for (const id of cameras) {
    const o = { url, chunkSize: 1024, reconnectMs: 100, ...l.cameras[id] };
    byCamera.set(id, acked ? await connectAckedPublisher({ ...o, cameraId: id, ackTimeoutMs }) : await connectPublisher(o));
  }
  return {
    publish: (b) => byCamera.get(b.cameraId)!.publish(b),
    close: async () => {
      for (const p of byCamera.values()) await p.close();
    },
    resent: () => [...byCamera.values()].reduce((n, p) => n + ('stats' in p ? p.stats.resent : 0), 0),
  };
}

/** Wait until `count()` reaches `want`, or stops changing for `quietMs`, or `maxMs` passed; returns when the last change was seen. */
export async function settle(count: () => Promise<number> | number, want: number, quietMs: number, maxMs: number): Promise<{ count: number; lastChangeMs: number }> {
  const start = Date.now();
  let last = -1;
  let lastChangeMs = start;
  for (;;) {
    const c = await count();
    if (c !== last) {
      last = c;
      lastChangeMs = Date.now();
    }
    if (c >= want || Date.now() - lastChangeMs > quietMs || Date.now() - start > maxMs) return { count: c, lastChangeMs };
    await sleep(50);
  }
}

/** The bucket's objects, as the tally sees them. */
export async function listBucket(config: RelayConfig): Promise<string[]> {
  const client = reader(config);
  try {
    return await listKeys(client, BUCKET, 'contributions/');
  } finally {
    client.destroy();
  }
}

/** Count complete bundles (meta.json objects) in the bucket: what "settled" polls. */
export async function metaCount(config: RelayConfig): Promise<number> {
  return (await listBucket(config)).filter((k) => k.endsWith('/meta.json')).length;
}

export async function result(fault: string, config: RelayConfig, published: Bundle[], faultEndMs: number, lastChangeMs: number, note?: string): Promise<FaultResult> {
  const t = tallyBucket(await listBucket(config), published);
  return { fault, ...t, recoveryMs: t.missing ? -1 : Math.max(0, lastChangeMs - faultEndMs), note };
}
