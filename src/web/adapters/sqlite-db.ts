/**
 * The owner pages' tables, in the relay's own database file (`<dataDir>/relay.db`, opened with the
 * relay's adapter so its schema exists too). Sharing the file is what makes consent enforced at
 * once: the pages write the relay's `cameras` table (through the relay's SqliteCameraRegistry) in
 * the same transaction as their consent history, and the relay reads it on every chunk (WAL mode:
 * readers never wait for the writer). The contribution index (`contributions`) is the relay's:
 * the pages read it and delete rows of deleted contributions.
 */
import { openRelayDb, type SqliteDatabase } from '../../relay/adapters/sqlite-store.js';

export type { SqliteDatabase };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS web_accounts (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL, totp_last_step INTEGER NOT NULL DEFAULT 0,
  role TEXT NOT NULL DEFAULT 'owner', active INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS web_recovery_codes (
  account_id TEXT NOT NULL, code_hash TEXT NOT NULL, created_ms INTEGER NOT NULL, used_ms INTEGER,
  PRIMARY KEY (account_id, code_hash));
CREATE TABLE IF NOT EXISTS web_sessions (
  id TEXT PRIMARY KEY, account_id TEXT, stage TEXT NOT NULL, csrf TEXT NOT NULL,
  created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, flash TEXT);
CREATE INDEX IF NOT EXISTS web_sessions_account ON web_sessions (account_id);
CREATE INDEX IF NOT EXISTS web_sessions_expiry ON web_sessions (expires_ms);
CREATE TABLE IF NOT EXISTS web_cameras (
  camera_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, name TEXT NOT NULL, placement TEXT NOT NULL,
  interior_confirmed INTEGER NOT NULL DEFAULT 0, pairing_hash TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS web_cameras_owner ON web_cameras (owner_id);
CREATE TABLE IF NOT EXISTS web_consents (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, camera_id TEXT NOT NULL, owner_id TEXT NOT NULL,
  purposes INTEGER NOT NULL, version INTEGER NOT NULL, text_version TEXT NOT NULL,
  granted_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, action TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS web_consents_camera ON web_consents (camera_id, seq);
CREATE TABLE IF NOT EXISTS web_access_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, owner_id TEXT NOT NULL, viewer_id TEXT NOT NULL,
  viewer TEXT NOT NULL, viewer_role TEXT NOT NULL, camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL,
  object TEXT NOT NULL, why TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS web_access_owner ON web_access_log (owner_id, seq);
`;

/**
 * Open the relay database (creating it if needed) with the web tables.
 * @example const db = openWebDb(join(relayConfig.dataDir, 'relay.db'));
 */
export function openWebDb(file: string): SqliteDatabase {
  const db = openRelayDb(file);
  db.exec(SCHEMA);
  return db;
}
