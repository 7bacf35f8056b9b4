/**
 * In-memory implementations of the bucket and the config publisher, for tests and the shared
 * contract suite (test/web/objects-contract.test.ts runs the same checks on S3). The bucket keeps
 * versions like a versioned S3 bucket: an overwrite adds a version, deleteAll removes them all.
 */
import type { ConfigPublisher, ObjectAccess, StoredBody } from './ports.js';

export class MemoryObjects implements ObjectAccess {
  /** key -> versions, oldest first. */
  readonly versions = new Map<string, StoredBody[]>();

  put(key: string, body: Uint8Array, contentType: string): void {
    const v = this.versions.get(key) ?? [];
    v.push({ body: Uint8Array.from(body), contentType });
    this.versions.set(key, v);
  }

  async get(key: string): Promise<StoredBody | null> {
    const v = this.versions.get(key);
    return v?.length ? { ...v[v.length - 1] } : null;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.versions.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async deleteAll(prefix: string): Promise<number> {
    if (!prefix.endsWith('/')) throw new RangeError('deleteAll: a prefix must end with /');
    let n = 0;
    for (const [k, v] of this.versions) {
      if (!k.startsWith(prefix)) continue;
      n += v.length;
      this.versions.delete(k);
    }
    return n;
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
