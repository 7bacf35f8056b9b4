/**
 * Synthetic inputs for firmware tests and the bench: a textured, slightly noisy background with
 * a bright square that moves while "motion" is on, on a virtual clock. Deterministic (seeded).
 */
import { configMacDomain, demoCameraSecret, hexToBytes, macKey, signJson } from '../../src/protocol/mac.ts';
import type { FirmwareInput } from './wire.ts';

/** One stretch of time: `frames` frames `frameMs` apart, with or without the moving square. */
export interface Segment {
  frames: number;
  frameMs: number;
  motion: boolean;
}

export interface SyntheticOptions {
  width: number;
  height: number;
  segments: Segment[];
  /** Wall clock at the first frame (ms since the epoch); default 2025-01-01T00:00:00Z. */
  wallStartMs?: number;
  /** Ticks at the first frame; default 0. */
  ticksStartMs?: number;
  seed?: number;
  /** Added to every frame's wall time from this frame index on (a clock jump): [index, deltaMs]. */
  wallJumps?: [number, number][];
}

export const WALL_2025 = Date.UTC(2025, 0, 1);

/** The frames of `o`, one FirmwareInput each (a fresh array per frame). */
export function* syntheticFrames(o: SyntheticOptions): Generator<FirmwareInput> {
  const { width: w, height: h } = o;
  let seed = (o.seed ?? 1) >>> 0;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed >>> 24;
  };
  const bg = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) bg[y * w + x] = 60 + ((x * 7 + y * 13) % 40) + ((x >> 3) & 1) * 20;
  const side = Math.max(4, Math.round(w / 7));
  let t = 0;
  let ticks = o.ticksStartMs ?? 0;
  let wallOffset = 0;
  let index = 0;
  let pos = 0;
  for (const s of o.segments) {
    for (let i = 0; i < s.frames; i++, index++) {
      for (const [at, delta] of o.wallJumps ?? []) if (at === index) wallOffset += delta;
      const g = new Uint8Array(w * h);
      for (let p = 0; p < g.length; p++) g[p] = bg[p] + (rand() & 3);
      if (s.motion) {
        const span = w - side - 2;
        const x0 = 1 + (pos % (2 * span) < span ? pos % span : span - (pos % span));
        const y0 = Math.floor(h / 2 - side / 2) + ((pos >> 2) % 5) - 2;
        for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) g[y * w + x] = 220 + (rand() & 7);
        pos += 2;
      }
      yield { kind: 'frame', wallMs: (o.wallStartMs ?? WALL_2025) + t + wallOffset, ticksMs: ticks, grey: g };
      t += s.frameMs;
      ticks += s.frameMs;
    }
  }
}

/**
 * A consent config payload (src/protocol/consent-config.ts, format 2) as the owner pages retain it:
 * signed for `cameraId` with `secretHex` (default: the camera's demo secret, as the Node host and
 * the desktop runtime give the app when none is provisioned). `c.consentVersion` is the counter.
 */
export function consentPayload(c: Record<string, unknown>, cameraId: string, secretHex?: string): Uint8Array {
  const secret = secretHex ? hexToBytes(secretHex, 32) : demoCameraSecret(cameraId);
  if (!secret) throw new RangeError('consentPayload: secret must be 64 hex digits');
  return new Uint8Array(Buffer.from(signJson(macKey(secret), configMacDomain(cameraId), JSON.stringify({ v: 2, ...c })), 'ascii'));
}
