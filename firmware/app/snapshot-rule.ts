/**
 * The snapshot rule: when a motion event starts and the previous motion event ENDED more than
 * 5 minutes and less than 60 minutes earlier (both bounds exclusive), take one snapshot. Only the
 * start of an event can take one, so there is at most one per event. This spreads training
 * samples out: a busy scene gives none (gap too short), a long-quiet scene gives none (gap too
 * long: what it would show is a new situation, not a sample of the usual one).
 *
 * How the gap is measured, and why (clock jumps):
 * - Previous event ended in this boot: gap = ticks now - ticks at that end. The monotonic clock
 *   never jumps, so an SNTP correction or a daylight-saving bug cannot fake a gap.
 * - Previous event ended before a reboot: gap = wall now - the persisted wall time of that end,
 *   provided the wall clock is valid (after 2020-01-01, i.e. synced) and not earlier than the
 *   persisted time. A clock that went backwards makes the gap unknown.
 * - Unknown gap (first event ever, wall clock not synced, clock went back, or the board rebooted
 *   during the previous event so its end was never seen): no snapshot. Conservative on purpose:
 *   a missed sample costs nothing, an unwanted one costs privacy.
 * Persistence: the wall end time is stored at each event end; '' is stored at each event start
 * (an event is open: if the board reboots now, that event's end is unknown). Two small NVS
 * writes per event.
 * ES5-safe.
 */
import type { SettingsPort } from './hardware.js';

export const SNAPSHOT_RULE_DEFAULTS = {
  /** Gap must be more than this: 300000 ms = 5 minutes. */
  minGapMs: 300000,
  /** ... and less than this: 3600000 ms = 60 minutes. */
  maxGapMs: 3600000,
  /** Wall clock times before this are "not synced": 1577836800000 = 2020-01-01T00:00:00Z. */
  clockValidFromMs: 1577836800000,
  /** Settings key holding the wall time (ms, decimal) of the last event end, '' = unknown. */
  settingsKey: 'lastEventEnd',
};

/** Why a started event got (or did not get) a snapshot. */
export const GAP_OK = 0;
export const GAP_UNKNOWN = 1;
export const GAP_TOO_SHORT = 2;
export const GAP_TOO_LONG = 3;

export interface SnapshotRuleOptions {
  minGapMs?: number;
  maxGapMs?: number;
  clockValidFromMs?: number;
  settingsKey?: string;
}

/** Parse a persisted decimal time; -1 for '', undefined or anything malformed. */
function parseTime(s: string | undefined): number {
  if (typeof s !== 'string' || s.length === 0 || s.length > 16) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export class SnapshotRule {
  readonly minGapMs: number;
  readonly maxGapMs: number;
  readonly clockValidFromMs: number;
  private readonly key: string;
  private readonly settings: SettingsPort;
  /** Ticks of the last end seen in this boot; -1 = none. */
  private endTicks: number;
  /** Wall time of the last end from before this boot (persisted); -1 = unknown. */
  private endWallBefore: number;
  /** Gap measured at the last start (ms), -1 when unknown: for the event message. */
  lastGapMs: number;

  constructor(settings: SettingsPort, options?: SnapshotRuleOptions) {
    const o = options || {};
    this.minGapMs = o.minGapMs === undefined ? SNAPSHOT_RULE_DEFAULTS.minGapMs : o.minGapMs;
    this.maxGapMs = o.maxGapMs === undefined ? SNAPSHOT_RULE_DEFAULTS.maxGapMs : o.maxGapMs;
    this.clockValidFromMs = o.clockValidFromMs === undefined ? SNAPSHOT_RULE_DEFAULTS.clockValidFromMs : o.clockValidFromMs;
    this.key = o.settingsKey === undefined ? SNAPSHOT_RULE_DEFAULTS.settingsKey : o.settingsKey;
    if (!(this.minGapMs >= 0 && this.maxGapMs > this.minGapMs)) throw new RangeError('snapshot rule: need 0 <= minGapMs < maxGapMs');
    this.settings = settings;
    this.endTicks = -1;
    this.lastGapMs = -1;
    this.endWallBefore = parseTime(settings.get(this.key));
  }

  /** True when `wallMs` looks like a synced wall clock. */
  wallValid(wallMs: number): boolean {
    return wallMs >= this.clockValidFromMs;
  }

  /** The gap to the previous event's end, in ms, or -1 when it cannot be known. */
  gapMs(wallMs: number, ticksMs: number): number {
    if (this.endTicks >= 0) return ticksMs >= this.endTicks ? ticksMs - this.endTicks : -1;
    if (this.endWallBefore >= 0 && this.wallValid(wallMs) && wallMs >= this.endWallBefore) return wallMs - this.endWallBefore;
    return -1;
  }

  /** A motion event started: GAP_OK means take a snapshot (consent permitting). */
  eventStarted(wallMs: number, ticksMs: number): number {
    const gap = this.gapMs(wallMs, ticksMs);
    this.lastGapMs = gap;
    // Open event: if the board reboots before the end, the next start must not use an old end.
    this.settings.set(this.key, '');
    this.endWallBefore = -1;
    if (gap < 0) return GAP_UNKNOWN;
    if (gap <= this.minGapMs) return GAP_TOO_SHORT;
    if (gap >= this.maxGapMs) return GAP_TOO_LONG;
    return GAP_OK;
  }

  /** A motion event ended. */
  eventEnded(wallMs: number, ticksMs: number): void {
    this.endTicks = ticksMs;
    this.settings.set(this.key, this.wallValid(wallMs) ? String(Math.floor(wallMs)) : '');
  }
}
