/**
 * Smart alerts as they arrive (`/alerts`): the newest alerts, a live feed (server-sent events,
 * `/alerts/feed`, polling the alert log every second), each alert's image (only for its owner,
 * read from the path the relay recorded, never from the request), and the Web Push subscription
 * endpoint the button posts to. The event history with filters and deletion is A1's page.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_PUSH_SUBSCRIPTIONS, pushEndpointOk } from '../../alerts/urls.js';
import type { SentAlert } from '../../alerts/ports.js';
import { ALERTS_JS, ALERTS_SW_JS } from '../alerts-client.js';
import { HttpError, requireAccount, sendPage, type WebContext } from '../context.js';
import { html, page } from '../html.js';
import { parse } from '../input.js';
import { CSP_WITH_OWN_SCRIPTS } from '../security.js';
import { takeFlash } from '../session.js';

export const FEED = {
  pollMs: 1000, // the alert log is read once a second per open page: a person at the door shows within ~1 s
  heartbeatMs: 15000, // keeps proxies from closing an idle stream
  maxMs: 600000, // a stream ends after 10 minutes; the browser reconnects (and the session is checked again)
  batch: 50,
};

const b64url = (n: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${n}}$`));
const subscription = z.object({
  endpoint: z.string().max(1000).refine(pushEndpointOk, 'expected an https push endpoint'),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: b64url(87), auth: b64url(22) }).strict(),
}).strict();

export function registerAlertFeed(app: FastifyInstance, ctx: WebContext): void {
  const { ports } = ctx;
  const names = (ownerId: string) => new Map(ports.cameras.listByOwner(ownerId).map((c) => [c.cameraId, c.name]));
  const item = (a: SentAlert, name: Map<string, string>) => ({ seq: a.seq, camera: a.cameraId, cameraName: name.get(a.cameraId) ?? a.cameraId, atMs: a.atMs, score: a.score, deliveries: a.deliveries });

  app.get('/static/alerts.js', async (_req, reply) => reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(ALERTS_JS));
  app.get('/alerts-sw.js', async (_req, reply) => reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(ALERTS_SW_JS));

  app.get('/alerts', async (req, reply) => {
    const a = requireAccount(req);
    const name = names(a.id);
    const latest = ports.alerts.latest(a.id, FEED.batch);
    const rows = latest.map((s) => html`<li class="alert-item" data-seq="${s.seq}"><img src="/alerts/${s.seq}/image" alt="person at ${name.get(s.cameraId) ?? s.cameraId}">
 ${new Date(s.atMs).toISOString().replace('T', ' ').slice(0, 19)} UTC, ${name.get(s.cameraId) ?? s.cameraId}, score ${s.score.toFixed(2)}
 <small>${Object.entries(s.deliveries).map(([k, v]) => `${k}: ${v}`).join('; ') || 'no channel'}</small></li>`);
    const body = html`<p>People your cameras saw, newest first; new ones appear here as they come. <a href="/alerts/settings">Settings</a></p>
<ol id="alert-list" class="thumbs" data-after="${latest[0]?.seq ?? 0}">${rows}</ol>${latest.length ? '' : html`<p id="no-alerts">No alerts in the last 7 days.</p>`}
<script src="/static/alerts.js" defer></script>`;
    reply.header('content-security-policy', CSP_WITH_OWN_SCRIPTS);
    return sendPage(reply, page({ title: 'Smart alerts', body, user: a.username, csrf: req.session!.csrf, flash: takeFlash(ctx, req) }));
  });

  app.get('/alerts/feed', async (req, reply) => {
    const a = requireAccount(req);
    const sessionId = req.session!.id;
    const q = parse(z.object({ after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) }), req.query);
    let last = Math.max(q.after, Number(req.headers['last-event-id']) || 0);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no', 'content-security-policy': "default-src 'none'",
    });
    res.write('retry: 2000\n\n');
    const started = Date.now();
    let beat = Date.now();
    const tick = () => {
      // the session may have ended (sign-out, expiry) since the stream opened
      const s = ports.sessions.get(sessionId);
      if (!s || s.stage !== 'full' || s.expiresMs <= ports.clock() || Date.now() - started > FEED.maxMs) return stop();
      const fresh = ports.alerts.after(a.id, last, FEED.batch);
      if (fresh.length) {
        const name = names(a.id);
        for (const x of fresh) res.write(`id: ${x.seq}\ndata: ${JSON.stringify(item(x, name))}\n\n`);
        last = fresh[fresh.length - 1].seq;
      } else if (Date.now() - beat > FEED.heartbeatMs) {
        res.write(': keep-alive\n\n');
        beat = Date.now();
      }
    };
    const timer = setInterval(tick, FEED.pollMs);
    const stop = () => {
      clearInterval(timer);
      if (!res.writableEnded) res.end();
    };
    req.raw.on('close', stop);
    tick();
  });

  app.get('/alerts/:seq/image', async (req, reply) => {
    const a = requireAccount(req);
    const { seq } = parse(z.object({ seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }), req.params);
    const s = ports.alerts.get(a.id, seq);
    if (!s) throw new HttpError(404, 'No such alert.');
    let body: Buffer;
    try {
      body = await readFile(s.imagePath);
    } catch {
      throw new HttpError(404, 'This alert\'s image was deleted (event history is kept 7 days).');
    }
    return reply.header('cache-control', 'private, no-store').type('image/jpeg').send(body);
  });

  app.post('/alerts/push', async (req, reply) => {
    const a = requireAccount(req);
    const sub = parse(subscription, req.body);
    ports.alerts.addPushSubscription(a.id, { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, createdMs: ports.clock() }, MAX_PUSH_SUBSCRIPTIONS);
    return reply.code(204).send();
  });

  app.post('/alerts/push/remove', async (req, reply) => {
    const a = requireAccount(req);
    const { endpoint } = parse(z.object({ endpoint: z.string().max(1000) }).strict(), req.body);
    ports.alerts.removePushSubscription(a.id, endpoint);
    return reply.code(204).send();
  });
}
