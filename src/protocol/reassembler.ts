/**
 * Reassembles chunked bundles on the relay with bounded memory. Time is passed in (no clocks).
 *
 * - Duplicated, reordered and missing chunks are tolerated: each chunk is placed by its index.
 * - A chunk that disagrees with earlier chunks of the same bundle (total, stride, length, CRC,
 *   or different bytes for an index already received) is rejected; the partial bundle is kept.
 * - Memory: the bytes retained (one buffer of bundleLength plus one flag byte per chunk for
 *   each partial bundle) never exceed maxBytes, and at most maxBundles are partial at once.
 * - Fairness: one camera holds at most maxPerCamera partial bundles; a new one beyond that evicts
 *   that camera's own least recently fed one. When the global limits need room, the victim is
 *   taken from the camera holding the most partial bundles (then the one fed least recently), so
 *   a camera flooding partial bundles evicts its own, never another camera's while it holds more.
 *   Evicted bundles are reported in the `partial` result that caused it.
 * - A partial bundle with no new chunk for timeoutMs is dropped by expire(now) and reported.
 * - The last `rememberCompleted` completed bundles are remembered (by camera and bundle id), so a
 *   late duplicate (MQTT QoS 1 redelivery) yields `duplicate` instead of a new partial bundle.
 *   Chunks arriving after their bundle was evicted or expired start a new partial bundle.
 *
 * ES5-safe: arrays scanned linearly (maxBundles is small), no Map.
 */
import { isIntIn, readU32 } from './bytes.js';
import { decodeChunk } from './chunk.js';
import { crc32 } from './crc32.js';
import type { ProtocolErrorCode } from './errors.js';

export interface ReassemblerOptions {
  /** Partial bundles held at once, 1-4096. */
  maxBundles?: number;
  /** Bytes retained by partial bundles, 1 KiB - 1 GiB. */
  maxBytes?: number;
  /** A partial bundle with no new chunk for this long is dropped by expire(), ms, >= 1. */
  timeoutMs?: number;
  /** Completed bundle ids remembered to recognise late duplicates, 0-65536. */
  rememberCompleted?: number;
  /** Partial bundles one camera may hold at once, 1-4096. */
  maxPerCamera?: number;
}

/** Defaults, with units; each may be overridden in the constructor's options. */
export const REASSEMBLER_DEFAULTS = {
  maxBundles: 32, // partial bundles at once: a few per camera for a home with ~10 cameras
  maxBytes: 8388608, // 8 MiB: > 20 bundles of the maximum size (384 KiB)
  timeoutMs: 60000, // 1 minute: a board publishes a bundle in seconds; QoS 1 retries fit well within
  rememberCompleted: 256, // ids, ~100 bytes each
  maxPerCamera: 4, // a board sends one bundle at a time; 4 covers a retry overlapping the next snapshot
};

/** Why push() rejected a chunk: a chunk decode error, or reassembly-level trouble. */
export type ReassemblyErrorCode = ProtocolErrorCode | 'inconsistent';

export interface ReassemblyError {
  /**
   * A decodeChunk code; or `inconsistent` (the chunk disagrees with earlier chunks of its
   * bundle), `too-large` (the bundle alone exceeds maxBytes), `bad-crc` (the reassembled bytes
   * do not match the bundle CRC the chunks carry; the bundle is dropped).
   */
  code: ReassemblyErrorCode;
  message: string;
}

/** A bundle given up on: reported by expire() (`timeout`) or by push() (`evicted`). */
export interface IncompleteBundle {
  cameraId: string;
  bundleId: string;
  reason: 'timeout' | 'evicted';
  /** Distinct chunks received, of total. */
  received: number;
  total: number;
  bundleLength: number;
  /** Times (as passed to push) of its first and latest new chunk. */
  firstMs: number;
  lastMs: number;
}

export type PushResult =
  | { kind: 'complete'; cameraId: string; bundleId: string; bytes: Uint8Array }
  | { kind: 'partial'; cameraId: string; bundleId: string; received: number; total: number; evicted: IncompleteBundle[] }
  | { kind: 'duplicate'; cameraId: string; bundleId: string }
  | { kind: 'error'; error: ReassemblyError; cameraId?: string; bundleId?: string };

interface PartialBundle {
  key: string;
  cameraId: string;
  bundleId: string;
  total: number;
  stride: number;
  bundleLength: number;
  bundleCrc: number;
  buffer: Uint8Array;
  have: Uint8Array;
  received: number;
  firstMs: number;
  lastMs: number;
}

function optionOr(v: number | undefined, dflt: number, lo: number, hi: number, name: string): number {
  const x = v === undefined ? dflt : v;
  if (!isIntIn(x, lo, hi)) throw new RangeError('Reassembler: ' + name + ' ' + x + ', expected ' + lo + '-' + hi);
  return x;
}

function report(p: PartialBundle, reason: 'timeout' | 'evicted'): IncompleteBundle {
  return {
    cameraId: p.cameraId, bundleId: p.bundleId, reason: reason, received: p.received, total: p.total,
    bundleLength: p.bundleLength, firstMs: p.firstMs, lastMs: p.lastMs,
  };
}

function errorResult(code: ReassemblyErrorCode, message: string, cameraId: string, bundleId: string): PushResult {
  return { kind: 'error', error: { code: code, message: message }, cameraId: cameraId, bundleId: bundleId };
}

/**
 * @example
 * const r = new Reassembler({ maxBytes: 16 << 20 });
 * const res = r.push(message, Date.now());
 * if (res.kind === 'complete') handle(decodeBundle(res.bytes));
 * setInterval(() => r.expire(Date.now()).forEach(reportIncomplete), 5000);
 */
export class Reassembler {
  readonly maxBundles: number;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  private readonly partials: PartialBundle[] = [];
  private retained = 0;
  private readonly recent: string[] = [];
  private recentNext = 0;
  private readonly rememberCompleted: number;
  readonly maxPerCamera: number;

  constructor(options?: ReassemblerOptions) {
    const o = options || {};
    this.maxBundles = optionOr(o.maxBundles, REASSEMBLER_DEFAULTS.maxBundles, 1, 4096, 'maxBundles');
    this.maxBytes = optionOr(o.maxBytes, REASSEMBLER_DEFAULTS.maxBytes, 1024, 1073741824, 'maxBytes');
    this.timeoutMs = optionOr(o.timeoutMs, REASSEMBLER_DEFAULTS.timeoutMs, 1, 9007199254740991, 'timeoutMs');
    this.rememberCompleted = optionOr(o.rememberCompleted, REASSEMBLER_DEFAULTS.rememberCompleted, 0, 65536, 'rememberCompleted');
    this.maxPerCamera = optionOr(o.maxPerCamera, REASSEMBLER_DEFAULTS.maxPerCamera, 1, 4096, 'maxPerCamera');
  }

  /** Bytes currently held by partial bundles (always <= maxBytes). */
  retainedBytes(): number {
    return this.retained;
  }

  /** Number of partial bundles held. */
  pendingCount(): number {
    return this.partials.length;
  }

  /**
   * Take one chunk (the raw MQTT payload) received at `nowMs`. Never throws.
   * `complete` hands over the reassembled bundle bytes (CRC-checked against the chunks' bundle
   * CRC; still run decodeBundle on them, and check cameraId against the topic).
   */
  push(chunkBytes: Uint8Array, nowMs: number): PushResult {
    const d = decodeChunk(chunkBytes);
    if (!d.ok) return { kind: 'error', error: d.error };
    const c = d.chunk;
    const key = c.cameraId + '/' + c.bundleId; // '/' cannot occur in either id
    if (this.wasCompleted(key)) return { kind: 'duplicate', cameraId: c.cameraId, bundleId: c.bundleId };
    let p = this.find(key);
    let evicted: IncompleteBundle[] = [];
    if (p === null) {
      const cost = c.bundleLength + c.total;
      if (cost > this.maxBytes) {
        return errorResult('too-large', 'bundle of ' + c.bundleLength + ' bytes exceeds the reassembly budget of ' + this.maxBytes, c.cameraId, c.bundleId);
      }
      if (c.total === 1) return this.finish(c.cameraId, c.bundleId, key, c.payload.subarray(0), c.bundleCrc, true);
      evicted = this.makeRoom(cost, c.cameraId);
      p = {
        key: key, cameraId: c.cameraId, bundleId: c.bundleId, total: c.total, stride: c.stride,
        bundleLength: c.bundleLength, bundleCrc: c.bundleCrc, buffer: new Uint8Array(c.bundleLength),
        have: new Uint8Array(c.total), received: 0, firstMs: nowMs, lastMs: nowMs,
      };
      this.partials.push(p);
      this.retained += cost;
    } else if (p.total !== c.total || p.stride !== c.stride || p.bundleLength !== c.bundleLength || p.bundleCrc !== c.bundleCrc) {
      return errorResult('inconsistent', 'chunk ' + c.index + ' disagrees with earlier chunks (total, stride, length or bundle CRC)', c.cameraId, c.bundleId);
    }
    const offset = c.index * p.stride;
    if (p.have[c.index]) {
      for (let i = 0; i < c.payload.length; i++) {
        if (p.buffer[offset + i] !== c.payload[i]) {
          return errorResult('inconsistent', 'chunk ' + c.index + ' received twice with different bytes', c.cameraId, c.bundleId);
        }
      }
      return { kind: 'duplicate', cameraId: c.cameraId, bundleId: c.bundleId };
    }
    p.buffer.set(c.payload, offset);
    p.have[c.index] = 1;
    p.received++;
    p.lastMs = nowMs;
    if (p.received === p.total) {
      this.remove(p);
      return this.finish(p.cameraId, p.bundleId, key, p.buffer, p.bundleCrc, false);
    }
    return { kind: 'partial', cameraId: c.cameraId, bundleId: c.bundleId, received: p.received, total: p.total, evicted: evicted };
  }

  /** Drop and report the partial bundles that got no new chunk for timeoutMs or more. */
  expire(nowMs: number): IncompleteBundle[] {
    const out: IncompleteBundle[] = [];
    for (let i = 0; i < this.partials.length; ) {
      const p = this.partials[i];
      if (nowMs - p.lastMs >= this.timeoutMs) {
        out.push(report(p, 'timeout'));
        this.remove(p);
      } else {
        i++;
      }
    }
    return out;
  }

  private finish(cameraId: string, bundleId: string, key: string, bytes: Uint8Array, bundleCrc: number, copy: boolean): PushResult {
    const n = bytes.length;
    if (readU32(bytes, n - 4) !== bundleCrc || crc32(bytes, 0, n - 4) !== bundleCrc) {
      return errorResult('bad-crc', 'reassembled bytes do not match the bundle CRC32 the chunks carry', cameraId, bundleId);
    }
    let owned = bytes;
    if (copy) {
      owned = new Uint8Array(bytes.length); // the payload is a view into the caller's message
      owned.set(bytes);
    }
    if (this.rememberCompleted > 0) {
      this.recent[this.recentNext] = key;
      this.recentNext = (this.recentNext + 1) % this.rememberCompleted;
    }
    return { kind: 'complete', cameraId: cameraId, bundleId: bundleId, bytes: owned };
  }

  private wasCompleted(key: string): boolean {
    for (let i = 0; i < this.recent.length; i++) if (this.recent[i] === key) return true;
    return false;
  }

  private find(key: string): PartialBundle | null {
    for (let i = 0; i < this.partials.length; i++) if (this.partials[i].key === key) return this.partials[i];
    return null;
  }

  private remove(p: PartialBundle): void {
    for (let i = 0; i < this.partials.length; i++) {
      if (this.partials[i] === p) {
        this.partials.splice(i, 1);
        this.retained -= p.bundleLength + p.total;
        return;
      }
    }
  }

  private countOf(cameraId: string): number {
    let n = 0;
    for (let i = 0; i < this.partials.length; i++) if (this.partials[i].cameraId === cameraId) n++;
    return n;
  }

  /**
   * Evict until `cost` more bytes and one more bundle of `cameraId` fit: first that camera's own
   * least recently fed bundles beyond its quota, then, for the global limits, the least recently
   * fed bundle of whichever camera holds the most.
   */
  private makeRoom(cost: number, cameraId: string): IncompleteBundle[] {
    const evicted: IncompleteBundle[] = [];
    while (this.countOf(cameraId) >= this.maxPerCamera) {
      let oldest: PartialBundle | null = null;
      for (let i = 0; i < this.partials.length; i++) {
        const p = this.partials[i];
        if (p.cameraId === cameraId && (oldest === null || p.lastMs < oldest.lastMs)) oldest = p;
      }
      if (oldest === null) break;
      evicted.push(report(oldest, 'evicted'));
      this.remove(oldest);
    }
    while (this.partials.length > 0 && (this.partials.length >= this.maxBundles || this.retained + cost > this.maxBytes)) {
      let victim = this.partials[0];
      let victimCount = this.countOf(victim.cameraId);
      for (let i = 1; i < this.partials.length; i++) {
        const p = this.partials[i];
        const n = p.cameraId === victim.cameraId ? victimCount : this.countOf(p.cameraId);
        if (n > victimCount || (n === victimCount && p.lastMs < victim.lastMs)) {
          victim = p;
          victimCount = n;
        }
      }
      evicted.push(report(victim, 'evicted'));
      this.remove(victim);
    }
    return evicted;
  }
}
