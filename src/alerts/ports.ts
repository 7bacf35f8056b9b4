/**
 * The owner's alert settings and the record of sent alerts: the ports the owner pages
 * (src/web/ports.ts `WebPorts.alerts`) and the relay's alert dispatcher share. One SQLite adapter
 * (src/adapters/sqlite-alerts.ts) implements both on the home database.
 */
import type { Alert, AlertBox } from './alert.js';

/** What an owner did to smart alerts: turn one camera on or off, or every camera off at once. */
export type EnrolmentAction = 'enrol' | 'unenrol' | 'unenrol-all';

/** One line of the enrolment log (kept while the account exists; the owner reads it). */
export interface Enrolment {
  ownerId: string;
  /** null for 'unenrol-all'. */
  cameraId: string | null;
  action: EnrolmentAction;
  /** Account id and username of who did it (the owner, signed in with TOTP). */
  byId: string;
  by: string;
  atMs: number;
}

/** The owner's channels. Smart alerts per camera are separate (AlertSettings.enabled). */
export interface AlertChannels {
  /** Publish on `quietcam/<camera>/alert` (and Home Assistant discovery). */
  mqtt: boolean;
  /** http(s) URL that gets a signed POST per alert; null: none. */
  webhookUrl: string | null;
  /** The per-account HMAC key (base64url, 32 bytes); made when the URL is set. */
  webhookSecret: string | null;
  /** Send Web Push to the account's subscriptions. */
  webPush: boolean;
}

/** A browser's push subscription (PushSubscription.toJSON()). */
export interface PushSubscriptionRecord {
  endpoint: string;
  /** base64url P-256 public key of the browser (65 bytes uncompressed). */
  p256dh: string;
  /** base64url 16-byte auth secret. */
  auth: string;
  createdMs: number;
}

export interface AlertSettings {
  /** Are smart alerts on for this camera? (Off unless the owner enrolled it.) */
  enabled(cameraId: string): boolean;
  /** The owner's cameras with alerts on. */
  enabledCameras(ownerId: string): string[];
  /** Turn one camera on or off, and log it. The caller has checked ownership and, to enrol, a fresh TOTP code. `by.id` is the account id. */
  setEnabled(ownerId: string, cameraId: string, on: boolean, by: { id: string; username: string }, nowMs: number): void;
  /** Every camera of the owner off, logged once; returns how many were on. */
  disableAll(ownerId: string, by: { id: string; username: string }, nowMs: number): number;
  enrolmentLog(ownerId: string, limit: number): Enrolment[];
  channels(ownerId: string): AlertChannels;
  setChannels(ownerId: string, c: AlertChannels): void;
  pushSubscriptions(ownerId: string): PushSubscriptionRecord[];
  /** Add (or refresh) a subscription; at most `max` per account (the oldest goes). */
  addPushSubscription(ownerId: string, s: PushSubscriptionRecord, max: number): void;
  removePushSubscription(ownerId: string, endpoint: string): boolean;
  /** The account is deleted: its channels (webhook secret), push subscriptions and sent alerts go; the enrolment log stays as evidence, like consent's. */
  forgetOwner(ownerId: string): void;
}

/** Where an alert went: channel -> 'sent' | 'failed: <why>' | 'queued'. */
export type Deliveries = Record<string, string>;

/** An alert as recorded for the owner's live feed. */
export interface SentAlert {
  /** Increasing id: the feed's cursor and the image URL's key. */
  seq: number;
  ownerId: string;
  cameraId: string;
  eventId: string;
  atMs: number;
  score: number;
  boxes: AlertBox[];
  /** Server-side only: the image route reads it from here, never from a request. */
  imagePath: string;
  deliveries: Deliveries;
  createdMs: number;
}

export interface AlertLog {
  /** Record an alert about to go out; returns its seq. */
  record(a: Alert, nowMs: number): number;
  setDelivery(seq: number, channel: string, status: string): void;
  /** The owner's alerts with seq > afterSeq, oldest first (the live feed), at most `limit`. */
  after(ownerId: string, afterSeq: number, limit: number): SentAlert[];
  /** The owner's newest alerts, newest first. */
  latest(ownerId: string, limit: number): SentAlert[];
  /** One of the owner's alerts (null for another owner's: the same as none). */
  get(ownerId: string, seq: number): SentAlert | null;
  /** The owner's alert for one history event (the event history shows where it went), or null. */
  forEvent(ownerId: string, cameraId: string, eventId: string): SentAlert | null;
  /** Forget alerts created before `beforeMs`; returns how many. */
  prune(beforeMs: number): number;
  /** The owner deleted an event from the history: its alert goes from the feed too. */
  forgetEvent(ownerId: string, cameraId: string, eventId: string): number;
  /** The owner deleted the whole history. */
  forgetAll(ownerId: string): number;
}

export type AlertStore = AlertSettings & AlertLog;
