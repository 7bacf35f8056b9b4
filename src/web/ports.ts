/**
 * The ports the owner pages need. Route files receive a `WebPorts` and nothing else: no SQL, no
 * S3 SDK, no MQTT client here. Production implementations are in ./adapters (SQLite = the relay's
 * own database file, S3 = the relay's bucket, MQTT = the relay's broker); tests use the same
 * SQLite adapter on ':memory:' plus ./memory.ts for the bucket and the broker.
 *
 * Ids: owner ids and camera ids are protocol ids (1-32 of a-z 0-9 _ -), because both are S3 key
 * segments and MQTT topic levels. They are random, so a guessed id finds nothing.
 */
import type { AlertStore } from '../alerts/ports.js';
import type { EventHistory } from '../alerts/types.js';
import type { HomeChannel } from '../operator/home.js';
import type { CameraLink } from './camera-link.js';
import type { Clock, ContributionRecord, Placement } from '../relay/types.js';

export type { Clock, ContributionRecord, Placement };
export type { AlertChannels, AlertStore, Enrolment, PushSubscriptionRecord, SentAlert } from '../alerts/ports.js';

export type Role = 'owner' | 'reviewer';

export interface Account {
  /** Owner id (a protocol id): the `<owner>` segment of every S3 key of this account. */
  id: string;
  /** Lower-case sign-in name, 3-40 of a-z 0-9 . _ - @. */
  username: string;
  /** `scrypt$N$r$p$salt$hash` (passwords.ts). */
  passwordHash: string;
  /** Base32 TOTP secret; set at sign-up, in force once `active`. */
  totpSecret: string;
  /** Last accepted TOTP time step (a code is accepted once). */
  totpLastStep: number;
  role: Role;
  /** False until the first TOTP code is confirmed: nothing works before two-step verification. */
  active: boolean;
  createdMs: number;
  /** IANA time zone the pages show times in ('UTC' unless the owner chose another). */
  timeZone: string;
}

export interface AccountStore {
  /** 'taken' when the username (or, rarely, the random id) exists. */
  create(a: Omit<Account, 'active' | 'totpLastStep' | 'role' | 'timeZone'> & { timeZone?: string }): Account | 'taken';
  byId(id: string): Account | null;
  byUsername(username: string): Account | null;
  activate(id: string): void;
  setTotpStep(id: string, step: number): void;
  setRole(id: string, role: Role): void;
  /** Replace the account's recovery codes (hashes; the codes themselves are shown once). */
  setRecoveryCodes(id: string, hashes: string[], nowMs: number): void;
  /** Use one code: true the first time, false ever after (or when unknown). */
  useRecoveryCode(id: string, hash: string, nowMs: number): boolean;
  recoveryCodesLeft(id: string): number;
  setPassword(id: string, passwordHash: string): void;
  /** A new TOTP key (a new phone), with the step its first code used. */
  setTotp(id: string, secret: string, step: number): void;
  setTimeZone(id: string, timeZone: string): void;
  /**
   * Forget the account: its row, recovery codes, sessions and access log. Cameras and
   * contributions are removed before this (account.ts); consent decisions are kept as evidence.
   */
  deleteAccount(id: string): void;
}

/** How far a session has got: anonymous (CSRF only), sign-up waiting for TOTP, password ok, signed in. */
export type SessionStage = 'anon' | 'enrol' | 'totp' | 'full';

export interface Session {
  /** SHA-256 of the cookie value (hex): a stolen database holds no usable session. */
  id: string;
  accountId: string | null;
  stage: SessionStage;
  /** Synchronizer CSRF token, echoed in every form. */
  csrf: string;
  createdMs: number;
  expiresMs: number;
  /** One message for the next page (after a redirect). */
  flash: string | null;
}

export interface SessionStore {
  put(s: Session): void;
  get(id: string): Session | null;
  delete(id: string): void;
  deleteForAccount(accountId: string): void;
  setFlash(id: string, flash: string | null): void;
  /** Forget expired sessions; returns how many. */
  prune(nowMs: number): number;
}

/** One consent decision, as the owner made it (kept forever as evidence, newest wins). */
export interface ConsentRecord {
  cameraId: string;
  ownerId: string;
  /** PURPOSE_BITS (motion 1, objectron 2), OR-ed; 0 = off / withdrawn. */
  purposes: number;
  /** Per camera, +1 at every change or re-confirmation; the relay and the board compare it. */
  version: number;
  /** The version of the consent wording the owner saw (consent-text.ts). */
  textVersion: string;
  grantedMs: number;
  expiresMs: number;
  /** 'set', 'reconfirm', 'withdraw', 'placement' (interior resets consent). */
  action: string;
}

export interface WebCamera {
  cameraId: string;
  ownerId: string;
  name: string;
  placement: Placement;
  /** The owner confirmed, after the warning, that this interior camera may contribute. */
  interiorConfirmed: boolean;
  /** SHA-256 of the pairing token (hex); the token itself is shown once. */
  pairingHash: string;
  /** The camera's MAC secret (64 hex), made at pairing (common.md); signs its config. Absent: configs go out unsigned and the board ignores them. */
  secret?: string;
  createdMs: number;
  /** The consent in force (latest record), null when never set. */
  consent: ConsentRecord | null;
}

/**
 * Cameras and their consent. `setConsent` must make the relay enforce the new consent at once:
 * the SQLite adapter's consent history is what the relay's registry reads (the `camera_registry`
 * view, src/adapters/sqlite-schema.ts).
 */
export interface CameraDirectory {
  /**
   * Adds the camera with no consent (nothing leaves the home), and its broker credentials and MAC
   * secret (src/adapters/broker-credentials.ts) in the same transaction. 'taken' when the id exists.
   */
  add(c: Omit<WebCamera, 'consent'>, credentials: { brokerHash: string; macSecret: string }): WebCamera | 'taken';
  get(cameraId: string): WebCamera | null;
  listByOwner(ownerId: string): WebCamera[];
  rename(cameraId: string, name: string): void;
  setPlacement(cameraId: string, placement: Placement, interiorConfirmed: boolean): void;
  /** Record a consent decision and put it in force for the relay. */
  setConsent(rec: ConsentRecord): void;
  consentHistory(cameraId: string): ConsentRecord[];
  /** A new login and MAC secret for the camera (the old token stops working at its next connect). */
  replaceCredentials(cameraId: string, credentials: { pairingHash: string; brokerHash: string; macSecret: string }): void;
  /**
   * Remove the camera and its broker login (camera_credentials) in one transaction: the broker
   * refuses it from then on. Its consent decisions stay (evidence of what was agreed).
   */
  remove(cameraId: string): void;
  /** True when `token` is the camera's pairing token (for a broker's authentication hook). */
  verifyPairing(cameraId: string, token: string): boolean;
}

export interface ContributionFilter {
  cameraId?: string;
  /** Capture time range, ms, inclusive from, exclusive to. */
  fromMs?: number;
  toMs?: number;
  limit?: number;
  offset?: number;
}

/** One camera's figures at the relay, for its owner's status page. */
export interface CameraActivity {
  cameraId: string;
  /** Contributions in the index (in S3), and the newest one's upload time (null: none). */
  uploaded: number;
  lastUploadedMs: number | null;
  /** Bundles in the relay's outbox waiting for S3, and how many of them failed at least once. */
  pending: number;
  retrying: number;
  /** When the relay last heard from the camera: its newest bundle chunk, accepted bundle or contribution (null: never). */
  lastSeenMs: number | null;
}

/** The relay's contribution index, seen per owner. Every method is scoped to one owner. */
export interface ContributionIndex {
  /** Per camera of this owner that has anything uploaded or waiting (owner's status page). */
  activity(ownerId: string): CameraActivity[];
  list(ownerId: string, filter?: ContributionFilter): ContributionRecord[];
  count(ownerId: string, filter?: ContributionFilter): number;
  get(ownerId: string, cameraId: string, bundleId: string): ContributionRecord | null;
  /** Remove the index row; false when it was not the owner's (or not there). */
  remove(ownerId: string, cameraId: string, bundleId: string): boolean;
}

export interface StoredBody {
  body: Uint8Array;
  contentType: string;
}

/** The bucket, as the owner pages use it: read, list and delete (every version). */
export interface ObjectAccess {
  get(key: string): Promise<StoredBody | null>;
  /** Every key under `prefix` (current versions). */
  list(prefix: string): Promise<string[]>;
  /** Delete every object and every version under `prefix`; resolves with how many were deleted. */
  deleteAll(prefix: string): Promise<number>;
  /** Delete every version of the one key `key` (nothing else); resolves with how many were deleted. */
  deleteKey(key: string): Promise<number>;
}

export interface AccessEntry {
  ownerId: string;
  /** Account id and username of who looked. */
  viewerId: string;
  viewer: string;
  viewerRole: Role;
  cameraId: string;
  bundleId: string;
  /** Object name, e.g. '1-view.jpg'. */
  object: string;
  why: string;
  atMs: number;
}

/** Every view of an owner's contribution by anyone but the owner. Append-only. */
export interface AccessLog {
  record(e: AccessEntry): void;
  listForOwner(ownerId: string, limit: number): AccessEntry[];
}

/** The retained `quietcam/<camera>/config` message (src/protocol/topics.ts). */
export interface ConfigPublisher {
  /** Resolves once the broker confirmed the retained publish; rejects (or times out) otherwise. */
  publish(cameraId: string, payload: Uint8Array): Promise<void>;
  close?(): Promise<void>;
}

/** 'soon': consent ends within the reminder window; 'expired': it has ended. */
export type ReminderThreshold = 'soon' | 'expired';

/** One consent reminder sent (or claimed: `deliveries` empty until the channels answered). */
export interface ReminderRecord {
  cameraId: string;
  ownerId: string;
  consentVersion: number;
  threshold: ReminderThreshold;
  expiresMs: number;
  sentMs: number;
  /** channel -> 'sent' | 'failed: why'; {} = the page only (no channel set). */
  deliveries: Record<string, string>;
}

/** Which consent reminders went out (migration 8): once per camera, consent version and threshold. */
export interface ReminderStore {
  /** The pages' cameras whose latest consent is on (purposes > 0), ends before `beforeMs`, and has no 'expired' reminder yet. */
  candidates(beforeMs: number): string[];
  /** Record the reminder before sending it: true the first time, false if it was claimed before (by this process or another). */
  claim(r: Omit<ReminderRecord, 'deliveries'>): boolean;
  setDeliveries(cameraId: string, consentVersion: number, threshold: ReminderThreshold, deliveries: Record<string, string>): void;
  /** The owner's reminders, newest first. */
  forOwner(ownerId: string, limit: number): ReminderRecord[];
  forgetCamera(cameraId: string): number;
  forgetOwner(ownerId: string): number;
}

export interface WebPorts {
  accounts: AccountStore;
  sessions: SessionStore;
  cameras: CameraDirectory;
  contributions: ContributionIndex;
  objects: ObjectAccess;
  accessLog: AccessLog;
  /** Consent reminders sent (src/web/reminders.ts). */
  reminders: ReminderStore;
  configPublisher: ConfigPublisher;
  /** Smart alerts: per-camera on/off, the enrolment log, the account's channels, sent alerts (src/alerts/ports.ts). */
  alerts: AlertStore;
  /** Smart alerts' 7-day event history (rows and frame files, src/adapters/sqlite-alerts.ts); absent: no history page. */
  history?: EventHistory;
  /** The home's VAPID public key (base64url) for Web Push subscriptions; null: Web Push not set up. */
  vapidPublicKey?: string | null;
  /** The S3 channel to the operator's review console (consent records out; access entries, flags, counts in). Absent: no console. */
  operator?: HomeChannel;
  /** The link to the boards: their signed status, live-view requests and frames (camera-link.ts). Absent: no broker, no status or live view. */
  cameraLink?: CameraLink;
  /** ms since the epoch; injected so tests move time (consent expiry, TOTP). */
  clock: Clock;
}
