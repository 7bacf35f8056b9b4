/**
 * What every channel sends about one alert: the verdict, the score, the event's time, the person
 * boxes, and an image URL of the owner pages (it opens only with the owner's signed-in session:
 * src/web/routes/alerts.ts). No image bytes, no public link, no face data.
 */
import type { AlertBox } from './alert.js';
import type { NoticeDelivery } from './notice.js';
import type { AlertChannels, PushSubscriptionRecord, SentAlert } from './ports.js';

export interface AlertMessage {
  v: 1;
  camera: string;
  /** The camera's name as the owner gave it (the camera id when unknown). */
  cameraName: string;
  event: string;
  verdict: 'person';
  /** 0..1, 2 decimals. */
  score: number;
  /** The event's start, ms since the epoch and ISO 8601 (UTC). */
  atMs: number;
  at: string;
  boxes: AlertBox[];
  /** `<pages>/alerts/<seq>/image`: needs the owner's session. */
  image: string;
  /** `<pages>/alerts`: the owner's live feed. */
  page: string;
}

/** The pages' base URL without a trailing slash, e.g. `https://cams.example.org`. */
export function alertMessage(sent: SentAlert, pagesUrl: string, cameraName: string): AlertMessage {
  const base = pagesUrl.replace(/\/+$/, '');
  return {
    v: 1, camera: sent.cameraId, cameraName, event: sent.eventId, verdict: 'person', score: Math.round(sent.score * 100) / 100,
    atMs: sent.atMs, at: new Date(sent.atMs).toISOString(), boxes: sent.boxes,
    image: `${base}/alerts/${sent.seq}/image`, page: `${base}/alerts`,
  };
}

/** What a channel gets for one owner: the message, the alert's image file, the owner's settings. */
export interface Delivery {
  message: AlertMessage;
  imagePath: string;
  ownerId: string;
  channels: AlertChannels;
  pushSubscriptions: () => PushSubscriptionRecord[];
}

/**
 * One way out (MQTT, webhook, Web Push). `deliver` does its own retries and resolves with a short
 * status for the owner's feed ('sent', 'sent to 2 of 3'), or rejects with the reason.
 */
export interface AlertChannel {
  readonly name: string;
  /** Does this owner want this channel? */
  wanted(c: AlertChannels): boolean;
  deliver(d: Delivery): Promise<string>;
  /** A notice (notice.ts: a consent reminder), same settings and retries as `deliver`; absent: the channel carries no notices. */
  notify?(d: NoticeDelivery): Promise<string>;
  close?(): Promise<void>;
}
