/** Smart-alert test plumbing: the SQLite store on ':memory:', an enrolled camera, a sample alert, a JPEG on disk. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteAlertSettings } from '../../src/adapters/sqlite-alert-settings.js';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite-schema.js';
import type { Alert } from '../../src/alerts/alert.js';
import type { AlertChannels } from '../../src/alerts/ports.js';
import type { Logger } from '../../src/log.js';

export const OWNER = { id: 'own-1', username: 'olive' };
export const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

export type TestAlertStore = SqliteAlertSettings & { testDb: SqliteDatabase };

export function alertStore(): TestAlertStore {
  const db = openDatabase(':memory:');
  return Object.assign(new SqliteAlertSettings(db), { testDb: db });
}

/** A config-file camera of `owner` (the registry says whose a camera is), enrolled, and the owner's channels set. */
export function enrol(store: TestAlertStore, cameraId: string, channels: Partial<AlertChannels>, owner = OWNER): void {
  store.testDb.prepare("INSERT OR IGNORE INTO cameras (camera_id, owner_id, placement) VALUES (?, ?, 'exterior')").run(cameraId, owner.id);
  store.setEnabled(owner.id, cameraId, true, owner, T0);
  store.setChannels(owner.id, { mqtt: false, webhookUrl: null, webhookSecret: null, webPush: false, ...channels });
}

/** A tiny JPEG-looking file (the channels never decode it). */
export function jpegFile(dir: string, name = 'frame.jpg'): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]));
  return p;
}

let n = 0;
export function sampleAlert(cameraId: string, imagePath: string, owner = OWNER): Alert {
  n++;
  return { cameraId, ownerId: owner.id, eventId: `ev-${n}`, atMs: T0 + n * 1000, verdict: 'person', score: 0.8731, boxes: [{ x: 0.1, y: 0.2, w: 0.3, h: 0.5 }], imagePath };
}

/** A logger that keeps lines (a failing test shows them). */
export function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
