/**
 * The bundles the relay has not acknowledged yet (src/protocol/ack.ts), kept whole, encoded, in
 * external memory, and sent again until their signed ack arrives.
 *
 * - Bounded by the board profile: `mqtt.unackedBundles` slots of the largest encoded bundle each
 *   (boards/*.json), all allocated at start-up. A snapshot taken while every slot waits for its
 *   ack takes the oldest one's slot: that bundle is given up (counted in `dropped`).
 * - Sent again after `ackTimeoutMs` on the monotonic clock, then after twice that, and so on up to
 *   64x (a relay that is down for hours is not flooded); and at once when the connection comes
 *   back (`reconnected()`: the app takes the retained config the broker sends on every
 *   (re)subscription as that sign).
 * - A slot is freed only by an ack with this camera's MAC naming its bundle id *and* CRC, so a
 *   forged ack, or an old ack replayed for a new bundle that reused an id, frees nothing. A signed
 *   refusal (src/protocol/ack.ts: consent off, a bundle the relay's decoder refuses) frees it the
 *   same way: the relay will never store those bytes, so sending them again would only cost power.
 * ES5-safe: plain arrays of numbers and strings, no allocation after the constructor but the ids.
 */
import type { MemoryPort } from './hardware.js';

/** Longest wait between two sends of one bundle, as a multiple of ackTimeoutMs. */
export const MAX_BACKOFF_SHIFT = 6;

export class UnackedBundles {
  readonly slots: Uint8Array[];
  private readonly len: number[];
  private readonly id: string[];
  private readonly crc: number[];
  /** ticks of the last send, and how many sends so far; 0 sends = a free slot. */
  private readonly sentAt: number[];
  private readonly sends: number[];
  /** Order of first sends (the oldest is given up first). */
  private readonly order: number[];
  private next: number;
  private readonly timeoutMs: number;
  /** Bundles given up to make room (each slot held one unacknowledged bundle). */
  dropped: number;

  constructor(memory: MemoryPort, count: number, slotBytes: number, timeoutMs: number) {
    this.slots = [];
    this.len = [];
    this.id = [];
    this.crc = [];
    this.sentAt = [];
    this.sends = [];
    this.order = [];
    this.next = 0;
    for (let i = 0; i < count; i++) {
      this.slots.push(memory.external(slotBytes));
      this.len.push(0);
      this.id.push('');
      this.crc.push(0);
      this.sentAt.push(0);
      this.sends.push(0);
      this.order.push(0);
    }
    this.timeoutMs = timeoutMs;
    this.dropped = 0;
  }

  /** Bundles waiting for their ack. */
  waiting(): number {
    let n = 0;
    for (let i = 0; i < this.sends.length; i++) if (this.sends[i] > 0) n++;
    return n;
  }

  /** A slot to encode the next bundle into: a free one, else the one sent first (given up). */
  take(): number {
    let pick = -1;
    for (let i = 0; i < this.sends.length; i++) {
      if (this.sends[i] === 0) return i;
      if (pick < 0 || this.order[i] < this.order[pick]) pick = i;
    }
    this.dropped++;
    this.sends[pick] = 0;
    return pick;
  }

  /** Slot `i` now holds a bundle that was just sent for the first time. */
  hold(i: number, bundleId: string, length: number, bundleCrc: number, ticks: number): void {
    this.id[i] = bundleId;
    this.len[i] = length;
    this.crc[i] = bundleCrc >>> 0;
    this.sentAt[i] = ticks;
    this.sends[i] = 1;
    this.order[i] = ++this.next;
  }

  /** An ack (already verified) arrived: free its slot. True when it matched a waiting bundle. */
  acknowledge(bundleId: string, bundleCrc: number): boolean {
    for (let i = 0; i < this.sends.length; i++) {
      if (this.sends[i] > 0 && this.id[i] === bundleId && this.crc[i] === bundleCrc >>> 0) {
        this.sends[i] = 0;
        return true;
      }
    }
    return false;
  }

  /** The slot due to be sent again at `ticks` (its timeout, doubled per send, ran out), or -1. */
  due(ticks: number): number {
    for (let i = 0; i < this.sends.length; i++) {
      if (this.sends[i] === 0) continue;
      const shift = this.sends[i] - 1 < MAX_BACKOFF_SHIFT ? this.sends[i] - 1 : MAX_BACKOFF_SHIFT;
      if (ticks - this.sentAt[i] >= this.timeoutMs * (1 << shift)) return i;
    }
    return -1;
  }

  /** The connection came back: every waiting bundle is due now (its backoff is kept). */
  reconnected(): void {
    for (let i = 0; i < this.sends.length; i++) if (this.sends[i] > 0) this.sentAt[i] = -1e15;
  }

  /** Slot `i` is being sent again at `ticks`. */
  resent(i: number, ticks: number): void {
    this.sentAt[i] = ticks;
    this.sends[i]++;
  }

  bytesOf(i: number): Uint8Array {
    return this.slots[i].subarray(0, this.len[i]);
  }

  idOf(i: number): string {
    return this.id[i];
  }
}
