/**
 * The home's VAPID key pair (RFC 8292) for Web Push: made once with web-push's generator and kept
 * in `<dataDir>/vapid.json` (mode 0600, written with 'wx' so two processes starting at once agree).
 * The public key goes to the browsers (PushManager.subscribe); the private key signs each push.
 * A new key pair would orphan every subscription, so a malformed file is an error, never replaced.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';

export const VAPID_FILE = 'vapid.json';

export interface VapidKeys {
  /** base64url, uncompressed P-256 point (65 bytes). */
  publicKey: string;
  /** base64url, 32 bytes. */
  privateKey: string;
}

const schema = z.object({ version: z.literal(1), publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/), privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }).strict();

function read(file: string): VapidKeys | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const r = schema.safeParse(JSON.parse(text));
  if (!r.success) throw new Error(`${file}: ${z.prettifyError(r.error)}`);
  return { publicKey: r.data.publicKey, privateKey: r.data.privateKey };
}

/** @example const { publicKey } = loadOrCreateVapidKeys(config.dataDir); */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const file = join(dataDir, VAPID_FILE);
  const existing = read(file);
  if (existing) return existing;
  mkdirSync(dirname(file), { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  try {
    writeFileSync(file, JSON.stringify({ version: 1, ...keys }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return read(file)!;
}
