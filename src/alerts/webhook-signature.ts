/**
 * The webhook signature (documented in src/alerts/channels/README.md for the receiving side):
 *   X-Quietcam-Timestamp: <unix seconds>
 *   X-Quietcam-Signature: v1=<hex HMAC-SHA256(key = the account's webhook secret as UTF-8, message = timestamp + "." + body)>
 * A receiver recomputes it over the raw body, compares in constant time, and refuses a timestamp
 * more than 5 minutes from its clock (and, to be strict, an X-Quietcam-Delivery id it has seen).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const REPLAY_WINDOW_S = 300; // 5 minutes: clocks of a home server and a receiver drift by seconds, not minutes

export function signWebhook(secret: string, timestampS: number, body: string): string {
  return 'v1=' + createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestampS}.${body}`).digest('hex');
}

/**
 * Check a delivery as a receiver would.
 * @example verifyWebhook(secret, req.headers['x-quietcam-timestamp'], req.headers['x-quietcam-signature'], rawBody, Date.now())
 */
export function verifyWebhook(secret: string, timestamp: string | undefined, signature: string | undefined, body: string, nowMs: number): 'ok' | 'bad-signature' | 'stale' {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return 'bad-signature';
  const want = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const got = Buffer.from(signature);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad-signature';
  return Math.abs(nowMs / 1000 - Number(timestamp)) > REPLAY_WINDOW_S ? 'stale' : 'ok';
}
