/**
 * The account's webhook: one signed JSON POST per alert (webhook-signature.ts), retried with
 * exponential back-off on a network error, a timeout, 429 or 5xx; any other answer is final.
 * Each attempt is signed afresh (a retry an hour later still falls in the receiver's window).
 * Redirects are not followed. At most WEBHOOK_DEFAULTS.maxInFlight deliveries wait at once.
 */
import { randomUUID } from 'node:crypto';
import type { AlertChannel, Delivery } from '../message.js';
import type { NoticeDelivery } from '../notice.js';
import { webhookUrlOk } from '../urls.js';
import { signWebhook } from '../webhook-signature.js';

export { webhookUrlOk };

export const WEBHOOK_DEFAULTS = {
  attempts: 5, // first try + 4 retries: 1 + 2 + 4 + 8 s with the default base, ~15 s of trying
  baseDelayMs: 1000, // doubles per failed attempt
  maxDelayMs: 60000, // cap of one wait
  timeoutMs: 5000, // per attempt: a receiver on the LAN or the internet answers well within
  maxInFlight: 64, // deliveries waiting or retrying at once; past that an alert's webhook fails at once ('busy')
};

export type WebhookOptions = Partial<typeof WEBHOOK_DEFAULTS> & { fetch?: typeof fetch; clock?: () => number };


const retryable = (status: number) => status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** @example const ch = webhookChannel({ baseDelayMs: 50 }); */
export function webhookChannel(o: WebhookOptions = {}): AlertChannel {
  const c = { ...WEBHOOK_DEFAULTS, ...o };
  const doFetch = o.fetch ?? fetch;
  const clock = o.clock ?? Date.now;
  let inFlight = 0;

  async function attempt(url: string, secret: string, body: string, id: string): Promise<number> {
    const ts = Math.floor(clock() / 1000);
    const res = await doFetch(url, {
      method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(c.timeoutMs), body,
      headers: {
        'content-type': 'application/json', 'user-agent': 'quietcam-alerts/1',
        'x-quietcam-timestamp': String(ts), 'x-quietcam-signature': signWebhook(secret, ts, body), 'x-quietcam-delivery': id,
      },
    });
    await res.arrayBuffer().catch(() => undefined); // drain: frees the connection
    return res.status;
  }

  /** One signed JSON POST of `message` (an alert or a notice), with retries. */
  async function post(channels: Delivery['channels'], message: object): Promise<string> {
    const { webhookUrl: url, webhookSecret: secret } = channels;
    if (!url || !secret || !webhookUrlOk(url)) throw new Error('no valid webhook URL');
    if (inFlight >= c.maxInFlight) throw new Error('busy: too many webhook deliveries under way');
    inFlight++;
    try {
      const body = JSON.stringify(message);
      const id = randomUUID(); // the same on every retry: a receiver can drop duplicates
      let why = '';
      for (let i = 0; i < c.attempts; i++) {
        if (i > 0) await sleep(Math.min(c.maxDelayMs, c.baseDelayMs * 2 ** (i - 1)));
        try {
          const status = await attempt(url, secret, body, id);
          if (status >= 200 && status < 300) return i ? `sent (attempt ${i + 1})` : 'sent';
          why = `HTTP ${status}`;
          if (!retryable(status)) break;
        } catch (err) {
          why = (err as Error).name === 'TimeoutError' ? 'timed out' : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
        }
      }
      throw new Error(why);
    } finally {
      inFlight--;
    }
  }

  const deliver = (d: Delivery) => post(d.channels, d.message);
  const notify = (d: NoticeDelivery) => post(d.channels, d.message);
  return { name: 'webhook', wanted: (ch) => !!ch.webhookUrl && !!ch.webhookSecret, deliver, notify };
}
