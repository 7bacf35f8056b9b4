/**
 * Consent as the owner pages manage it: record a decision (CameraDirectory.setConsent puts it in
 * force for the relay), push it to the camera as the retained config, and say where it stands
 * (active, reminder due, expired). The relay checks the same record before accepting and again
 * before uploading (src/relay/consent.ts purposesInForce); the board checks its copy.
 */
import { CONSENT_ON, PURPOSES_ALL, consentStatus, type ConsentTerms } from '../protocol/consent.js';
import { asciiToBytes, encodeConfig, encodeConfigText } from '../protocol/consent-config.js';
import { hexToBytes, macKey, SECRET_BYTES } from '../protocol/mac.js';
import type { WebConfig } from './config.js';
import { CONSENT_TEXT_VERSION } from './consent-text.js';
import type { ConsentRecord, WebCamera, WebPorts } from './ports.js';

export type ConsentState =
  | { kind: 'off' }
  | { kind: 'interior-unconfirmed' }
  | { kind: 'active'; daysLeft: number; remind: boolean }
  | { kind: 'expired'; sinceMs: number };

const DAY = 86400000;

/** The camera as the shared consent rule reads it (src/protocol/consent.ts). */
export function cameraTerms(cam: WebCamera): ConsentTerms {
  const c = cam.consent;
  return {
    purposes: c ? c.purposes : 0, placement: cam.placement, interiorConfirmed: cam.interiorConfirmed,
    expiresMs: c ? c.expiresMs : -1, grantedMs: c ? c.grantedMs : null, version: c ? c.version : 0,
  };
}

/** Where a camera's consent stands at `nowMs`: the shared rule's answer, in the pages' words. */
export function consentState(cam: WebCamera, nowMs: number, remindMs: number): ConsentState {
  const status = consentStatus(cameraTerms(cam), nowMs);
  if (status === 'interior-unconfirmed') return { kind: 'interior-unconfirmed' };
  if (status === 'expired') return { kind: 'expired', sinceMs: cam.consent!.expiresMs };
  if (status !== CONSENT_ON) return { kind: 'off' };
  const left = cam.consent!.expiresMs - nowMs;
  return { kind: 'active', daysLeft: Math.ceil(left / DAY), remind: left <= remindMs };
}

/**
 * The retained config payload for the board (src/protocol/consent-config.ts), signed with the
 * camera's secret; its counter is the consent version, which grows with every decision. E.g.
 * {"v":2,"purposes":"motion","placement":"exterior","interiorConfirmed":false,"grantedMs":...,"expiresMs":...,"consentVersion":3,"mac":"..."}
 * A camera with no secret on record gets the text unsigned: the board ignores it (the relay
 * enforces the consent either way).
 */
export function configPayload(cam: WebCamera): Uint8Array {
  const terms = cameraTerms(cam);
  const secret = hexToBytes(cam.secret, SECRET_BYTES);
  return asciiToBytes(secret ? encodeConfig(terms, cam.cameraId, macKey(secret)) : encodeConfigText(terms));
}

export interface PushResult {
  /** The broker confirmed the retained config; false = the relay still enforces, the board learns later. */
  pushed: boolean;
  error?: string;
}

/** Publish the camera's config, bounded by `timeoutMs`; never throws. */
export async function pushConfig(ports: WebPorts, cam: WebCamera, timeoutMs: number): Promise<PushResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ports.configPublisher.publish(cam.cameraId, configPayload(cam)),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no confirmation from the broker within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { pushed: true };
  } catch (err) {
    return { pushed: false, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Record a decision for one camera and push it. Interior cameras without confirmation are
 * forced off. Returns the camera as it now is.
 */
export async function decide(ports: WebPorts, config: WebConfig, cam: WebCamera, purposes: number, action: string): Promise<{ camera: WebCamera; push: PushResult; operator: PushResult }> {
  const now = ports.clock();
  // What is recorded is what the owner chose; whether it is in force (interior unconfirmed) is the rule's job.
  const bits = purposes & PURPOSES_ALL;
  const prev = ports.cameras.consentHistory(cam.cameraId)[0];
  const rec: ConsentRecord = {
    cameraId: cam.cameraId,
    ownerId: cam.ownerId,
    purposes: bits,
    version: (prev?.version ?? 0) + 1,
    textVersion: CONSENT_TEXT_VERSION,
    grantedMs: now,
    expiresMs: now + config.consent.validMs,
    action,
  };
  ports.cameras.setConsent(rec);
  const camera = ports.cameras.get(cam.cameraId)!;
  const [push, operator] = await Promise.all([pushConfig(ports, camera, config.publishTimeoutMs), writeOperatorConsent(ports, camera)]);
  return { camera, push, operator };
}

/**
 * The camera's consent record for the review console, in S3 (src/operator/home.ts): the console
 * knows consent only from it. Never throws; a failure is retried by the server's periodic sync
 * (server.ts), and the console meanwhile keeps the last record it could read.
 */
export async function writeOperatorConsent(ports: WebPorts, cam: WebCamera): Promise<PushResult> {
  if (!ports.operator) return { pushed: false, error: 'no operator channel' };
  try {
    await ports.operator.writeConsent(cam);
    return { pushed: true };
  } catch (err) {
    return { pushed: false, error: (err as Error).message };
  }
}
