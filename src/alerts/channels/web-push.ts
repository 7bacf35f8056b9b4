/**
 * Web Push to the owner's browsers and phones: the payload is encrypted for each subscription
 * (RFC 8291, aes128gcm) and signed with the home's VAPID key (RFC 8292), both by the `web-push`
 * package (generateRequestDetails); the request goes out with fetch, so the push service sees only
 * ciphertext, its size and its timing. A subscription the push service says is gone (404, 410) is
 * forgotten. The payload (< 4 KB) is the alert message without boxes; the notification opens the
 * owner's alerts page.
 */
import webpush from 'web-push';
import type { VapidKeys } from '../../adapters/vapid-keys.js';
import type { AlertChannel, Delivery } from '../message.js';
import type { NoticeDelivery } from '../notice.js';
import type { PushSubscriptionRecord } from '../ports.js';
import { MAX_PUSH_SUBSCRIPTIONS, pushEndpointOk } from '../urls.js';

export { pushEndpointOk };

export const WEB_PUSH_DEFAULTS = {
  ttlS: 600, // a push older than 10 minutes is stale news: the push service may drop it
  timeoutMs: 10000, // per request
  maxSubscriptions: MAX_PUSH_SUBSCRIPTIONS,
};

export interface WebPushOptions {
  vapid: VapidKeys;
  /** `mailto:` or `https:` contact the push services may use (RFC 8292). */
  subject: string;
  /** Forget a subscription (404/410 from its push service). */
  forget: (ownerId: string, endpoint: string) => void;
  ttlS?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}


/** @example webPushChannel({ vapid: loadOrCreateVapidKeys(dir), subject: 'mailto:me@example.org', forget }) */
export function webPushChannel(o: WebPushOptions): AlertChannel {
  const doFetch = o.fetch ?? fetch;

  async function pushOne(s: PushSubscriptionRecord, payload: string, ownerId: string): Promise<boolean> {
    if (!pushEndpointOk(s.endpoint)) return false;
    const req = webpush.generateRequestDetails({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, {
      vapidDetails: { subject: o.subject, publicKey: o.vapid.publicKey, privateKey: o.vapid.privateKey },
      TTL: o.ttlS ?? WEB_PUSH_DEFAULTS.ttlS, contentEncoding: 'aes128gcm', urgency: 'high',
    });
    const res = await doFetch(req.endpoint, {
      method: 'POST', headers: req.headers as Record<string, string>, body: req.body, redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs ?? WEB_PUSH_DEFAULTS.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 404 || res.status === 410) o.forget(ownerId, s.endpoint);
    return res.status >= 200 && res.status < 300;
  }

  async function deliver(d: Delivery): Promise<string> {
    const { boxes: _boxes, ...rest } = d.message;
    return pushAll(d.ownerId, d.pushSubscriptions(), JSON.stringify({ ...rest, title: `Person at ${d.message.cameraName}` }));
  }

  /** A notice (consent reminder): its own title; the notification opens its page (the camera's). */
  const notify = (d: NoticeDelivery) => pushAll(d.ownerId, d.pushSubscriptions(), JSON.stringify(d.message));

  async function pushAll(ownerId: string, subs: PushSubscriptionRecord[], payload: string): Promise<string> {
    if (!subs.length) throw new Error('no browser subscribed');
    const results = await Promise.allSettled(subs.map((s) => pushOne(s, payload, ownerId)));
    const ok = results.filter((r) => r.status === 'fulfilled' && r.value).length;
    if (!ok) {
      const err = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      throw new Error(err ? String((err.reason as Error)?.message ?? err.reason) : 'refused by the push service');
    }
    return ok === subs.length ? 'sent' : `sent to ${ok} of ${subs.length}`;
  }

  return { name: 'webpush', wanted: (c) => c.webPush, deliver, notify };
}
