/**
 * The relay's messages (what one stage hands the next) and ports (the interfaces stages are given).
 * Adapters under ./adapters implement the ports for MQTT, S3, SQLite and sharp; tests pass the
 * in-memory implementations (memory-store.ts, consent.ts) and run the same contract suites on both.
 */

import { PURPOSE_BY_NAME, type PurposeName } from '../protocol/consent.js';

/** Contribution purposes as bits, the same values as the bundle's `purposes` (defined in src/protocol/consent.ts). */
export const PURPOSE_BITS = PURPOSE_BY_NAME;
export type { PurposeName };

/** Where a camera looks. Interior cameras get no consent unless the owner gives one explicitly. */
export type Placement = 'exterior' | 'interior';

/** An owner's consent for one camera: which purposes, which version, valid when. */
export interface Consent {
  /** PURPOSE_BITS, OR-ed; 0 = nothing may leave the home. */
  purposes: number;
  /** Increases every time the owner changes or re-confirms it (uint32). */
  version: number;
  /** When given, ms since the epoch. */
  grantedMs: number;
  /** Consent is re-confirmed yearly: after this instant (ms) it is no longer in force. */
  expiresMs: number;
}

export interface CameraRecord {
  /** Camera id (src/protocol ids: 1-32 of a-z 0-9 _ -). */
  cameraId: string;
  /** Owner id, same alphabet as camera ids: an S3 key segment. */
  ownerId: string;
  placement: Placement;
  /** The owner confirmed, after the warning, that this interior camera may contribute (absent = no). */
  interiorConfirmed?: boolean;
  /** The camera's MAC secret, 64 hex (32 bytes): bundles and events must carry its MAC. Absent = nothing it sends is accepted. */
  secret?: string;
  /** null = no consent at all. */
  consent: Consent | null;
}

/** Known cameras and their owners' consent. */
export interface CameraRegistry {
  get(cameraId: string): CameraRecord | null;
  /** Insert or replace. */
  put(record: CameraRecord): void;
  list(): CameraRecord[];
}

/** One raw MQTT message as the ingest adapter received it. */
export interface IngestMessage {
  topic: string;
  payload: Uint8Array;
  /** Wall-clock receive time, ms. */
  receivedMs: number;
}

/** A bundle that passed validation: what the outbox stores until S3 confirms it. */
export interface OutboxEntry {
  /** Store-assigned id (increasing). */
  id: number;
  cameraId: string;
  bundleId: string;
  ownerId: string;
  /** The encoded bundle exactly as reassembled (CRC-checked). */
  bytes: Uint8Array;
  captureTimeMs: number;
  /** Purposes in force when accepted (bundle's purposes AND the owner's consent). */
  purposes: number;
  /** The registry's consent version that allowed it. */
  consentVersion: number;
  /** First chunk received, wall clock ms (for the MQTT-in to S3-confirmed latency). */
  firstChunkMs: number;
  /** Bundle complete and stored, wall clock ms. */
  acceptedMs: number;
  /** Upload attempts that failed so far. */
  attempts: number;
}

/** What a new outbox entry carries (the store assigns id and attempts). */
export type NewOutboxEntry = Omit<OutboxEntry, 'id' | 'attempts'>;

/** One stored object of a contribution. */
export interface StoredObject {
  name: string;
  key: string;
  bytes: number;
  contentType: string;
}

/** The contribution index: one row per bundle that S3 confirmed. */
export interface ContributionRecord {
  cameraId: string;
  bundleId: string;
  ownerId: string;
  captureTimeMs: number;
  purposes: number;
  consentVersion: number;
  /** `contributions/<owner>/<camera>/<yyyy>/<mm>/<dd>/<bundle>/` */
  keyPrefix: string;
  objects: StoredObject[];
  uploadedMs: number;
}

/** A chunk kept on disk until its bundle completes (so its PUBACK can be sent). */
export interface JournalChunk {
  bytes: Uint8Array;
  receivedMs: number;
}

/**
 * Durable relay state: the chunk journal, the outbox and the contribution index. Each method is
 * one transaction; when it returns, the change is on disk (the MQTT acknowledgement follows).
 */
export interface RelayStore {
  /**
   * The journal is also where accepted bundles' bytes stay (adapters/chunk-spool.ts): the chunk
   * that completes a bundle is journalled too, before accept(), which then writes no bytes again.
   */
  readonly spoolsBundles?: boolean;
  /** Journal one chunk of a partial bundle (or, `spoolsBundles`, the chunk completing it). */
  addChunk(cameraId: string, bundleId: string, bytes: Uint8Array, receivedMs: number): void;
  /** Forget the journalled chunks of a bundle (rejected, evicted or timed out). */
  dropChunks(cameraId: string, bundleId: string): void;
  /** Every journalled chunk, oldest first (replayed into the reassembler at start). */
  journal(): JournalChunk[];
  /**
   * In one transaction: add the bundle to the outbox unless it is already in the outbox or the
   * index, and drop its journalled chunks. Returns the new entry or 'duplicate'.
   */
  accept(entry: NewOutboxEntry): OutboxEntry | 'duplicate';
  /**
   * Resolves once every commit made so far is on stable storage (an fsync, off the event loop);
   * rejects if that fails. The acknowledgement of a message that completed a bundle waits for it.
   */
  durable(): Promise<void>;
  /** True when the bundle is in the outbox or in the index. */
  has(cameraId: string, bundleId: string): boolean;
  /**
   * Up to `limit` outbox entries, oldest first, skipping the ids in `skip`. A store shared by
   * several relays also claims them for this one (a lease that ends at nowMs + its lease time).
   */
  pending(limit: number, skip: ReadonlySet<number>, nowMs?: number): OutboxEntry[];
  /** Shared stores: extend this relay's claim on an entry it keeps trying to upload. */
  renew?(id: number, nowMs: number): void;
  /**
   * Shared stores: journal a chunk and return every chunk journalled for its bundle (by any
   * relay), in one transaction that serialises with the other relays' (shared-reassemble.ts).
   */
  addChunkAndCollect?(cameraId: string, bundleId: string, bytes: Uint8Array, receivedMs: number): JournalChunk[];
  /** Shared stores: partial bundles journalled by every relay, and their bytes (the status page). */
  journalled?(): { bundles: number; bytes: number };
  /** Shared stores: drop a camera's journalled bundles beyond `max` (keeping `keep`), least recently fed first. */
  dropExcessBundles?(cameraId: string, keep: string, max: number): { cameraId: string; bundleId: string; chunks: number; firstMs: number; lastMs: number }[];
  /** Shared stores: drop the journalled bundles whose newest chunk arrived before `beforeMs`. */
  dropStaleChunks?(beforeMs: number): { cameraId: string; bundleId: string; chunks: number; firstMs: number; lastMs: number }[];
  /** Number of outbox entries. */
  pendingCount(): number;
  /** Record a failed upload attempt. */
  failed(id: number, error: string): void;
  /** In one transaction: remove the entry and add its contribution record. */
  complete(id: number, record: ContributionRecord): void;
  /** Remove an entry that must not be uploaded (consent withdrawn, undecodable image). */
  discard(id: number, reason: string): void;
  contributions(filter?: { ownerId?: string; cameraId?: string; limit?: number }): ContributionRecord[];
  close(): void;
}

/** One object to put into the bucket. */
export interface PutRequest {
  key: string;
  body: Uint8Array;
  contentType: string;
  /** Object tags, e.g. { purpose: 'motion' }. */
  tags: Record<string, string>;
}

/** The bucket. Server-side encryption is the adapter's configuration, applied to every put. */
export interface ObjectStore {
  /** Resolves once the store confirmed the object; rejects otherwise. */
  put(req: PutRequest): Promise<void>;
  /**
   * Delete these keys (absent ones are fine); resolves once the store confirmed every one is gone.
   * A bundle discarded after its upload began loses every object it may have put (upload.ts).
   */
  delete(keys: string[]): Promise<void>;
  /** True when `key` exists (the review console's tombstones, src/operator/keys.ts flagKey). */
  exists?(key: string): Promise<boolean>;
  close?(): void;
}

/** The derive stage's pixel work (sharp in production). Pixel buffers are single-channel grey. */
export interface ImageCodec {
  /** Decode a JPEG to grey and resize to width x height (fill); rejects on a corrupt JPEG. */
  jpegToGrey(jpeg: Uint8Array, width: number, height: number): Promise<Uint8Array>;
  /** Encode grey pixels as a single-channel PNG. */
  greyPng(pixels: Uint8Array, width: number, height: number): Promise<Uint8Array>;
  /** Scale grey pixels to outWidth x outHeight, Gaussian-blur them there (sigma in output pixels), encode as a grey JPEG. */
  blurredGreyJpeg(pixels: Uint8Array, width: number, height: number, sigma: number, outWidth: number, outHeight: number): Promise<Uint8Array>;
}

export type { Logger } from '../log.js';

/** Wall-clock ms; injected so tests can move time (consent expiry, timeouts). */
export type Clock = () => number;
