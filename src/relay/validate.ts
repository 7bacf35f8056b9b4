/**
 * Stage 3, validate: reassembled bytes in, an outbox entry or a rejection out. Decodes the bundle
 * (format, CRC, every size against the protocol's limits), checks it is the bundle its chunks
 * announced, that it carries a raw view, that its MAC is the one the camera's secret makes
 * (proof of origin: 'bad-mac' otherwise, also when the registry holds no secret for it), and that
 * the owner's consent is in force for at least one of the purposes it asks for (consent.ts).
 * Synchronous: it runs before the MQTT ack, so a refused bundle is never stored.
 */
import { decodeBundle, hexToBytes, macKey, SECRET_BYTES, verifyBundleMac, type Bundle } from '../protocol/index.js';
import { purposesInForce } from './consent.js';
import type { CameraRegistry, NewOutboxEntry } from './types.js';

export type ValidateResult =
  | { ok: true; entry: NewOutboxEntry; bundle: Bundle }
  | { ok: false; reason: string; detail: string };

export interface ValidateInput {
  /** Camera and bundle ids the chunks announced. */
  cameraId: string;
  bundleId: string;
  bytes: Uint8Array;
  firstChunkMs: number;
  nowMs: number;
}

/**
 * @example const v = validate({ cameraId, bundleId, bytes, firstChunkMs, nowMs: Date.now() }, registry);
 * if (v.ok) store.accept(v.entry); else metrics.reject(cameraId, v.reason);
 */
export function validate(input: ValidateInput, registry: CameraRegistry): ValidateResult {
  const d = decodeBundle(input.bytes);
  if (!d.ok) return { ok: false, reason: `bundle-${d.error.code}`, detail: d.error.message };
  const b = d.bundle;
  if (b.cameraId !== input.cameraId || b.bundleId !== input.bundleId) {
    return { ok: false, reason: 'bundle-id-mismatch', detail: `chunks announced ${input.cameraId}/${input.bundleId}, bundle says ${b.cameraId}/${b.bundleId}` };
  }
  if (b.rawView.jpeg.length === 0) return { ok: false, reason: 'no-raw-view', detail: `bundle ${b.bundleId} has no raw view (image 1)` };
  const camera = registry.get(b.cameraId);
  if (camera) {
    const secret = hexToBytes(camera.secret, SECRET_BYTES);
    if (!secret) return { ok: false, reason: 'bad-mac', detail: `bundle ${b.bundleId}: no MAC secret on record for camera ${b.cameraId}` };
    if (!verifyBundleMac(input.bytes, macKey(secret))) return { ok: false, reason: 'bad-mac', detail: `bundle ${b.bundleId}: MAC does not match camera ${b.cameraId}'s secret` };
  }
  const consent = purposesInForce(camera, b.purposes, input.nowMs);
  if (!consent.ok) return { ok: false, reason: consent.reason, detail: `bundle ${b.bundleId}: ${consent.detail}` };
  return {
    ok: true,
    bundle: b,
    entry: {
      cameraId: b.cameraId,
      bundleId: b.bundleId,
      ownerId: camera!.ownerId,
      bytes: input.bytes,
      captureTimeMs: b.captureTimeMs,
      purposes: consent.purposes,
      consentVersion: consent.consentVersion,
      firstChunkMs: input.firstChunkMs,
      acceptedMs: input.nowMs,
    },
  };
}
