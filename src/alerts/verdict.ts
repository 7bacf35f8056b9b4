/**
 * The verdict of one motion event, from its scored frames: "person" as soon as one frame's best
 * person score reaches `personScore` (one alert, at that moment, never a second), "no-person"
 * when the event ends without one. Pure: no I/O, no clock; the stage (src/relay/alerts.ts)
 * feeds it and stores the result.
 */
import type { PersonBox, Verdict } from './types.js';

export const ALERT_DEFAULTS = {
  /**
   * 0.5 (0..1): NanoDet's person score was >= 0.60 on frames with people and <= 0.35 on empty,
   * tree and lighting frames here (bench/alerts.ts prints both sides); 0.5 sits between with
   * room on both sides, nearer the people side because a missed alert costs less than a false one.
   */
  personScore: 0.5,
  /** 7 days: the event history's retention (rows and frame files), ms. */
  retentionMs: 7 * 24 * 3600 * 1000,
  /** An event whose end message never came is closed this long after its last frame, ms. */
  openEventMs: 120000, // 2 minutes: longer than any frame schedule (the last offset is 3 s)
  /** Frames kept per event (a board sends 3; more are refused). */
  maxFrames: 8,
};
export type AlertPolicy = typeof ALERT_DEFAULTS;

/** The running state of one event. */
export interface EventVerdict {
  verdict: Verdict;
  bestScore: number;
  bestFrame: number;
  boxes: PersonBox[];
  frames: number;
  alerted: boolean;
  ended: boolean;
}

export function newVerdict(): EventVerdict {
  return { verdict: 'pending', bestScore: 0, bestFrame: -1, boxes: [], frames: 0, alerted: false, ended: false };
}

/** Is a frame of this event still worth scoring? Not once the event alerted (the answer is known). */
export function needsScoring(v: EventVerdict): boolean {
  return v.verdict !== 'person';
}

/**
 * Add one frame's score. Returns true when this frame makes the alert (the first frame at or above
 * the threshold of an event that has not alerted).
 */
export function addFrameScore(v: EventVerdict, index: number, score: number, boxes: PersonBox[], p: Pick<AlertPolicy, 'personScore'>): boolean {
  v.frames++;
  if (score > v.bestScore || v.bestFrame < 0) {
    v.bestScore = score;
    v.bestFrame = index;
    v.boxes = boxes;
  }
  if (score >= p.personScore && !v.alerted) {
    v.verdict = 'person';
    v.alerted = true;
    return true;
  }
  return false;
}

/** The event ended (end message, or silence): the verdict is final. */
export function endVerdict(v: EventVerdict): void {
  v.ended = true;
  if (v.verdict === 'pending') v.verdict = 'no-person';
}

/** Events that started before this are past retention. */
export function retentionCutoff(nowMs: number, p: Pick<AlertPolicy, 'retentionMs'>): number {
  return nowMs - p.retentionMs;
}
