/**
 * The alert channels as the relay runs them: the settings and feed on the home database, MQTT (the
 * relay's alert login; the owner pages pass their notices login for consent reminders), the
 * webhook, Web Push (VAPID keys in the data dir), the dispatcher, and the
 * hourly pruning of the feed (7 days, like the event history). `stageChannel` is what the relay's
 * alert stage (src/relay/alerts.ts) calls with each person alert.
 *
 * @example
 * const alerts = startAlertChannels({ dataDir: c.dataDir, db, broker: c.broker, log, onDelivered: (a, to) => history.update(Number(a.eventId), { alertTo: to.join(',') }) });
 * await startRelay({ config: c, alerts: { channels: [alerts.stageChannel] } });
 * ...; await alerts.close();
 */
import { open } from 'node:fs/promises';
import { loadOrCreateBrokerUsers } from '../adapters/broker-users.js';
import { ALERTS_LOGIN } from '../adapters/mosquitto-config.js';
import { SqliteAlertSettings } from '../adapters/sqlite-alert-settings.js';
import type { SqliteDatabase } from '../adapters/sqlite-schema.js';
import { loadOrCreateVapidKeys } from '../adapters/vapid-keys.js';
import type { Logger } from '../log.js';
import { jpegSize } from '../relay/jpeg-size.js';
import type { Alert } from './alert.js';
import { mqttAlertsChannel } from './channels/mqtt-alerts.js';
import { webPushChannel } from './channels/web-push.js';
import { webhookChannel } from './channels/webhook.js';
import { AlertDispatcher } from './dispatcher.js';
import type { AlertChannel } from './message.js';

export const ALERT_RETENTION_MS = 7 * 86400000; // the feed keeps what the event history keeps: 7 days
const PRUNE_EVERY_MS = 3600000; // hourly: an alert lives at most 7 days + 1 hour

export interface StartAlertChannelsOptions {
  dataDir: string;
  db: SqliteDatabase;
  /** The relay's broker settings; the alert publisher logs in as ALERTS_LOGIN with the relay's password (this one when `username` is set, else the data dir's). */
  broker: { url: string; caFile?: string; username?: string; password?: string };
  /** The owner pages' address as owners open them (image and page links). Default $QUIETCAM_PAGES_URL, else http://127.0.0.1:8080. */
  pagesUrl?: string;
  /** VAPID contact (mailto: or https:). Default $QUIETCAM_VAPID_SUBJECT, else the pages URL when https, else mailto:quietcam@localhost. */
  vapidSubject?: string;
  /** false: no MQTT channel (tests). */
  mqtt?: boolean;
  /** The MQTT channel's login; default the relay's alert publisher (ALERTS_LOGIN, the relay's password). The pages' notices pass theirs (NOTICES_LOGIN). */
  mqttLogin?: { username: string; password: string };
  log: Logger;
  clock?: () => number;
  /** Where each alert went so far (channel names), e.g. into the event history's `alertTo`. */
  onDelivered?: (alert: Alert, sentTo: string[]) => void;
}

/** The fields of the alert stage's PersonAlert (src/alerts/types.ts) the channels use; boxes in the frame's pixels. */
export interface StageAlert {
  cameraId: string;
  ownerId: string;
  eventId: number | string;
  atMs: number;
  verdict: 'person';
  score: number;
  boxes: { x: number; y: number; w: number; h: number }[];
  imagePath: string;
}

/** Width and height from the JPEG's header (the first 64 KiB), or null. */
async function frameSize(path: string): Promise<{ width: number; height: number } | null> {
  try {
    const f = await open(path, 'r');
    try {
      const buf = Buffer.alloc(65536);
      const { bytesRead } = await f.read(buf, 0, buf.length, 0);
      return jpegSize(buf.subarray(0, bytesRead));
    } finally {
      await f.close();
    }
  } catch {
    return null;
  }
}

const r3 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;

/** The stage's alert as the channels' Alert: boxes as 0..1 of the frame (its size read from the JPEG header). */
export async function toAlert(p: StageAlert): Promise<Alert> {
  const size = p.boxes.length ? await frameSize(p.imagePath) : null;
  const boxes = size ? p.boxes.map((b) => ({ x: r3(b.x / size.width), y: r3(b.y / size.height), w: r3(b.w / size.width), h: r3(b.h / size.height) })) : [];
  return { cameraId: p.cameraId, ownerId: p.ownerId, eventId: String(p.eventId), atMs: p.atMs, verdict: 'person', score: p.score, boxes, imagePath: p.imagePath };
}

export function startAlertChannels(o: StartAlertChannelsOptions) {
  const store = new SqliteAlertSettings(o.db);
  const pagesUrl = o.pagesUrl ?? process.env.QUIETCAM_PAGES_URL ?? 'http://127.0.0.1:8080';
  const subject = o.vapidSubject ?? process.env.QUIETCAM_VAPID_SUBJECT ?? (pagesUrl.startsWith('https://') ? pagesUrl : 'mailto:quietcam@localhost');
  const channels: AlertChannel[] = [];
  if (o.mqtt !== false) {
    // Its own login, never the ingest's: mosquitto (use_username_as_clientid) would close one of two
    // connections of the same username, and only ALERTS_LOGIN may publish the alert topics there.
    // Its password is the relay's (`quietcam broker-config` writes both logins with it).
    const login = o.mqttLogin ?? { username: ALERTS_LOGIN, password: o.broker.username ? o.broker.password ?? '' : loadOrCreateBrokerUsers(o.dataDir).relay.password };
    channels.push(mqttAlertsChannel({ url: o.broker.url, caFile: o.broker.caFile, ...login, log: (l) => o.log.warn(l) }));
  }
  channels.push(webhookChannel());
  channels.push(webPushChannel({ vapid: loadOrCreateVapidKeys(o.dataDir), subject, forget: (owner, endpoint) => store.removePushSubscription(owner, endpoint) }));
  const cameraName = o.db.prepare('SELECT name FROM web_cameras WHERE camera_id = ?');
  const dispatcher = new AlertDispatcher({
    store, channels, pagesUrl, log: o.log, clock: o.clock, onDelivered: o.onDelivered,
    cameraName: (id) => (cameraName.get(id) as { name: string } | undefined)?.name ?? null,
  });
  const clock = o.clock ?? Date.now;
  const prune = () => {
    try {
      store.prune(clock() - ALERT_RETENTION_MS);
    } catch (err) {
      o.log.error(`alerts: pruning the feed failed: ${(err as Error).message}`);
    }
  };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();
  return {
    dispatcher,
    store,
    /** For the relay's alert stage: `alerts: { channels: [stageChannel] }`. Never throws, never blocks the stage. */
    stageChannel: {
      name: 'owner-channels',
      onAlert: (p: StageAlert) => toAlert(p).then((a) => dispatcher.send(a), (err) => o.log.error(`alerts: ${(err as Error).message}`)),
    },
    async close() {
      clearInterval(timer);
      await dispatcher.close();
    },
  };
}
