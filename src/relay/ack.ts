/**
 * The relay's end-to-end acknowledgement (src/protocol/ack.ts): once a bundle is durable in the
 * outbox, a message signed with its camera's secret goes to `quietcam/<camera>/ack` (QoS 1, not
 * retained), so the board can free the copy it keeps and stop sending it again. A bundle the board
 * re-sends (its ack was lost, or the board timed out first) is a duplicate here, and is acked again
 * on its last chunk.
 * A camera with no secret on record gets no ack (nothing it sends is stored).
 * Sending is best effort: a lost ack only means the board sends the bundle once more.
 *
 * A bundle the relay will never store (no consent, consent expired, no raw view, a size its decoder
 * refuses...) gets a signed refusal instead (`refused`), so the board drops it rather than sending
 * it with back-off for ever; and again when the board sends it again. Only for bytes that carry the
 * camera's own bundle MAC: a bundle with a bad MAC (forged, or the wrong secret) gets nothing, so a
 * sender without the secret can never make the relay sign anything, and a refusal names the id and
 * CRC of bytes the camera itself made. Not for `bundle-id-mismatch` either: the chunks' announced
 * ids are not covered by the MAC.
 */
import { ackTopic, encodeAck, hexToBytes, isValidRefusal, macKey, verifyBundleMac, type HmacSha256 } from '../protocol/index.js';
import { readU32 } from '../protocol/bytes.js';
import type { CameraRegistry, Logger } from './types.js';

export type AckSender = (topic: string, payload: Uint8Array) => void;

export class Acknowledger {
  private send: AckSender | null = null;
  private readonly keys = new Map<string, { secret: string; key: HmacSha256 }>();
  /** Refusals signed lately, by `camera/bundle`, oldest first (at most 4096). */
  private readonly refusedRecently = new Map<string, { crc: number; reason: string }>();
  /** Acks sent / not sent (no connection yet, no secret); refusals signed (sent or not). */
  sent = 0;
  unsent = 0;
  refusals = 0;

  constructor(private readonly registry: CameraRegistry, private readonly log: Logger) {}

  /** Where acks go (the ingest connection's publish); null: nowhere (no broker, tests feeding handle()). */
  connect(send: AckSender | null): void {
    this.send = send;
  }

  /** Never throws: a lost ack only costs a re-send, and must never fail the acknowledgement path. */
  stored(cameraId: string, bundleId: string, bundleCrc: number): void {
    this.answer(cameraId, bundleId, bundleCrc, undefined);
  }

  /**
   * Validation refused a reassembled bundle (`bytes`, CRC-checked) for `reason`: sign a refusal
   * if the bytes carry the camera's MAC. Returns the bundle's CRC when it did, else null. Never throws.
   */
  refused(cameraId: string, bundleId: string, bytes: Uint8Array, reason: string): number | null {
    try {
      if (reason === 'bad-mac' || reason === 'bundle-id-mismatch' || !isValidRefusal(reason)) return null;
      const key = this.keyOf(cameraId);
      if (!key || !verifyBundleMac(bytes, key)) return null;
      const crc = readU32(bytes, bytes.length - 4);
      this.refusals++;
      const k = cameraId + '/' + bundleId;
      this.refusedRecently.delete(k);
      this.refusedRecently.set(k, { crc, reason });
      if (this.refusedRecently.size > 4096) this.refusedRecently.delete(this.refusedRecently.keys().next().value as string);
      this.answer(cameraId, bundleId, crc, reason);
      return crc;
    } catch (err) {
      this.log.warn(`ack: refusal of ${cameraId}/${bundleId} not signed: ${(err as Error).message}`);
      return null;
    }
  }

  /**
   * The last chunk of a bundle the pipeline drops unread (it was rejected recently) came again: if
   * it was refused here with this CRC (the refusal was lost and the board sends it again), the
   * same refusal again. (After a restart nothing is remembered: the bundle is checked and refused anew.)
   */
  resent(cameraId: string, bundleId: string, bundleCrc: number): void {
    const r = this.refusedRecently.get(cameraId + '/' + bundleId);
    if (r && r.crc === bundleCrc >>> 0) this.answer(cameraId, bundleId, r.crc, r.reason);
  }

  private answer(cameraId: string, bundleId: string, bundleCrc: number, refused: string | undefined): void {
    try {
      const key = this.keyOf(cameraId);
      if (!this.send || !key) {
        this.unsent++;
        return;
      }
      this.send(ackTopic(cameraId), Buffer.from(encodeAck(key, cameraId, bundleId, bundleCrc, refused), 'ascii'));
      this.sent++;
    } catch (err) {
      this.unsent++;
      this.log.warn(`ack: ${cameraId}/${bundleId} not sent: ${(err as Error).message}`);
    }
  }

  private keyOf(cameraId: string): HmacSha256 | null {
    const secret = this.registry.get(cameraId)?.secret;
    if (!secret) return null;
    const held = this.keys.get(cameraId);
    if (held && held.secret === secret) return held.key;
    const bytes = hexToBytes(secret, 32);
    if (!bytes) return null;
    if (this.keys.size >= 4096) this.keys.clear();
    const key = macKey(bytes);
    this.keys.set(cameraId, { secret, key });
    return key;
  }
}
