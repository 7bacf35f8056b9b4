/** Shared scenarios for the firmware tests: synthetic moving-square frames on a virtual clock. */
import { consentPayload, syntheticFrames, WALL_2025, type Segment } from '../../firmware/node/synthetic.ts';
import type { FirmwareInput } from '../../firmware/node/wire.ts';

export const W = 80;
export const H = 60;
export const CAMERA = 'porch';
export const CONFIG_TOPIC = `quietcam/${CAMERA}/config`;

/** Calibration (10 frames) + warm-up (50 frames) of the detector, and a margin. */
export const warm: Segment = { frames: 70, frameMs: 100, motion: false };
export const motion = (frames = 20): Segment => ({ frames, frameMs: 100, motion: true });
/** Enough quiet frames for the event to end (eventGapFrames = 20). */
export const settle: Segment = { frames: 25, frameMs: 100, motion: false };
/** Quiet time in whole minutes, one frame a minute. */
export const quiet = (minutes: number): Segment => ({ frames: minutes, frameMs: 60000, motion: false });

export const CONSENT_BOTH = { purposes: 'both', placement: 'exterior', expires: '2030-01-01', consentVersion: 5 };

export function config(c: Record<string, unknown> | null): FirmwareInput[] {
  return c ? [{ kind: 'message', topic: CONFIG_TOPIC, payload: consentPayload(c, CAMERA) }] : [];
}

/** Ticks default to the wall offset from WALL_2025 (one boot); pass 0 for the first frames after a reboot. */
export function frames(segments: Segment[], wallStartMs = WALL_2025, seed = 1, ticksStartMs = wallStartMs - WALL_2025): FirmwareInput[] {
  return [...syntheticFrames({ width: W, height: H, segments, wallStartMs, seed, ticksStartMs })];
}

/** warm, event 1, 10 quiet minutes, event 2 (eligible for a snapshot), settle. */
export function twoEvents(consent: Record<string, unknown> | null = CONSENT_BOTH): FirmwareInput[] {
  return [...config(consent), ...frames([warm, motion(), settle, quiet(10), motion(), settle])];
}

export function eventsOf(publishes: { topic: string; payload: Uint8Array }[]): Record<string, unknown>[] {
  return publishes.filter((p) => p.topic.endsWith('/event')).map((p) => JSON.parse(Buffer.from(p.payload).toString('utf8')));
}
