/**
 * Smart-alert settings and the sent-alert log on the home database (ALERT_SETTINGS in
 * sqlite-schema.ts). Per-camera on/off is `alert_enrolment`, the table the relay's alert stage
 * reads; a camera's owner is what `camera_registry` says (paired and config-file cameras alike).
 * Every owner-facing read is scoped by owner id: another owner's camera or alert reads as absent.
 */
import type { Alert } from '../alerts/alert.js';
import type { AlertChannels, AlertStore, Enrolment, EnrolmentAction, PushSubscriptionRecord, SentAlert } from '../alerts/ports.js';
import type { SqliteDatabase } from './sqlite-schema.js';

interface LogRow { seq: number; owner_id: string; camera_id: string; event_id: string; at_ms: number; score: number; boxes: string; image_path: string; deliveries: string; created_ms: number }
interface EnrolRow { owner_id: string; camera_id: string | null; action: string; by_id: string; by_name: string; at_ms: number }
interface ChannelRow { mqtt: number; webhook_url: string | null; webhook_secret: string | null; web_push: number }

const toSent = (r: LogRow): SentAlert => ({
  seq: r.seq, ownerId: r.owner_id, cameraId: r.camera_id, eventId: r.event_id, atMs: r.at_ms, score: r.score,
  boxes: JSON.parse(r.boxes), imagePath: r.image_path, deliveries: JSON.parse(r.deliveries), createdMs: r.created_ms,
});

/** @example const alerts = new SqliteAlertSettings(openDatabase(file)); alerts.enabled('porch') */
export class SqliteAlertSettings implements AlertStore {
  private readonly q;
  private readonly tx;

  constructor(private readonly db: SqliteDatabase) {
    this.q = {
      enabled: db.prepare('SELECT enabled FROM alert_enrolment WHERE camera_id = ?'),
      enabledFor: db.prepare(`SELECT e.camera_id FROM alert_enrolment e WHERE e.enabled = 1
        AND e.camera_id IN (SELECT camera_id FROM camera_registry WHERE owner_id = ?) ORDER BY e.camera_id`),
      set: db.prepare(`INSERT INTO alert_enrolment (camera_id, enabled, changed_ms, changed_by) VALUES (?, ?, ?, ?)
        ON CONFLICT (camera_id) DO UPDATE SET enabled = excluded.enabled, changed_ms = excluded.changed_ms, changed_by = excluded.changed_by`),
      offAll: db.prepare(`UPDATE alert_enrolment SET enabled = 0, changed_ms = ?, changed_by = ? WHERE enabled = 1
        AND camera_id IN (SELECT camera_id FROM camera_registry WHERE owner_id = ?)`),
      log: db.prepare('INSERT INTO alert_enrolment_log (owner_id, camera_id, action, by_id, by_name, at_ms) VALUES (?, ?, ?, ?, ?, ?)'),
      enrolments: db.prepare('SELECT * FROM alert_enrolment_log WHERE owner_id = ? ORDER BY seq DESC LIMIT ?'),
      channels: db.prepare('SELECT mqtt, webhook_url, webhook_secret, web_push FROM alert_channels WHERE owner_id = ?'),
      setChannels: db.prepare(`INSERT INTO alert_channels (owner_id, mqtt, webhook_url, webhook_secret, web_push) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (owner_id) DO UPDATE SET mqtt = excluded.mqtt, webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret, web_push = excluded.web_push`),
      subs: db.prepare('SELECT endpoint, p256dh, auth, created_ms FROM alert_push_subscriptions WHERE owner_id = ? ORDER BY created_ms, endpoint'),
      addSub: db.prepare(`INSERT INTO alert_push_subscriptions (owner_id, endpoint, p256dh, auth, created_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (owner_id, endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, created_ms = excluded.created_ms`),
      trimSubs: db.prepare(`DELETE FROM alert_push_subscriptions WHERE owner_id = ? AND endpoint NOT IN
        (SELECT endpoint FROM alert_push_subscriptions WHERE owner_id = ? ORDER BY created_ms DESC LIMIT ?)`),
      removeSub: db.prepare('DELETE FROM alert_push_subscriptions WHERE owner_id = ? AND endpoint = ?'),
      record: db.prepare('INSERT INTO alert_log (owner_id, camera_id, event_id, at_ms, score, boxes, image_path, deliveries, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      deliveries: db.prepare('SELECT deliveries FROM alert_log WHERE seq = ?'),
      setDeliveries: db.prepare('UPDATE alert_log SET deliveries = ? WHERE seq = ?'),
      after: db.prepare('SELECT * FROM alert_log WHERE owner_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      latest: db.prepare('SELECT * FROM alert_log WHERE owner_id = ? ORDER BY seq DESC LIMIT ?'),
      get: db.prepare('SELECT * FROM alert_log WHERE owner_id = ? AND seq = ?'),
      forEvent: db.prepare('SELECT * FROM alert_log WHERE owner_id = ? AND camera_id = ? AND event_id = ? ORDER BY seq DESC LIMIT 1'),
      prune: db.prepare('DELETE FROM alert_log WHERE created_ms < ?'),
      forgetEvent: db.prepare('DELETE FROM alert_log WHERE owner_id = ? AND camera_id = ? AND event_id = ?'),
      forgetAll: db.prepare('DELETE FROM alert_log WHERE owner_id = ?'),
    };
    this.tx = {
      set: db.transaction((ownerId: string, cameraId: string, on: boolean, by: { id: string; username: string }, nowMs: number) => {
        this.q.set.run(cameraId, on ? 1 : 0, nowMs, by.id);
        this.logAction(ownerId, cameraId, on ? 'enrol' : 'unenrol', by, nowMs);
      }),
      offAll: db.transaction((ownerId: string, by: { id: string; username: string }, nowMs: number) => {
        const n = this.q.offAll.run(nowMs, by.id, ownerId).changes;
        this.logAction(ownerId, null, 'unenrol-all', by, nowMs);
        return n;
      }),
      forgetOwner: db.transaction((ownerId: string) => {
        for (const t of ['alert_channels', 'alert_push_subscriptions', 'alert_log']) db.prepare(`DELETE FROM ${t} WHERE owner_id = ?`).run(ownerId);
      }),
      delivery: db.transaction((seq: number, channel: string, status: string) => {
        const row = this.q.deliveries.get(seq) as { deliveries: string } | undefined;
        if (!row) return;
        const d = JSON.parse(row.deliveries) as Record<string, string>;
        d[channel] = status;
        this.q.setDeliveries.run(JSON.stringify(d), seq);
      }),
    };
  }

  private logAction(ownerId: string, cameraId: string | null, action: EnrolmentAction, by: { id: string; username: string }, nowMs: number): void {
    this.q.log.run(ownerId, cameraId, action, by.id, by.username, nowMs);
  }

  enabled(cameraId: string): boolean {
    return (this.q.enabled.get(cameraId) as { enabled: number } | undefined)?.enabled === 1;
  }

  enabledCameras(ownerId: string): string[] {
    return (this.q.enabledFor.all(ownerId) as { camera_id: string }[]).map((r) => r.camera_id);
  }

  setEnabled(ownerId: string, cameraId: string, on: boolean, by: { id: string; username: string }, nowMs: number): void {
    this.tx.set(ownerId, cameraId, on, by, nowMs);
  }

  disableAll(ownerId: string, by: { id: string; username: string }, nowMs: number): number {
    return this.tx.offAll(ownerId, by, nowMs);
  }

  enrolmentLog(ownerId: string, limit: number): Enrolment[] {
    return (this.q.enrolments.all(ownerId, limit) as EnrolRow[]).map((r) => ({
      ownerId: r.owner_id, cameraId: r.camera_id, action: r.action as EnrolmentAction, byId: r.by_id, by: r.by_name, atMs: r.at_ms,
    }));
  }

  channels(ownerId: string): AlertChannels {
    const r = this.q.channels.get(ownerId) as ChannelRow | undefined;
    return { mqtt: r?.mqtt === 1, webhookUrl: r?.webhook_url ?? null, webhookSecret: r?.webhook_secret ?? null, webPush: r?.web_push === 1 };
  }

  setChannels(ownerId: string, c: AlertChannels): void {
    this.q.setChannels.run(ownerId, c.mqtt ? 1 : 0, c.webhookUrl, c.webhookSecret, c.webPush ? 1 : 0);
  }

  pushSubscriptions(ownerId: string): PushSubscriptionRecord[] {
    return (this.q.subs.all(ownerId) as { endpoint: string; p256dh: string; auth: string; created_ms: number }[])
      .map((r) => ({ endpoint: r.endpoint, p256dh: r.p256dh, auth: r.auth, createdMs: r.created_ms }));
  }

  addPushSubscription(ownerId: string, s: PushSubscriptionRecord, max: number): void {
    this.db.transaction(() => {
      this.q.addSub.run(ownerId, s.endpoint, s.p256dh, s.auth, s.createdMs);
      this.q.trimSubs.run(ownerId, ownerId, max);
    })();
  }

  removePushSubscription(ownerId: string, endpoint: string): boolean {
    return this.q.removeSub.run(ownerId, endpoint).changes > 0;
  }

  forgetOwner(ownerId: string): void {
    this.tx.forgetOwner(ownerId);
  }

  record(a: Alert, nowMs: number): number {
    return Number(this.q.record.run(a.ownerId, a.cameraId, a.eventId, a.atMs, a.score, JSON.stringify(a.boxes), a.imagePath, '{}', nowMs).lastInsertRowid);
  }

  setDelivery(seq: number, channel: string, status: string): void {
    this.tx.delivery(seq, channel, status);
  }

  after(ownerId: string, afterSeq: number, limit: number): SentAlert[] {
    return (this.q.after.all(ownerId, afterSeq, limit) as LogRow[]).map(toSent);
  }

  latest(ownerId: string, limit: number): SentAlert[] {
    return (this.q.latest.all(ownerId, limit) as LogRow[]).map(toSent);
  }

  get(ownerId: string, seq: number): SentAlert | null {
    const r = this.q.get.get(ownerId, seq) as LogRow | undefined;
    return r ? toSent(r) : null;
  }

  forEvent(ownerId: string, cameraId: string, eventId: string): SentAlert | null {
    const r = this.q.forEvent.get(ownerId, cameraId, eventId) as LogRow | undefined;
    return r ? toSent(r) : null;
  }

  prune(beforeMs: number): number {
    return this.q.prune.run(beforeMs).changes;
  }

  forgetEvent(ownerId: string, cameraId: string, eventId: string): number {
    return this.q.forgetEvent.run(ownerId, cameraId, eventId).changes;
  }

  forgetAll(ownerId: string): number {
    return this.q.forgetAll.run(ownerId).changes;
  }
}
