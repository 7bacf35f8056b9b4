/** The review console's ReviewStore (src/review/ports.ts) on its own SQLite file (sqlite-review-schema.ts). */
import type { Annotation, Item, ReviewSession, ReviewStore, Reviewer } from '../review/ports.js';
import type { ReviewDatabase } from './sqlite-review-schema.js';

type Row = Record<string, unknown>;

const reviewerOf = (r: Row | undefined): Reviewer | null => r ? {
  id: r.id as number, name: r.name as string, passwordHash: r.password_hash as string, totpSecret: r.totp_secret as string,
  totpLastStep: r.totp_last_step as number, createdMs: r.created_ms as number, revokedMs: (r.revoked_ms as number | null) ?? null,
} : null;

const annotationOf = (r: Row): Annotation => ({
  ownerId: r.owner_id as string, cameraId: r.camera_id as string, bundleId: r.bundle_id as string,
  reviewerId: r.reviewer_id as number, boxes: JSON.parse(r.boxes as string), atMs: r.at_ms as number,
});

export class SqliteReviewStore implements ReviewStore {
  constructor(private readonly db: ReviewDatabase) {}

  addReviewer(r: Omit<Reviewer, 'id' | 'totpLastStep' | 'revokedMs'>): Reviewer | 'taken' {
    if (this.reviewerByName(r.name)) return 'taken';
    const info = this.db.prepare('INSERT INTO reviewers (name, password_hash, totp_secret, created_ms) VALUES (?, ?, ?, ?)').run(r.name, r.passwordHash, r.totpSecret, r.createdMs);
    return this.reviewer(Number(info.lastInsertRowid))!;
  }

  reviewer(id: number): Reviewer | null {
    return reviewerOf(this.db.prepare('SELECT * FROM reviewers WHERE id = ?').get(id) as Row | undefined);
  }

  reviewerByName(name: string): Reviewer | null {
    return reviewerOf(this.db.prepare('SELECT * FROM reviewers WHERE name = ?').get(name) as Row | undefined);
  }

  listReviewers(): Reviewer[] {
    return (this.db.prepare('SELECT * FROM reviewers ORDER BY name').all() as Row[]).map((r) => reviewerOf(r)!);
  }

  setTotpStep(id: number, step: number): void {
    this.db.prepare('UPDATE reviewers SET totp_last_step = ? WHERE id = ?').run(step, id);
  }

  revoke(name: string, nowMs: number): boolean {
    return this.db.transaction(() => {
      const r = this.reviewerByName(name);
      if (!r) return false;
      this.db.prepare('UPDATE reviewers SET revoked_ms = COALESCE(revoked_ms, ?) WHERE id = ?').run(nowMs, r.id);
      this.db.prepare('DELETE FROM sessions WHERE reviewer_id = ?').run(r.id);
      return true;
    }).immediate();
  }

  putSession(s: ReviewSession): void {
    this.db.prepare('INSERT OR REPLACE INTO sessions (id, reviewer_id, csrf, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)').run(s.id, s.reviewerId, s.csrf, s.createdMs, s.expiresMs);
  }

  session(id: string): ReviewSession | null {
    const r = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return r ? { id: r.id as string, reviewerId: (r.reviewer_id as number | null) ?? null, csrf: r.csrf as string, createdMs: r.created_ms as number, expiresMs: r.expires_ms as number } : null;
  }

  deleteSession(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  }

  item(prefix: string): Item | null {
    const r = this.db.prepare('SELECT * FROM items WHERE prefix = ?').get(prefix) as Row | undefined;
    return r ? {
      prefix, ownerId: r.owner_id as string, cameraId: r.camera_id as string, bundleId: r.bundle_id as string,
      captureTimeMs: r.capture_ms as number, purposes: r.purposes as number, width: r.width as number, height: r.height as number,
    } : null;
  }

  putItem(i: Item): void {
    this.db.prepare('INSERT OR REPLACE INTO items (prefix, owner_id, camera_id, bundle_id, capture_ms, purposes, width, height) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(i.prefix, i.ownerId, i.cameraId, i.bundleId, i.captureTimeMs, i.purposes, i.width, i.height);
  }

  annotation(ownerId: string, cameraId: string, bundleId: string): Annotation | null {
    const r = this.db.prepare('SELECT * FROM annotations WHERE owner_id = ? AND camera_id = ? AND bundle_id = ?').get(ownerId, cameraId, bundleId) as Row | undefined;
    return r ? annotationOf(r) : null;
  }

  saveAnnotation(a: Annotation): void {
    this.db.prepare('INSERT OR REPLACE INTO annotations (owner_id, camera_id, bundle_id, reviewer_id, boxes, at_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(a.ownerId, a.cameraId, a.bundleId, a.reviewerId, JSON.stringify(a.boxes), a.atMs);
  }

  annotations(): Annotation[] {
    return (this.db.prepare('SELECT * FROM annotations ORDER BY owner_id, camera_id, bundle_id').all() as Row[]).map(annotationOf);
  }

  flag(f: { ownerId: string; cameraId: string; bundleId: string; reviewerId: number; reason: string; atMs: number }): void {
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO flags (owner_id, camera_id, bundle_id, reviewer_id, reason, at_ms) VALUES (?, ?, ?, ?, ?, ?)').run(f.ownerId, f.cameraId, f.bundleId, f.reviewerId, f.reason, f.atMs);
      this.db.prepare('DELETE FROM annotations WHERE owner_id = ? AND camera_id = ? AND bundle_id = ?').run(f.ownerId, f.cameraId, f.bundleId);
      this.db.prepare('DELETE FROM items WHERE owner_id = ? AND camera_id = ? AND bundle_id = ?').run(f.ownerId, f.cameraId, f.bundleId);
    }).immediate();
  }

  isFlagged(ownerId: string, cameraId: string, bundleId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM flags WHERE owner_id = ? AND camera_id = ? AND bundle_id = ?').get(ownerId, cameraId, bundleId);
  }

  ownerCounts(ownerId: string): { annotated: number; boxes: number; flagged: number } {
    const rows = this.db.prepare('SELECT boxes FROM annotations WHERE owner_id = ?').all(ownerId) as { boxes: string }[];
    const flagged = (this.db.prepare('SELECT COUNT(*) AS n FROM flags WHERE owner_id = ?').get(ownerId) as { n: number }).n;
    return { annotated: rows.length, boxes: rows.reduce((n, r) => n + (JSON.parse(r.boxes) as unknown[]).length, 0), flagged };
  }
}
