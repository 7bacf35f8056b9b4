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
 * In memory, for tests. Also an ObjectAccess of the owner pages (get returns body + contentType
 * there: see `objects()`), so one bucket can be shared by a home and a console in a test.
 */
export class MemoryBucket implements OperatorBucket {
  /** key -> versions, oldest first. */
  readonly versions = new Map<string, Version[]>();

  async get(key: string): Promise<Uint8Array | null> {
    const v = this.versions.get(key);
    return v?.length ? Uint8Array.from(v[v.length - 1].body) : null;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.versions.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    const v = this.versions.get(key) ?? [];
    v.push({ body: Uint8Array.from(body), contentType });
    this.versions.set(key, v);
  }

  async putNew(key: string, body: Uint8Array, contentType: string): Promise<void> {
    if (this.versions.has(key)) throw new KeyExistsError(key);
    await this.put(key, body, contentType);
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

  /** The same objects as the owner pages' ObjectAccess (src/web/ports.ts). */
  objects() {
    return {
      get: async (key: string) => {
        const v = this.versions.get(key);
        return v?.length ? { body: Uint8Array.from(v[v.length - 1].body), contentType: v[v.length - 1].contentType } : null;
      },
      list: (prefix: string) => this.list(prefix),
      deleteAll: (prefix: string) => this.deleteAll(prefix),
    };
  }
}
