/**
 * The owner pages' tables live in the home's one database file (`<dataDir>/relay.db`), created and
 * migrated by src/adapters/sqlite-schema.ts with the relay's. Sharing the file is what makes
 * consent enforced at once: the pages write the consent history (`web_cameras`, `web_consents`)
 * and the relay's registry reads the same rows (the `camera_registry` view) per bundle (WAL mode:
 * readers never wait for the writer). The contribution index (`contributions`) is the relay's:
 * the pages read it and delete rows of deleted contributions.
 */
import { openDatabase, type SqliteDatabase } from '../../adapters/sqlite-schema.js';

export type { SqliteDatabase };

/**
 * Open the home database (creating and migrating it if needed).
 * @example const db = openWebDb(join(relayConfig.dataDir, 'relay.db'));
 */
export function openWebDb(file: string): SqliteDatabase {
  return openDatabase(file);
}
