/**
 * TOTP (RFC 6238) with otplib 13 (async API): 6 digits, 30 s steps, SHA-1, the form every
 * authenticator app reads. The clock is injected; a code is accepted once (the step must be newer
 * than the last accepted one).
 */
import { generate, generateSecret, generateURI, verify } from 'otplib';

export { generateSecret };

/** otpauth:// URI for an authenticator app (shown as text: no secrets in page URLs or logs). */
export function totpUri(issuer: string, username: string, secret: string): string {
  return generateURI({ issuer, label: username, secret });
}

/** The current code (tests, and the demo). */
export function totpCode(secret: string, nowMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(nowMs / 1000) });
}

/**
 * Check a code. Returns the matched time step, or null (wrong, malformed, or replayed).
 * @example const step = await checkTotp(secret, '123456', Date.now(), lastStep, 30);
 */
export async function checkTotp(secret: string, code: string, nowMs: number, lastStep: number, toleranceS: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const r = await verify({ secret, token: code, epoch: Math.floor(nowMs / 1000), epochTolerance: toleranceS, afterTimeStep: lastStep });
    return r.valid ? (r as { timeStep: number }).timeStep : null;
  } catch {
    return null;
  }
}
