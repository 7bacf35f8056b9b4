/**
 * The home's one SQLite file (`<dataDir>/relay.db`): every table of the relay and of the owner
 * pages, created and upgraded here, by numbered migrations (SQLite's `PRAGMA user_version` holds
 * the number of the last one applied). Both services open the file with `openDatabase`.
 *
 * To change the schema, append one entry to MIGRATIONS (never edit an applied one): it runs once,
 * in a transaction, on every database whose user_version is below its number. Example:
 *   `ALTER TABLE web_cameras ADD COLUMN mac_secret TEXT;`
 *
 * Migration 1 is the schema as it stood before migrations existed (CREATE ... IF NOT EXISTS, so a
 * database made by that version opens and is marked 1 without a change).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

const RELAY_TABLES_V1 = `
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL,
  received_ms INTEGER NOT NULL, bytes BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS journal_bundle ON journal (camera_id, bundle_id);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL, owner_id TEXT NOT NULL,
  capture_ms INTEGER NOT NULL, purposes INTEGER NOT NULL, consent_version INTEGER NOT NULL,
  first_chunk_ms INTEGER NOT NULL, accepted_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
  bytes BLOB NOT NULL,
  UNIQUE (camera_id, bundle_id));
CREATE TABLE IF NOT EXISTS contributions (
  camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL, owner_id TEXT NOT NULL,
  capture_ms INTEGER NOT NULL, purposes INTEGER NOT NULL, consent_version INTEGER NOT NULL,
  key_prefix TEXT NOT NULL, objects TEXT NOT NULL, uploaded_ms INTEGER NOT NULL,
  PRIMARY KEY (camera_id, bundle_id));
CREATE INDEX IF NOT EXISTS contributions_owner ON contributions (owner_id, uploaded_ms);
CREATE INDEX IF NOT EXISTS contributions_uploaded ON contributions (uploaded_ms);
CREATE TABLE IF NOT EXISTS discarded (
  camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL, reason TEXT NOT NULL, discarded_ms INTEGER NOT NULL,
  PRIMARY KEY (camera_id, bundle_id));
CREATE TABLE IF NOT EXISTS cameras (
  camera_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, placement TEXT NOT NULL,
  consent_purposes INTEGER, consent_version INTEGER, granted_ms INTEGER, expires_ms INTEGER);
`;

const WEB_TABLES_V1 = `
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
 * Consent has one source of truth: a camera paired in the owner pages is what `web_cameras` and
 * its latest `web_consents` row say; `cameras` now holds only the cameras of the relay's config
 * file (seeded at start). The relay's registry reads this view; the pages never write `cameras`.
 * Outbox leases: relays sharing the file claim an entry before uploading it (`lease_until`, ms),
 * so a killed relay's entries are taken over once its lease runs out.
 */
const ONE_SOURCE_OF_CONSENT = `
DELETE FROM cameras WHERE camera_id IN (SELECT camera_id FROM web_cameras);
CREATE VIEW camera_registry AS
  SELECT w.camera_id, w.owner_id, w.placement, w.interior_confirmed,
         c.purposes AS consent_purposes, c.version AS consent_version, c.granted_ms, c.expires_ms
    FROM web_cameras w
    LEFT JOIN web_consents c ON c.seq = (SELECT max(seq) FROM web_consents WHERE camera_id = w.camera_id)
  UNION ALL
  SELECT camera_id, owner_id, placement, NULL, consent_purposes, consent_version, granted_ms, expires_ms
    FROM cameras WHERE camera_id NOT IN (SELECT camera_id FROM web_cameras);
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
`;

/** Cameras' MQTT credentials and MAC secrets (sqlite-camera-credentials.ts), written at pairing. */
export const CAMERA_CREDENTIALS_SQL = `
CREATE TABLE IF NOT EXISTS camera_credentials (
  camera_id TEXT PRIMARY KEY,     -- the MQTT username
  pairing_hash TEXT NOT NULL,     -- SHA-256 hex of the pairing token (= the MQTT password)
  broker_hash TEXT NOT NULL,      -- the token in mosquitto_passwd form: $7$<iterations>$<salt>$<PBKDF2-SHA512>
  mac_secret TEXT NOT NULL,       -- 64 hex: HMAC-SHA256(key = token, "quietcam-mac-v1/" || camera_id)
  created_ms INTEGER NOT NULL);
`;

/**
 * Trust (issue 12): a config-file camera's MAC secret and interior confirmation, from its seed
 * (src/relay/config.ts). Paired cameras keep theirs in camera_credentials and web_cameras.
 */
const SEED_TRUST = `
ALTER TABLE cameras ADD COLUMN secret TEXT;
ALTER TABLE cameras ADD COLUMN interior_confirmed INTEGER NOT NULL DEFAULT 0;
`;

/** The owner's time zone (IANA name), chosen in the pages' account settings (issue 16). */
const OWNER_TIME_ZONE = `
ALTER TABLE web_accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
`;

/**
 * Smart alerts (issue 14, the channels' half): per-camera on/off (`alert_enrolment`, the table the
 * relay's alert stage reads; IF NOT EXISTS: the event-history migration makes the same table), the
 * enrolment log the owner reads, the account's channels (MQTT, webhook URL + HMAC secret, Web Push),
 * push subscriptions, and the sent alerts (the owner's live feed; pruned after 7 days like the history).
 */
const ALERT_SETTINGS = `
CREATE TABLE IF NOT EXISTS alert_enrolment (
  camera_id TEXT PRIMARY KEY, enabled INTEGER NOT NULL, changed_ms INTEGER NOT NULL, changed_by TEXT NOT NULL);
CREATE TABLE alert_enrolment_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, owner_id TEXT NOT NULL, camera_id TEXT, action TEXT NOT NULL,
  by_id TEXT NOT NULL, by_name TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX alert_enrolment_log_owner ON alert_enrolment_log (owner_id, seq);
CREATE TABLE alert_channels (
  owner_id TEXT PRIMARY KEY, mqtt INTEGER NOT NULL DEFAULT 0, webhook_url TEXT, webhook_secret TEXT,
  web_push INTEGER NOT NULL DEFAULT 0);
CREATE TABLE alert_push_subscriptions (
  owner_id TEXT NOT NULL, endpoint TEXT NOT NULL, p256dh TEXT NOT NULL, auth TEXT NOT NULL, created_ms INTEGER NOT NULL,
  PRIMARY KEY (owner_id, endpoint));
CREATE TABLE alert_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, owner_id TEXT NOT NULL, camera_id TEXT NOT NULL, event_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL, score REAL NOT NULL, boxes TEXT NOT NULL, image_path TEXT NOT NULL,
  deliveries TEXT NOT NULL DEFAULT '{}', created_ms INTEGER NOT NULL);
CREATE INDEX alert_log_owner ON alert_log (owner_id, seq);
CREATE INDEX alert_log_created ON alert_log (created_ms);
`;

/**
 * Smart alerts (issue 14): the 7-day event history (frames are files under <dataDir>/alerts/,
 * named here). Per-camera enrolment is migration 6's alert_enrolment (the owner pages write it).
 */
const ALERT_HISTORY = `
CREATE TABLE alert_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id TEXT NOT NULL, owner_id TEXT NOT NULL, board_event INTEGER NOT NULL,
  start_ms INTEGER NOT NULL, end_ms INTEGER,
  verdict TEXT NOT NULL,                 -- pending | person | no-person
  best_score REAL NOT NULL DEFAULT 0, best_frame INTEGER NOT NULL DEFAULT -1,
  boxes TEXT NOT NULL DEFAULT '[]',      -- JSON [{x,y,w,h,score}] of the best frame, its pixels
  detector TEXT NOT NULL,
  alert_ms INTEGER, alert_to TEXT NOT NULL DEFAULT '');
CREATE INDEX alert_events_owner ON alert_events (owner_id, start_ms);
CREATE INDEX alert_events_start ON alert_events (start_ms);
CREATE TABLE alert_frames (
  event_id INTEGER NOT NULL, idx INTEGER NOT NULL,
  at_ms INTEGER NOT NULL, offset_ms INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  score REAL NOT NULL, boxes TEXT NOT NULL,
  file TEXT NOT NULL,                    -- relative to <dataDir>/alerts
  PRIMARY KEY (event_id, idx));
`;

/**
 * Consent reminders (issue 16): one row per camera, consent version and threshold ('soon': within
 * the reminder window before the end; 'expired'), written when the owner pages claim the reminder
 * (before sending), so a restart or a second process never sends it twice; `deliveries` is where
 * it went (channel -> 'sent' | 'failed: why'). A new consent version (re-confirmation) starts afresh.
 */
const CONSENT_REMINDERS = `
CREATE TABLE consent_reminders (
  camera_id TEXT NOT NULL, consent_version INTEGER NOT NULL, threshold TEXT NOT NULL,
  owner_id TEXT NOT NULL, expires_ms INTEGER NOT NULL, sent_ms INTEGER NOT NULL, deliveries TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (camera_id, consent_version, threshold));
CREATE INDEX consent_reminders_owner ON consent_reminders (owner_id, sent_ms);
`;

/**
 * SD-card wear (issue 19): an outbox entry's bundle bytes may live in its chunk spool file
 * (adapters/chunk-spool.ts, `<dataDir>/spool/<spool>`) instead of `bytes` (then empty).
 */
const OUTBOX_SPOOL = `
ALTER TABLE outbox ADD COLUMN spool TEXT;
`;

/** Smart alerts (issue 14): the region of an event frame the person detector scored (JSON x, y, w, h; NULL: the whole frame). */
const ALERT_FRAME_REGION = `
ALTER TABLE alert_frames ADD COLUMN region TEXT;
`;

/** The schema before migrations existed (exported for the test that opens such a database). */
export const WEB_AND_RELAY_TABLES_V1 = RELAY_TABLES_V1 + WEB_TABLES_V1;

/** Applied in order; entry i is migration number i + 1. Append only. */
export const MIGRATIONS: readonly string[] = [
  WEB_AND_RELAY_TABLES_V1, // 1: the schema before migrations
  ONE_SOURCE_OF_CONSENT, // 2
  CAMERA_CREDENTIALS_SQL, // 3 (IF NOT EXISTS: databases where an earlier build made the table at run time)
  SEED_TRUST, // 4
  OWNER_TIME_ZONE, // 5
  ALERT_SETTINGS, // 6
  ALERT_HISTORY, // 7
  CONSENT_REMINDERS, // 8
  OUTBOX_SPOOL, // 9
  ALERT_FRAME_REGION, // 10
];

/** Bring `db` up to the last migration; each one commits with its new user_version or not at all. */
export function migrate(db: SqliteDatabase): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema ${current} is newer than this program's (${MIGRATIONS.length}): upgrade quietcam`);
  }
  for (let n = current + 1; n <= MIGRATIONS.length; n++) {
    db.transaction(() => {
      // Another process may have migrated since we read user_version: re-read under the write lock.
      if ((db.pragma('user_version', { simple: true }) as number) >= n) return;
      db.exec(MIGRATIONS[n - 1]);
      db.pragma(`user_version = ${n}`);
    }).immediate();
  }
  return MIGRATIONS.length;
}

/**
 * Open (creating if needed) the home database, in WAL mode (readers never wait for the writer;
 * several relays and the pages may share it), and migrate it.
 * @example const db = openDatabase(join(config.dataDir, 'relay.db'));
 */
export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // Several processes may open the file at once: wait for a writer instead of failing at once.
  // SD-card wear: every commit appends each page it changed to the WAL, whole. The relay's rows are
  // small (a chunk, an outbox entry, an index row), so 1 KiB pages write ~2.5x less per bundle
  // than the 4 KiB default (bench/relay-wear.ts). Takes effect only on a new file (an existing one
  // keeps its page size: VACUUM outside WAL mode would change it).
  db.pragma('page_size = 1024');
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return db;
}
