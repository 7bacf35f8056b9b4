/**
 * Motion events: an event starts after eventMinFrames frames in a row with an event-worthy box,
 * and ends after eventGapFrames frames without one. No event starts while calibrating.
 */
import { DetectorConfig } from './config.js';
import { State } from './state.js';
import { EVENT_ACTIVE, EVENT_END, EVENT_IDLE, EVENT_START } from './types.js';

export function stepEvents(s: State, cfg: DetectorConfig, hasBox: boolean, calibrating: boolean): number {
  if (s.eventActive) {
    if (hasBox) {
      s.eventGap = 0;
      return EVENT_ACTIVE;
    }
    s.eventGap++;
    if (s.eventGap >= cfg.eventGapFrames) {
      s.eventActive = 0;
      s.eventRun = 0;
      s.eventGap = 0;
      return EVENT_END;
    }
    return EVENT_ACTIVE;
  }
  if (hasBox && !calibrating) s.eventRun++;
  else s.eventRun = 0;
  if (s.eventRun >= cfg.eventMinFrames) {
    s.eventActive = 1;
    s.eventGap = 0;
    s.eventId++;
    return EVENT_START;
  }
  return EVENT_IDLE;
}
