/**
 * In-memory implementations of the bucket and the config publisher, for tests and the shared
 * contract suite (test/web/objects-contract.test.ts runs the same checks on S3). The bucket keeps
 * versions like a versioned S3 bucket (src/operator/bucket.ts MemoryVersions): an overwrite adds a
 * version, deleteAll removes them all.
 */
import { MemoryVersions } from '../operator/bucket.js';
import type { ConfigPublisher, ObjectAccess, StoredBody } from './ports.js';

export class MemoryObjects extends MemoryVersions implements ObjectAccess {
  put(key: string, body: Uint8Array, contentType: string): void {
    this.addVersion(key, body, contentType);
  }

  async get(key: string): Promise<StoredBody | null> {
    const v = this.latest(key);
    return v ? { ...v } : null;
  }
}

/** Remembers the last retained payload per camera, like a broker. */
export class MemoryConfigPublisher implements ConfigPublisher {
  readonly retained = new Map<string, Uint8Array>();
  /** Set to make publish fail (a broker that is down). */
  failWith: Error | null = null;

  async publish(cameraId: string, payload: Uint8Array): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.retained.set(cameraId, Uint8Array.from(payload));
  }

  /** The retained config of a camera, parsed. */
  config(cameraId: string): Record<string, unknown> | null {
    const p = this.retained.get(cameraId);
    return p ? JSON.parse(new TextDecoder().decode(p)) : null;
  }
}
