/**
 * When to send event frames (protocol/event-frame.ts): at the start of a motion event and at a
 * few offsets after it (the board profile's `eventFrames.atMs`, e.g. 0, 1000, 3000 ms) while the
 * event lasts. Pure bookkeeping on the monotonic clock; the app reads the view and publishes.
 * Allocates nothing after the constructor. ES5-safe.
 */

/** Most frames per event (the message's count field is one byte; more would only cost the relay). */
export const MAX_EVENT_FRAMES = 8;

export class EventFrameSchedule {
  /** Offsets from the event start, ms, strictly increasing (copied). */
  private readonly atMs: Int32Array;
  private startTicks: number;
  private sent: number;
  private active: boolean;

  /** `atMs`: offsets in ms (first usually 0); empty = no frames. Throws a RangeError on a bad list. */
  constructor(atMs: number[]) {
    if (atMs.length > MAX_EVENT_FRAMES) throw new RangeError('event frames: at most ' + MAX_EVENT_FRAMES + ' per event');
    this.atMs = new Int32Array(atMs.length);
    for (let i = 0; i < atMs.length; i++) {
      const v = atMs[i];
      if (typeof v !== 'number' || Math.floor(v) !== v || v < 0 || v > 600000 || (i > 0 && v <= atMs[i - 1])) {
        throw new RangeError('event frames: atMs must be increasing integers in 0..600000 ms');
      }
      this.atMs[i] = v;
    }
    this.startTicks = 0;
    this.sent = 0;
    this.active = false;
  }

  /** Frames planned per event. */
  count(): number {
    return this.atMs.length;
  }

  started(ticks: number): void {
    this.startTicks = ticks;
    this.sent = 0;
    this.active = this.atMs.length > 0;
  }

  ended(): void {
    this.active = false;
  }

  /**
   * The index of the frame due at `ticks` (then counted as sent), or -1. A frame whose time has
   * passed while no frame came goes out with the next one; one frame per call at most.
   */
  due(ticks: number): number {
    if (!this.active || this.sent >= this.atMs.length) return -1;
    if (ticks - this.startTicks < this.atMs[this.sent]) return -1;
    const i = this.sent;
    this.sent++;
    // skip offsets already passed as well: one late frame stands for them
    while (this.sent < this.atMs.length && ticks - this.startTicks >= this.atMs[this.sent]) this.sent++;
    return i;
  }

  /** ms since the event started. */
  offset(ticks: number): number {
    return ticks - this.startTicks;
  }
}
