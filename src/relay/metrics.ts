/**
 * Counters, latency quantiles and the once-per-window problem log. Bounded: at most
 * MAX_CAMERAS_TRACKED cameras are counted by name (a flood of made-up camera ids lands in
 * '(other)'), and the latency window keeps the last LATENCY_SAMPLES bundles.
 */
import type { Logger } from '../log.js';

const MAX_CAMERAS_TRACKED = 1024;
const LATENCY_SAMPLES = 2048; // the last ~2,000 bundles: a few hours of a home's cameras, a stable p99
const OTHER = '(other)';

/** Why something was rejected or given up on; see README.md ("Rejection reasons"). */
export type Reason = string;

export class Metrics {
  chunksReceived = 0;
  chunksDuplicate = 0;
  /** Chunks of bundles already rejected (not counted again as rejections). */
  chunksDropped = 0;
  bundlesCompleted = 0;
  bundlesAccepted = 0;
  bundlesDuplicate = 0;
  uploaded = 0;
  objectsUploaded = 0;
  bytesUploaded = 0;
  uploadRetries = 0;
  incomplete = { timeout: 0, evicted: 0 };
  /** reason -> count */
  readonly rejected = new Map<Reason, number>();
  /** camera -> reason -> count */
  readonly rejectedByCamera = new Map<string, Map<Reason, number>>();
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private latencyCount = 0;

  reject(cameraId: string, reason: Reason): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    let cam = this.rejectedByCamera.get(cameraId);
    if (!cam) {
      const key = this.rejectedByCamera.size < MAX_CAMERAS_TRACKED ? cameraId : OTHER;
      cam = this.rejectedByCamera.get(key) ?? new Map();
      this.rejectedByCamera.set(key, cam);
    }
    cam.set(reason, (cam.get(reason) ?? 0) + 1);
  }

  /** One bundle's MQTT-in to S3-confirmed time, ms. */
  latency(ms: number): void {
    this.latencies[this.latencyCount % LATENCY_SAMPLES] = ms;
    this.latencyCount++;
  }

  /** p50/p99 of the recent latencies, ms (null before the first upload). */
  latencyQuantiles(): { p50: number | null; p99: number | null; samples: number } {
    const n = Math.min(this.latencyCount, LATENCY_SAMPLES);
    if (n === 0) return { p50: null, p99: null, samples: 0 };
    const sorted = this.latencies.slice(0, n).sort();
    const q = (p: number) => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)];
    return { p50: q(0.5), p99: q(0.99), samples: n };
  }

  rejectedTotal(): number {
    let t = 0;
    for (const v of this.rejected.values()) t += v;
    return t;
  }
}

/**
 * Logs the first occurrence of each (camera, reason) in a window, then one summary line per key
 * with the count suppressed during the window. A camera sending garbage 50 times a second costs
 * one line a minute.
 */
export class WindowedLog {
  private readonly seen = new Map<string, { camera: string; reason: Reason; suppressed: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly log: Logger, private readonly windowMs: number) {}

  problem(cameraId: string, reason: Reason, detail: string): void {
    const key = cameraId + '\u0000' + reason;
    const entry = this.seen.get(key);
    if (entry) {
      entry.suppressed++;
      return;
    }
    if (this.seen.size >= MAX_CAMERAS_TRACKED * 4) return; // bounded; the counters still count
    this.seen.set(key, { camera: cameraId, reason, suppressed: 0 });
    this.log.warn(`camera ${cameraId}: ${reason}: ${detail}`);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref();
    }
  }

  /** Print the summaries of the window and start a new one. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const secs = Math.round(this.windowMs / 1000);
    for (const e of this.seen.values()) {
      if (e.suppressed > 0) this.log.warn(`camera ${e.camera}: ${e.suppressed} more ${e.reason} in the last ${secs} s`);
    }
    this.seen.clear();
  }

  stop(): void {
    this.flush();
  }
}
