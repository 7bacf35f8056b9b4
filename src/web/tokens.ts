/**
 * Random ids and tokens. Ids that end up in S3 keys and MQTT topics use the protocol alphabet
 * (a-z 0-9); tokens given to browsers are base64url. Only hashes of tokens are stored.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix` + n random characters of a-z 0-9 (~5.2 bits each): 'o' + 15 = 77 bits. */
export function randomId(prefix: string, n: number): string {
  let s = prefix;
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

/** A new owner id: 16 characters, a valid protocol id, unguessable. */
export const newOwnerId = () => randomId('o', 15);
/** A new camera id: `cam-` + 10 characters (52 bits: ids are not secrets, the session decides access). */
export const newCameraId = () => randomId('cam-', 10);

/** `bytes` random bytes as base64url (256 bits by default). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Constant-time string comparison (different lengths compare false). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A recovery code as shown: 4 groups of 4 (a-z 0-9 without look-alikes), ~80 bits. */
export function recoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += alphabet[randomInt(alphabet.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/** The form a recovery code is hashed in: lower case, no spaces or dashes. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}
