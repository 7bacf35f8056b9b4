/**
 * From a board profile (boards/*.json, validated by boards/schema.ts at build time) to the app's
 * options. The firmware build inlines the profile as the constant QUIETCAM_BOARD; the Node host
 * passes the parsed JSON. ES5-safe: reads plain fields only.
 */
import type { AppOptions } from './app.js';

/** The fields of a board profile the app reads. */
export interface BoardInput {
  name: string;
  memory: { appHeapBytes: number; externalBytes: number };
  mqtt: { chunkSize: number; qos: number; unackedBundles?: number; ackTimeoutMs?: number };
  maxViewBytes: number;
  /** Event frames for person alerts (boards/schema.ts); absent: none. */
  eventFrames?: { atMs: number[]; maxBytes: number };
  /** Status message period (boards/schema.ts); absent: the app's default. */
  status?: { intervalMs: number };
  /** Live view for the owner's page; absent: none. */
  liveView?: { maxFps: number; maxSeconds: number; maxBytes: number };
}

export function appOptionsFromBoard(b: BoardInput): AppOptions {
  return {
    board: b.name,
    appHeapBytes: b.memory.appHeapBytes,
    externalBytes: b.memory.externalBytes,
    maxViewBytes: b.maxViewBytes,
    chunkSize: b.mqtt.chunkSize,
    qos: b.mqtt.qos,
    eventFrames: b.eventFrames ? { atMs: b.eventFrames.atMs, maxBytes: b.eventFrames.maxBytes } : undefined,
    unackedBundles: b.mqtt.unackedBundles,
    ackTimeoutMs: b.mqtt.ackTimeoutMs,
    statusIntervalMs: b.status ? b.status.intervalMs : undefined,
    liveView: b.liveView ? { maxFps: b.liveView.maxFps, maxSeconds: b.liveView.maxSeconds, maxBytes: b.liveView.maxBytes } : undefined,
  };
}
