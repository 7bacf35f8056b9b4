/**
 * The bucket as both sides of the contract use it. The S3 implementation is
 * src/adapters/s3-operator.ts; MemoryBucket (below) keeps versions like a versioned bucket and
 * refuses to overwrite what `putNew` wrote, as the bucket policy does for the console in S3.
 */
export interface OperatorBucket {
  get(key: string): Promise<Uint8Array | null>;
  /** Every key under `prefix` (current versions), in key order. */
  list(prefix: string): Promise<string[]>;
  /** Write (or replace) an object: consent records, stats. */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Write a key that must not exist yet (access entries, flags); rejects when it does. */
  putNew(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Delete every object and every version under `prefix` (ends with '/'); how many were removed. */
  deleteAll(prefix: string): Promise<number>;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`refusing to overwrite ${key}`);
    this.name = 'KeyExistsError';
  }
}

interface Version { body: Uint8Array; contentType: string }

/**
 * Objects in memory, kept like a versioned S3 bucket: an overwrite adds a version, deleteAll
 * removes every version. The in-memory buckets of the console (MemoryBucket, below) and of the
 * owner pages (src/web/memory.ts MemoryObjects) are this with their own `get` and `put`.
 */
export class MemoryVersions {
  /** key -> versions, oldest first. */
  readonly versions = new Map<string, Version[]>();

  /** Adds a version of `key` (a copy of `body`). */
  protected addVersion(key: string, body: Uint8Array, contentType: string): void {
    const v = this.versions.get(key) ?? [];
    v.push({ body: Uint8Array.from(body), contentType });
    this.versions.set(key, v);
  }

  /** The current version of `key`, or null. */
  protected latest(key: string): Version | null {
    const v = this.versions.get(key);
    return v?.length ? v[v.length - 1] : null;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.versions.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** Every version of exactly `key`. */
  async deleteKey(key: string): Promise<number> {
    const n = this.versions.get(key)?.length ?? 0;
    this.versions.delete(key);
    return n;
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

/**
 * In memory, for tests. Also an ObjectAccess of the owner pages (get returns body + contentType
 * there: see `objects()`), so one bucket can be shared by a home and a console in a test.
 */
export class MemoryBucket extends MemoryVersions implements OperatorBucket {
  async get(key: string): Promise<Uint8Array | null> {
    const v = this.latest(key);
    return v ? Uint8Array.from(v.body) : null;
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    this.addVersion(key, body, contentType);
  }

  async putNew(key: string, body: Uint8Array, contentType: string): Promise<void> {
    if (this.versions.has(key)) throw new KeyExistsError(key);
    await this.put(key, body, contentType);
  }

  /** The same objects as the owner pages' ObjectAccess (src/web/ports.ts). */
  objects() {
    return {
      get: async (key: string) => {
        const v = this.latest(key);
        return v ? { body: Uint8Array.from(v.body), contentType: v.contentType } : null;
      },
      list: (prefix: string) => this.list(prefix),
      deleteAll: (prefix: string) => this.deleteAll(prefix),
      deleteKey: (key: string) => this.deleteKey(key),
    };
  }
}
