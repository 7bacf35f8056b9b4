/**
 * The JSON objects of the home-operator contract (keys.ts says where each lives), checked with
 * zod on every read: a record that does not parse counts as absent, and an absent consent record
 * is no consent (the shared rule's 'no-consent').
 */
import { z } from 'zod';
import type { ConsentTerms } from '../protocol/consent.js';

const id = z.string().regex(/^[a-z0-9._-]{1,64}$/);
const ms = z.number().int().min(0);

/** One camera's consent as the home decided it; rewritten at every decision (newest wins). */
export const consentRecordSchema = z.object({
  v: z.literal(1),
  ownerId: id,
  cameraId: id,
  /** PURPOSE_* bits (motion 1, objectron 2). */
  purposes: z.number().int().min(0).max(3),
  placement: z.enum(['exterior', 'interior']),
  interiorConfirmed: z.boolean(),
  grantedMs: ms.nullable(),
  /** -1: never given. */
  expiresMs: z.number().int().min(-1),
  consentVersion: z.number().int().min(0),
  /** When the home wrote this record. */
  writtenMs: ms,
});
export type OperatorConsent = z.infer<typeof consentRecordSchema>;

/** Why a reviewer opened something (the access entry's `why`). */
export const accessEntrySchema = z.object({
  v: z.literal(1),
  ownerId: id,
  cameraId: id,
  bundleId: id,
  object: z.string().max(64),
  viewer: z.string().max(64),
  viewerRole: z.literal('reviewer'),
  why: z.string().max(200),
  atMs: ms,
});
export type OperatorAccessEntry = z.infer<typeof accessEntrySchema>;

/** The one-word reasons a reviewer can give for a flag, as the owner reads them. */
export const FLAG_REASONS = ['intimate', 'indoors', 'child', 'private', 'other'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

/** A flagged and deleted contribution: the owner's notice and the relay's tombstone. No reviewer name, no image. */
export const flagRecordSchema = z.object({
  v: z.literal(1),
  ownerId: id,
  cameraId: id,
  bundleId: id,
  reason: z.enum(FLAG_REASONS),
  captureTimeMs: ms.nullable(),
  atMs: ms,
});
export type FlagRecord = z.infer<typeof flagRecordSchema>;

/** "Your contributions so far": what the console counted for one owner. */
export const statsSchema = z.object({
  v: z.literal(1),
  ownerId: id,
  /** Contributions given for ObjecTron that a reviewer answered (boxes or "no objects"). */
  annotated: z.number().int().min(0),
  /** Boxes accepted in those answers. */
  boxes: z.number().int().min(0),
  flagged: z.number().int().min(0),
  updatedMs: ms,
});
export type OwnerStats = z.infer<typeof statsSchema>;

/** The consent record as the shared rule reads it (src/protocol/consent.ts). */
export function recordTerms(r: OperatorConsent | null): ConsentTerms | null {
  if (!r) return null;
  return { purposes: r.purposes, placement: r.placement, interiorConfirmed: r.interiorConfirmed, expiresMs: r.expiresMs, grantedMs: r.grantedMs, version: r.consentVersion };
}

const dec = new TextDecoder();
const enc = new TextEncoder();

/** Parse `bytes` with `schema`; null when absent, not JSON, or not the shape. */
export function parseRecord<T extends z.ZodType>(schema: T, bytes: Uint8Array | null | undefined): z.infer<T> | null {
  if (!bytes) return null;
  try {
    const r = schema.safeParse(JSON.parse(dec.decode(bytes)));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export const recordBytes = (value: unknown) => enc.encode(JSON.stringify(value));
