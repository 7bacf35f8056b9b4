/** The store and registry contracts against the in-memory and the SQLite implementations. */
import { join } from 'node:path';
import { MemoryCameraRegistry } from '../../src/relay/consent.js';
import { MemoryRelayStore } from '../../src/relay/outbox.js';
import { SqliteCameraRegistry } from '../../src/relay/adapters/sqlite-registry.js';
import { openRelayDb, SqliteRelayStore } from '../../src/relay/adapters/sqlite-store.js';
import { tempDir } from './helpers/env.js';
import { registryContract, storeContract } from './store-contract.js';

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
