/**
 * The review console's own SQLite file (`review.db`, never a home's database): reviewers, their
 * sessions, the console's cache of contribution metadata, annotations and flags. Numbered
 * migrations as in sqlite-schema.ts (PRAGMA user_version = the last one applied); append, never edit.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type ReviewDatabase = Database.Database;

const V1 = `
CREATE TABLE reviewers (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL, totp_last_step INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL, revoked_ms INTEGER);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, reviewer_id INTEGER, csrf TEXT NOT NULL, created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);
CREATE INDEX sessions_reviewer ON sessions (reviewer_id);
CREATE TABLE items (
  prefix TEXT PRIMARY KEY, owner_id TEXT NOT NULL, camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL,
  capture_ms INTEGER NOT NULL, purposes INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL);
CREATE INDEX items_bundle ON items (owner_id, camera_id, bundle_id);
CREATE TABLE annotations (
  owner_id TEXT NOT NULL, camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL,
  reviewer_id INTEGER NOT NULL, boxes TEXT NOT NULL, at_ms INTEGER NOT NULL,
  PRIMARY KEY (owner_id, camera_id, bundle_id));
CREATE TABLE flags (
  owner_id TEXT NOT NULL, camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL,
  reviewer_id INTEGER NOT NULL, reason TEXT NOT NULL, at_ms INTEGER NOT NULL,
  PRIMARY KEY (owner_id, camera_id, bundle_id));
`;

/** Entry i is migration i + 1. Append only. */
export const REVIEW_MIGRATIONS: readonly string[] = [V1];

export function migrateReview(db: ReviewDatabase): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > REVIEW_MIGRATIONS.length) throw new Error(`review database schema ${current} is newer than this program's (${REVIEW_MIGRATIONS.length}): upgrade quietcam`);
  for (let n = current + 1; n <= REVIEW_MIGRATIONS.length; n++) {
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= n) return;
      db.exec(REVIEW_MIGRATIONS[n - 1]);
      db.pragma(`user_version = ${n}`);
    }).immediate();
  }
  return REVIEW_MIGRATIONS.length;
}

/** Open (creating) the console's database in WAL mode: the server and the operator's commands share it. */
export function openReviewDb(file: string): ReviewDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  migrateReview(db);
  return db;
}
