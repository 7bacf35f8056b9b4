/** The counters and sizes the app reports (`FirmwareApp.stats()`), all plain numbers. ES5-safe. */

export interface AppStats {
  frames: number;
  badFrames: number;
  events: number;
  snapshots: number;
  skippedGap: number;
  skippedConsent: number;
  snapshotErrors: number;
  publishFailures: number;
  configUpdates: number;
  /** Configs refused (forged, replayed, unreadable): the consent was kept (or turned off when unreadable). */
  configRejected: number;
  /** Event frames published, and skipped (no view, or larger than eventFrames.maxBytes). */
  eventFrames: number;
  eventFramesSkipped: number;
  /** Engine-heap bytes held in typed arrays (detector state + outputs + frame + small buffers). */
  stateBytes: number;
  /** External bytes reserved (raw view + bundle + chunk). */
  externalBytes: number;
  /** 1 when the detector's per-pixel loops are the platform's native kernels, 0 for the TypeScript ones. */
  nativeKernels: number;
  /** 1 when SHA-256 (the MACs) runs the platform's native compression, 0 for the TypeScript one. */
  nativeDigest: number;
  /**
   * Acks from the relay that freed a bundle: stored, or refused for good (consent off, flagged, too
   * large: src/protocol/ack.ts); acks ignored (bad MAC, unreadable) or naming no waiting bundle.
   */
  acked: number;
  refused: number;
  ackRejected: number;
  ackUnknown: number;
  /** Bundles sent again (timeout or reconnection); bundles given up unacknowledged to make room; waiting now. */
  resent: number;
  unackedDropped: number;
  unacked: number;
  /** Status messages sent; live views started, requests refused (forged, replayed, expired, off), live frames sent and skipped (no view, too large). */
  statusSent: number;
  liveStarted: number;
  liveRejected: number;
  liveFrames: number;
  liveFramesSkipped: number;
}

/** Zero counters with the sizes fixed at start-up. */
export function newStats(stateBytes: number, externalBytes: number, nativeKernels: boolean, nativeDigest: boolean): AppStats {
  return {
    frames: 0, badFrames: 0, events: 0, snapshots: 0, skippedGap: 0, skippedConsent: 0, snapshotErrors: 0,
    publishFailures: 0, configUpdates: 0, configRejected: 0, eventFrames: 0, eventFramesSkipped: 0,
    stateBytes: stateBytes, externalBytes: externalBytes, nativeKernels: nativeKernels ? 1 : 0, nativeDigest: nativeDigest ? 1 : 0,
    acked: 0, refused: 0, ackRejected: 0, ackUnknown: 0, resent: 0, unackedDropped: 0, unacked: 0,
    statusSent: 0, liveStarted: 0, liveRejected: 0, liveFrames: 0, liveFramesSkipped: 0,
  };
}

/** A fresh copy of `s` with the unacknowledged-bundle figures of now. */
export function copyStats(s: AppStats, unackedDropped: number, unacked: number): AppStats {
  return {
    frames: s.frames, badFrames: s.badFrames, events: s.events, snapshots: s.snapshots, skippedGap: s.skippedGap,
    skippedConsent: s.skippedConsent, snapshotErrors: s.snapshotErrors, publishFailures: s.publishFailures,
    configUpdates: s.configUpdates, configRejected: s.configRejected, eventFrames: s.eventFrames, eventFramesSkipped: s.eventFramesSkipped,
    stateBytes: s.stateBytes, externalBytes: s.externalBytes, nativeKernels: s.nativeKernels, nativeDigest: s.nativeDigest,
    acked: s.acked, refused: s.refused, ackRejected: s.ackRejected, ackUnknown: s.ackUnknown, resent: s.resent, unackedDropped: unackedDropped, unacked: unacked,
    statusSent: s.statusSent, liveStarted: s.liveStarted, liveRejected: s.liveRejected, liveFrames: s.liveFrames, liveFramesSkipped: s.liveFramesSkipped,
  };
}
