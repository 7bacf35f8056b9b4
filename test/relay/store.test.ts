/** The store and registry contracts against the in-memory and the SQLite implementations. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryCameraRegistry } from '../../src/relay/consent.js';
import { MemoryRelayStore } from '../../src/relay/memory-store.js';
import { SqliteCameraRegistry } from '../../src/adapters/sqlite-registry.js';
import { openRelayDb, SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { tempDir } from './helpers/env.js';
import { entry, registryContract, storeContract } from './store-contract.js';

storeContract('memory', () => ({ store: new MemoryRelayStore(), cleanup() {} }));

storeContract('sqlite', () => {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'relay.db');
  const open: SqliteRelayStore[] = [];
  const make = () => {
    const s = new SqliteRelayStore(openRelayDb(file), { ownsDb: true });
    open.push(s);
    return s;
  };
  return {
    store: make(),
    // A second connection on the same file sees every commit of the first (WAL).
    reopen: make,
    cleanup() {
      for (const s of open) s.close();
      cleanup();
    },
  };
});

registryContract('memory', () => ({ registry: new MemoryCameraRegistry(), cleanup() {} }));

registryContract('sqlite', () => {
  const { dir, cleanup } = tempDir();
  const db = openRelayDb(join(dir, 'relay.db'));
  return {
    registry: new SqliteCameraRegistry(db),
    cleanup() {
      db.close();
      cleanup();
    },
  };
});

// durable(): the acknowledgement of a bundle's last chunk waits for an fsync of the WAL, run off
// the event loop, shared by every caller that came before it started.
test('sqlite durable(): one fsync for the callers queued before it starts, another for a caller during it', async () => {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'relay.db');
  const store = new SqliteRelayStore(openRelayDb(file), { ownsDb: true });
  try {
    store.accept(entry('d1'));
    assert.ok(existsSync(`${file}-wal`), 'WAL file present');
    const a = store.durable();
    const b = store.durable();
    assert.is(a, b, 'queued callers share one fsync');
    await a;
    assert.is(store.syncs, 1);
    store.accept(entry('d2'));
    const c = store.durable();
    await Promise.resolve(); // let it start
    await new Promise((r) => setImmediate(r));
    store.accept(entry('d3'));
    const d = store.durable();
    assert.is.not(c, d, 'a caller after an fsync started gets the next one');
    await Promise.all([c, d]);
    assert.is(store.syncs, 3);
    assert.is(store.pendingCount(), 3);
  } finally {
    store.close();
    cleanup();
  }
});

test("sqlite durable() with synchronous 'normal' resolves without an fsync", async () => {
  const { dir, cleanup } = tempDir();
  const store = new SqliteRelayStore(openRelayDb(join(dir, 'relay.db')), { ownsDb: true, synchronous: 'normal' });
  try {
    store.accept(entry('n1'));
    await store.durable();
    assert.is(store.syncs, 0);
  } finally {
    store.close();
    cleanup();
  }
});

test.run();
