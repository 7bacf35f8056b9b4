/**
 * The board's status message (src/protocol/camera-status.ts): when it is due and what it says.
 * Due at the first frame, after each reconnection (not more than once per `minGapMs`), then every
 * `intervalMs` (the board profile's status.intervalMs) on the monotonic clock. The frame rate is
 * measured over the frames since the last message. Free heap and Wi-Fi signal come from the
 * optional system port (hardware.ts); without one they read as unknown (-1, 0).
 * Allocates only the message string per message. ES5-safe.
 */
import { statusMacDomain, statusText } from '../../src/protocol/camera-status.js';
import { signJson } from '../../src/protocol/mac.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';
import type { SystemPort } from './hardware.js';

/** The app's version, as the status message reports it (package.json's, kept in step by test/firmware/status.test.ts). */
export const FIRMWARE_VERSION = '0.1.0';

export const STATUS_DEFAULTS = {
  intervalMs: 60000, // once a minute: "online" on the cameras page = a status within 2 intervals
  minGapMs: 5000, // a flapping connection does not turn into a flood of status messages
};

export class StatusReporter {
  readonly intervalMs: number;
  private readonly cameraId: string;
  private readonly board: string;
  private readonly key: HmacSha256;
  private nextTicks: number;
  private lastTicks: number;
  private lastFrames: number;

  constructor(cameraId: string, board: string, key: HmacSha256, intervalMs: number) {
    this.cameraId = cameraId;
    this.board = board.length > 32 ? board.substring(0, 32) : board; // profile names may be 63 long; the message carries 32
    this.key = key;
    this.intervalMs = intervalMs;
    this.nextTicks = -1;
    this.lastTicks = -1;
    this.lastFrames = 0;
  }

  /** The connection is (back) up: a message at the next frame (or minGapMs after the last one). */
  connected(): void {
    this.nextTicks = this.lastTicks < 0 ? -1 : this.lastTicks + STATUS_DEFAULTS.minGapMs;
  }

  due(ticks: number): boolean {
    return this.nextTicks < 0 || ticks >= this.nextTicks;
  }

  /**
   * The signed message for now (then the next is due intervalMs later). `frames`, `events`: the
   * app's counters since boot; `lastEventMs`: wall clock of the last event start (0 none).
   */
  message(ticks: number, wall: number, synced: boolean, frames: number, events: number, lastEventMs: number, system: SystemPort | undefined): string {
    const elapsed = this.lastTicks < 0 ? ticks : ticks - this.lastTicks;
    const counted = frames - this.lastFrames;
    const fps10 = elapsed > 0 ? Math.floor((counted * 10000 + (elapsed >> 1)) / elapsed) : 0;
    this.lastTicks = ticks;
    this.lastFrames = frames;
    this.nextTicks = ticks + this.intervalMs;
    const heap = system ? Math.floor(system.freeHeap()) : -1;
    const rssi = system ? Math.floor(system.rssi()) : 0;
    return signJson(this.key, statusMacDomain(this.cameraId), statusText({
      camera: this.cameraId, fw: FIRMWARE_VERSION, board: this.board, timeMs: wall < 0 ? 0 : wall, clockSynced: synced,
      uptimeS: Math.floor(ticks / 1000), everyMs: this.intervalMs, fps10: fps10 > 10000 ? 10000 : fps10,
      heap: heap < -1 ? -1 : heap, rssi: rssi > 0 || rssi < -127 ? 0 : rssi, frames: frames, events: events, lastEventMs: lastEventMs,
    }));
  }
}
