/** Reviewer accounts, made by the operator only (no sign-up): a random password and a TOTP secret, shown once. */
import { hashPassword } from '../web/passwords.js';
import { randomToken } from '../web/tokens.js';
import { generateSecret, totpUri } from '../web/totp.js';
import type { ReviewStore } from './ports.js';

export const REVIEWER_NAME = /^[a-z0-9._-]{3,40}$/;

/** The new reviewer's name, password and TOTP secret (to hand over once), or why not. */
export async function addReviewer(store: ReviewStore, rawName: string, nowMs: number, scryptLogN = 15): Promise<{ name: string; password: string; totpSecret: string; uri: string } | string> {
  const name = rawName.trim().toLowerCase();
  if (!REVIEWER_NAME.test(name)) return 'a reviewer name is 3-40 of a-z 0-9 . _ -';
  const password = randomToken(15); // 120 bits, 20 characters
  const totpSecret = generateSecret();
  const r = store.addReviewer({ name, passwordHash: await hashPassword(password, scryptLogN), totpSecret, createdMs: nowMs });
  if (r === 'taken') return `reviewer '${name}' exists`;
  return { name, password, totpSecret, uri: totpUri('quietcam review', name, totpSecret) };
}
