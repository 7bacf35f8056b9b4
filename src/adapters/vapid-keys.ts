/**
 * The home's VAPID key pair (RFC 8292) for Web Push: made once with web-push's generator and kept
 * in `<dataDir>/vapid.json` (mode 0600, written with 'wx' so two processes starting at once agree).
 * The public key goes to the browsers (PushManager.subscribe); the private key signs each push.
 * A new key pair would orphan every subscription, so a malformed file is an error, never replaced.
 */
import { join } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';
import { createSecretFile, readSecretFile } from './secret-file.js';

export const VAPID_FILE = 'vapid.json';

export interface VapidKeys {
  /** base64url, uncompressed P-256 point (65 bytes). */
  publicKey: string;
  /** base64url, 32 bytes. */
  privateKey: string;
}

const schema = z.object({ version: z.literal(1), publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/), privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }).strict();

function read(file: string): VapidKeys | null {
  const f = readSecretFile(file, schema);
  return f && { publicKey: f.publicKey, privateKey: f.privateKey };
}

/** @example const { publicKey } = loadOrCreateVapidKeys(config.dataDir); */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const file = join(dataDir, VAPID_FILE);
  const existing = read(file);
  if (existing) return existing;
  createSecretFile(file, { version: 1, ...webpush.generateVAPIDKeys() });
  return read(file)!;
}
