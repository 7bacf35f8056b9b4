/**
 * Live view on the board: a request from the owner's page (src/protocol/live-view.ts) starts a
 * stream of the latest raw views, a few per second for up to a minute, on the camera's live topic.
 * Only the owner's requests count: the request must carry this camera's MAC, a counter above every
 * counter taken before (settings key "livectr", kept across reboots) and, when the board's clock
 * is synced, arrive before its expiry. Anything else is ignored and counted:
 * - 'off': this board has no live view (no raw view, or no liveView in its profile);
 * - 'too-large', 'bad-mac', 'malformed': not the owner's request (forged, another camera's, garbled);
 * - 'replayed': the owner's, but not newer than one already taken;
 * - 'expired': the owner's, but too late (a request held back and sent later).
 * The fps and length asked for are capped by the board profile's liveView. Pure bookkeeping on the
 * monotonic clock (the app reads the view and publishes). ES5-safe.
 */
import { openLiveRequest } from '../../src/protocol/live-view.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';
import type { SettingsPort } from './hardware.js';

/** Settings key of the highest live-view request counter taken. */
export const LIVE_COUNTER_KEY = 'livectr';

export interface LiveViewOptions {
  /** Most frames per second (1-5). */
  maxFps: number;
  /** Longest live view (s, 1-120). */
  maxSeconds: number;
  /** Largest JPEG sent (bytes); larger views are skipped and counted. */
  maxBytes: number;
}

export class LiveView {
  /** Counter of the running (or last) live view. */
  counter: number;
  private readonly settings: SettingsPort;
  private readonly cameraId: string;
  private readonly key: HmacSha256;
  private readonly o: LiveViewOptions | null;
  private startTicks: number;
  private untilTicks: number;
  private periodMs: number;
  private nextTicks: number;
  private sent: number;

  /** `o`: null when the board has no live view (requests are refused as 'off'). */
  constructor(settings: SettingsPort, cameraId: string, key: HmacSha256, o: LiveViewOptions | null) {
    this.settings = settings;
    this.cameraId = cameraId;
    this.key = key;
    this.o = o;
    this.counter = 0;
    this.startTicks = 0;
    this.untilTicks = -1;
    this.periodMs = 1000;
    this.nextTicks = 0;
    this.sent = 0;
  }

  /** Largest JPEG a live frame may carry (0: none). */
  maxBytes(): number {
    return this.o ? this.o.maxBytes : 0;
  }

  /** The highest counter taken so far (0 = none). */
  highest(): number {
    const v = this.settings.get(LIVE_COUNTER_KEY);
    return typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? parseInt(v, 10) : 0;
  }

  /** A request arrived: '' when it starts (or restarts) the live view, else the reason it is ignored. */
  receive(payload: Uint8Array, wall: number, synced: boolean, ticks: number): string {
    if (!this.o) return 'off';
    const r = openLiveRequest(this.key, this.cameraId, payload);
    if (!r.ok) return r.code;
    const q = r.request;
    if (q.counter <= this.highest()) return 'replayed';
    if (synced && wall > q.expiresMs) return 'expired';
    this.settings.set(LIVE_COUNTER_KEY, String(q.counter));
    this.counter = q.counter;
    const fps = q.fps < this.o.maxFps ? q.fps : this.o.maxFps;
    const seconds = q.seconds < this.o.maxSeconds ? q.seconds : this.o.maxSeconds;
    this.periodMs = Math.floor(1000 / fps);
    this.startTicks = ticks;
    this.untilTicks = ticks + seconds * 1000;
    this.nextTicks = ticks;
    this.sent = 0;
    return '';
  }

  active(ticks: number): boolean {
    return this.untilTicks >= 0 && ticks < this.untilTicks;
  }

  /** The index of the frame due at `ticks` (then counted as sent), or -1. At most one per call. */
  due(ticks: number): number {
    if (!this.active(ticks) || ticks < this.nextTicks) return -1;
    // the next one a period after this one's slot, not after a late frame: the rate holds on average
    this.nextTicks += this.periodMs;
    if (this.nextTicks <= ticks) this.nextTicks = ticks + this.periodMs;
    const i = this.sent;
    this.sent++;
    return i;
  }

  /** ms since the live view started. */
  offset(ticks: number): number {
    return ticks - this.startTicks;
  }
}
