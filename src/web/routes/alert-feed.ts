/**
 * Smart alerts as they arrive (`/alerts`): the newest alerts, a live feed (server-sent events,
 * `/alerts/feed`, polling the alert log every second), each alert's image (only for its owner,
 * read from the path the relay recorded, never from the request), and the Web Push subscription
 * endpoint the button posts to. The event history with filters and deletion: ./alert-history.ts.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_PUSH_SUBSCRIPTIONS, pushEndpointOk } from '../../alerts/urls.js';
import type { SentAlert } from '../../alerts/ports.js';
import { ALERTS_JS, ALERTS_SW_JS } from '../alerts-client.js';
import { HttpError, requireAccount, sendPage, type WebContext } from '../context.js';
import { html, page } from '../html.js';
import { parse } from '../input.js';
import { CSP_WITH_OWN_SCRIPTS } from '../security.js';
import { takeFlash } from '../session.js';
import { formatTime } from '../time.js';

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

const names = (ctx: WebContext, ownerId: string) => new Map(ctx.ports.cameras.listByOwner(ownerId).map((c) => [c.cameraId, c.name]));
/** One feed item as the page's script shows it; `at` is the time in the owner's zone. */
const item = (a: SentAlert, name: Map<string, string>, tz: string) => ({
  seq: a.seq, camera: a.cameraId, cameraName: name.get(a.cameraId) ?? a.cameraId, atMs: a.atMs, at: formatTime(a.atMs, tz), score: a.score, deliveries: a.deliveries,
});

const script = (js: string) => async (_req: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(js);

async function feedPage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const name = names(ctx, a.id);
  const latest = ctx.ports.alerts.latest(a.id, FEED.batch);
  const rows = latest.map((s) => html`<li class="alert-item" data-seq="${s.seq}"><img src="/alerts/${s.seq}/image" alt="person at ${name.get(s.cameraId) ?? s.cameraId}">
 ${formatTime(s.atMs, a.timeZone)}, ${name.get(s.cameraId) ?? s.cameraId}, score ${s.score.toFixed(2)}
 <small>${Object.entries(s.deliveries).map(([k, v]) => `${k}: ${v}`).join('; ') || 'no channel'}</small></li>`);
  const body = html`<p>People your cameras saw, newest first; new ones appear here as they come. <a href="/alerts/history">Event history</a> · <a href="/alerts/settings">Settings</a></p>
<ol id="alert-list" class="thumbs" data-after="${latest[0]?.seq ?? 0}">${rows}</ol>${latest.length ? '' : html`<p id="no-alerts">No alerts in the last 7 days.</p>`}
<script src="/static/alerts.js" defer></script>`;
  reply.header('content-security-policy', CSP_WITH_OWN_SCRIPTS);
  return sendPage(reply, page({ title: 'Smart alerts', body, user: a.username, csrf: req.session!.csrf, flash: takeFlash(ctx, req) }));
}

async function feedStream(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const { ports } = ctx;
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
      const name = names(ctx, a.id);
      for (const x of fresh) res.write(`id: ${x.seq}\ndata: ${JSON.stringify(item(x, name, a.timeZone))}\n\n`);
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
}

async function alertImage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const { seq } = parse(z.object({ seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }), req.params);
  const s = ctx.ports.alerts.get(a.id, seq);
  if (!s) throw new HttpError(404, 'No such alert.');
  let body: Buffer;
  try {
    body = await readFile(s.imagePath);
  } catch {
    throw new HttpError(404, 'This alert\'s image was deleted (event history is kept 7 days).');
  }
  return reply.header('cache-control', 'private, no-store').type('image/jpeg').send(body);
}

async function addPush(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const sub = parse(subscription, req.body);
  ctx.ports.alerts.addPushSubscription(a.id, { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, createdMs: ctx.ports.clock() }, MAX_PUSH_SUBSCRIPTIONS);
  return reply.code(204).send();
}

async function removePush(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const { endpoint } = parse(z.object({ endpoint: z.string().max(1000) }).strict(), req.body);
  ctx.ports.alerts.removePushSubscription(a.id, endpoint);
  return reply.code(204).send();
}

export function registerAlertFeed(app: FastifyInstance, ctx: WebContext): void {
  app.get('/static/alerts.js', script(ALERTS_JS));
  app.get('/alerts-sw.js', script(ALERTS_SW_JS));
  app.get('/alerts', (req, reply) => feedPage(ctx, req, reply));
  app.get('/alerts/feed', (req, reply) => feedStream(ctx, req, reply));
  app.get('/alerts/:seq/image', (req, reply) => alertImage(ctx, req, reply));
  app.post('/alerts/push', (req, reply) => addPush(ctx, req, reply));
  app.post('/alerts/push/remove', (req, reply) => removePush(ctx, req, reply));
}
