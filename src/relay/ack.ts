/**
 * The relay's end-to-end acknowledgement (src/protocol/ack.ts): once a bundle is durable in the
 * outbox, a message signed with its camera's secret goes to `quietcam/<camera>/ack` (QoS 1, not
 * retained), so the board can free the copy it keeps and stop sending it again. A bundle the board
 * re-sends (its ack was lost, or the board timed out first) is a duplicate here, and is acked again
 * on its last chunk. A camera with no secret on record gets no ack (nothing it sends is stored).
 * Sending is best effort: a lost ack only means the board sends the bundle once more.
 */
import { ackTopic, encodeAck, hexToBytes, macKey, type HmacSha256 } from '../protocol/index.js';
import type { CameraRegistry, Logger } from './types.js';

export type AckSender = (topic: string, payload: Uint8Array) => void;

export class Acknowledger {
  private send: AckSender | null = null;
  private readonly keys = new Map<string, { secret: string; key: HmacSha256 }>();
  /** Acks sent / not sent (no connection yet, no secret). */
  sent = 0;
  unsent = 0;

  constructor(private readonly registry: CameraRegistry, private readonly log: Logger) {}

  /** Where acks go (the ingest connection's publish); null: nowhere (no broker, tests feeding handle()). */
  connect(send: AckSender | null): void {
    this.send = send;
  }

  /** Never throws: a lost ack only costs a re-send, and must never fail the acknowledgement path. */
  stored(cameraId: string, bundleId: string, bundleCrc: number): void {
    try {
      const key = this.keyOf(cameraId);
      if (!this.send || !key) {
        this.unsent++;
        return;
      }
      this.send(ackTopic(cameraId), Buffer.from(encodeAck(key, cameraId, bundleId, bundleCrc), 'ascii'));
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
