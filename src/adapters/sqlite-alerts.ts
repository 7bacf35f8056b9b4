/**
 * The event history (src/alerts/types.ts EventHistory) in the home database: rows in alert_events
 * and alert_frames (migration 5, sqlite-schema.ts), each frame's JPEG as a file under
 * `<dir>` (`<dataDir>/alerts` in production), `<camera>/<event id>-<index>.jpg`, mode 0600.
 * Deleting an event (one, all of an owner's, or past retention) removes its files, then its rows.
 *
 * Limits: files are written synchronously (a frame is a few KB; the stage runs one at a time).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventHistory, FrameRegion, HistoryEvent, HistoryFrame, PersonBox, Verdict } from '../alerts/types.js';
import type { SqliteDatabase } from './sqlite-schema.js';

interface EventRow {
  id: number; camera_id: string; owner_id: string; board_event: number; start_ms: number; end_ms: number | null;
  verdict: string; best_score: number; best_frame: number; boxes: string; detector: string; alert_ms: number | null; alert_to: string;
}
interface FrameRow { event_id: number; idx: number; at_ms: number; offset_ms: number; width: number; height: number; score: number; boxes: string; region: string | null; file: string }

const COLUMNS: Record<string, string> = {
  endMs: 'end_ms', verdict: 'verdict', bestScore: 'best_score', boxes: 'boxes', bestFrame: 'best_frame', alertMs: 'alert_ms', alertTo: 'alert_to',
};

/** @example const history = new SqliteEventHistory(openDatabase(file), join(dataDir, 'alerts')); */
export class SqliteEventHistory implements EventHistory {
  private readonly dir: string;

  constructor(private readonly db: SqliteDatabase, dir: string) {
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  create(e: { cameraId: string; ownerId: string; boardEventId: number; startMs: number; detector: string }): number {
    const r = this.db.prepare('INSERT INTO alert_events (camera_id, owner_id, board_event, start_ms, verdict, detector) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.cameraId, e.ownerId, e.boardEventId, Math.floor(e.startMs), 'pending', e.detector);
    return Number(r.lastInsertRowid);
  }

  addFrame(eventId: number, f: Omit<HistoryFrame, 'path'>, jpeg: Uint8Array): HistoryFrame {
    const ev = this.db.prepare('SELECT camera_id FROM alert_events WHERE id = ?').get(eventId) as { camera_id: string } | undefined;
    if (!ev) throw new Error(`event history: no event ${eventId}`);
    const file = `${ev.camera_id}/${eventId}-${f.index}.jpg`;
    mkdirSync(join(this.dir, ev.camera_id), { recursive: true, mode: 0o700 });
    writeFileSync(join(this.dir, file), jpeg, { mode: 0o600 });
    this.db.prepare('INSERT OR REPLACE INTO alert_frames (event_id, idx, at_ms, offset_ms, width, height, score, boxes, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(eventId, f.index, Math.floor(f.atMs), Math.floor(f.offsetMs), f.width, f.height, f.score, JSON.stringify(f.boxes), file);
    return { ...f, path: join(this.dir, file) };
  }

  scoreFrame(eventId: number, index: number, score: number, boxes: PersonBox[], region: FrameRegion | null = null): void {
    const r = region ? JSON.stringify({ x: region.x, y: region.y, w: region.w, h: region.h }) : null;
    this.db.prepare('UPDATE alert_frames SET score = ?, boxes = ?, region = ? WHERE event_id = ? AND idx = ?').run(score, JSON.stringify(boxes), r, eventId, index);
  }

  update(eventId: number, patch: Parameters<EventHistory['update']>[1]): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || !COLUMNS[k]) continue;
      sets.push(`${COLUMNS[k]} = ?`);
      values.push(k === 'boxes' ? JSON.stringify(v) : v);
    }
    if (sets.length) this.db.prepare(`UPDATE alert_events SET ${sets.join(', ')} WHERE id = ?`).run(...values, eventId);
  }

  get(eventId: number): HistoryEvent | null {
    const row = this.db.prepare('SELECT * FROM alert_events WHERE id = ?').get(eventId) as EventRow | undefined;
    return row ? this.withFrames(row) : null;
  }

  list(filter: { ownerId?: string; cameraId?: string; peopleOnly?: boolean; limit?: number } = {}): HistoryEvent[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.ownerId !== undefined) (where.push('owner_id = ?'), values.push(filter.ownerId));
    if (filter.cameraId !== undefined) (where.push('camera_id = ?'), values.push(filter.cameraId));
    if (filter.peopleOnly) where.push("verdict = 'person'");
    const sql = `SELECT * FROM alert_events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY start_ms DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...values, filter.limit ?? 1000) as EventRow[];
    return rows.map((r) => this.withFrames(r));
  }

  delete(eventId: number, ownerId?: string): boolean {
    const row = this.db.prepare('SELECT id, owner_id FROM alert_events WHERE id = ?').get(eventId) as { id: number; owner_id: string } | undefined;
    if (!row || (ownerId !== undefined && row.owner_id !== ownerId)) return false;
    return this.remove([eventId]) === 1;
  }

  deleteAll(ownerId: string): number {
    const ids = (this.db.prepare('SELECT id FROM alert_events WHERE owner_id = ?').all(ownerId) as { id: number }[]).map((r) => r.id);
    return this.remove(ids);
  }

  prune(beforeMs: number): number {
    const ids = (this.db.prepare('SELECT id FROM alert_events WHERE start_ms < ?').all(Math.floor(beforeMs)) as { id: number }[]).map((r) => r.id);
    return this.remove(ids);
  }

  enrolled(cameraId: string): boolean {
    const row = this.db.prepare('SELECT enabled FROM alert_enrolment WHERE camera_id = ?').get(cameraId) as { enabled: number } | undefined;
    return row?.enabled === 1;
  }

  setEnrolled(cameraId: string, on: boolean, byAccount: string, atMs: number): void {
    this.db.prepare('INSERT OR REPLACE INTO alert_enrolment (camera_id, enabled, changed_ms, changed_by) VALUES (?, ?, ?, ?)').run(cameraId, on ? 1 : 0, Math.floor(atMs), byAccount);
  }

  /** Files first (a crash between leaves rows whose files are gone, never files nobody lists), then rows. */
  private remove(ids: number[]): number {
    if (!ids.length) return 0;
    const frames = this.db.prepare('SELECT file FROM alert_frames WHERE event_id = ?');
    for (const id of ids) for (const f of frames.all(id) as { file: string }[]) rmSync(join(this.dir, f.file), { force: true });
    const delFrames = this.db.prepare('DELETE FROM alert_frames WHERE event_id = ?');
    const delEvent = this.db.prepare('DELETE FROM alert_events WHERE id = ?');
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) {
        delFrames.run(id);
        n += delEvent.run(id).changes;
      }
    })();
    return n;
  }

  private withFrames(r: EventRow): HistoryEvent {
    const frames = (this.db.prepare('SELECT * FROM alert_frames WHERE event_id = ? ORDER BY idx').all(r.id) as FrameRow[]).map((f) => ({
      index: f.idx, atMs: f.at_ms, offsetMs: f.offset_ms, width: f.width, height: f.height, score: f.score,
      boxes: JSON.parse(f.boxes) as PersonBox[], region: f.region ? (JSON.parse(f.region) as FrameRegion) : null, path: join(this.dir, f.file),
    }));
    return {
      id: r.id, cameraId: r.camera_id, ownerId: r.owner_id, boardEventId: r.board_event, startMs: r.start_ms, endMs: r.end_ms,
      verdict: r.verdict as Verdict, bestScore: r.best_score, bestFrame: r.best_frame, boxes: JSON.parse(r.boxes) as PersonBox[],
      detector: r.detector, alertMs: r.alert_ms, alertTo: r.alert_to, frames,
    };
  }
}
