/**
 * Consent reminders sent (ports.ts ReminderStore) in the home database's `consent_reminders`
 * (migration 8). `claim` is an INSERT OR IGNORE on (camera, consent version, threshold): the one
 * that inserts sends; a restart, a second check or another process finds the row and does not.
 */
import type { ReminderRecord, ReminderStore, ReminderThreshold } from '../ports.js';
import type { SqliteDatabase } from './sqlite-db.js';

interface Row { camera_id: string; owner_id: string; consent_version: number; threshold: string; expires_ms: number; sent_ms: number; deliveries: string }

export class SqliteReminders implements ReminderStore {
  private readonly q;

  constructor(db: SqliteDatabase) {
    this.q = {
      candidates: db.prepare(`SELECT c.camera_id FROM web_cameras c
        JOIN web_consents w ON w.seq = (SELECT max(seq) FROM web_consents WHERE camera_id = c.camera_id)
        WHERE w.purposes > 0 AND w.expires_ms <= ?
          AND NOT EXISTS (SELECT 1 FROM consent_reminders r WHERE r.camera_id = c.camera_id AND r.consent_version = w.version AND r.threshold = 'expired')
        ORDER BY w.expires_ms`),
      claim: db.prepare(`INSERT OR IGNORE INTO consent_reminders (camera_id, consent_version, threshold, owner_id, expires_ms, sent_ms) VALUES (?, ?, ?, ?, ?, ?)`),
      deliveries: db.prepare('UPDATE consent_reminders SET deliveries = ? WHERE camera_id = ? AND consent_version = ? AND threshold = ?'),
      forOwner: db.prepare('SELECT * FROM consent_reminders WHERE owner_id = ? ORDER BY sent_ms DESC, rowid DESC LIMIT ?'),
      forgetCamera: db.prepare('DELETE FROM consent_reminders WHERE camera_id = ?'),
      forgetOwner: db.prepare('DELETE FROM consent_reminders WHERE owner_id = ?'),
    };
  }

  candidates(beforeMs: number): string[] {
    return (this.q.candidates.all(Math.floor(beforeMs)) as { camera_id: string }[]).map((r) => r.camera_id);
  }

  claim(r: Omit<ReminderRecord, 'deliveries'>): boolean {
    return this.q.claim.run(r.cameraId, r.consentVersion, r.threshold, r.ownerId, Math.floor(r.expiresMs), Math.floor(r.sentMs)).changes === 1;
  }

  setDeliveries(cameraId: string, consentVersion: number, threshold: ReminderThreshold, deliveries: Record<string, string>): void {
    this.q.deliveries.run(JSON.stringify(deliveries), cameraId, consentVersion, threshold);
  }

  forOwner(ownerId: string, limit: number): ReminderRecord[] {
    return (this.q.forOwner.all(ownerId, limit) as Row[]).map((r) => ({
      cameraId: r.camera_id, ownerId: r.owner_id, consentVersion: r.consent_version, threshold: r.threshold === 'expired' ? 'expired' : 'soon',
      expiresMs: r.expires_ms, sentMs: r.sent_ms, deliveries: JSON.parse(r.deliveries) as Record<string, string>,
    }));
  }

  forgetCamera(cameraId: string): number {
    return this.q.forgetCamera.run(cameraId).changes;
  }

  forgetOwner(ownerId: string): number {
    return this.q.forgetOwner.run(ownerId).changes;
  }
}
