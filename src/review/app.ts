/**
 * The review console as a Fastify app (its own process: server.ts, `quietcam review`). Sign-in
 * is name + password + TOTP in one form (all three always checked, one answer for any failure);
 * sessions are random tokens kept hashed in the console's database and re-checked against the
 * reviewer on every request, so `quietcam review revoke NAME` ends them at once. CSRF tokens on
 * every POST; a CSP that allows only this origin's script and images; no S3 link ever reaches
 * the browser: images come through /img, logged first.
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AttemptLimiter } from '../web/limiter.js';
import { dummyHash, verifyPassword } from '../web/passwords.js';
import { hardeningHeaders } from '../web/security.js';
import { randomToken, safeEqual, sha256Hex } from '../web/tokens.js';
import { checkTotp } from '../web/totp.js';
import { annotate, checkBoxes, flag, isFlagReason, lookAt } from './actions.js';
import { ANNOTATE_JS } from './annotate-client.js';
import { buildCoco } from './coco.js';
import { itemPage, layout, loginPage, queuePage, REVIEW_CSS } from './pages.js';
import type { Item, ReviewPorts, ReviewSession, Reviewer } from './ports.js';
import { reviewable, reviewableItem } from './queue.js';
import { html } from '../web/html.js';

export interface ReviewConfig {
  /** 'secure': `__Host-qcr_sid` with Secure (behind a TLS proxy); 'insecure-localhost': plain HTTP demo on loopback. */
  cookies: 'secure' | 'insecure-localhost';
  /** Idle session lifetime, ms (30 minutes). */
  idleMs: number;
  /** scrypt cost of reviewers' passwords (2^15 in production; tests lower it). */
  scryptLogN: number;
}

export const REVIEW_DEFAULTS: ReviewConfig = { cookies: 'secure', idleMs: 30 * 60000, scryptLogN: 15 };

const CSP = ["default-src 'none'", "script-src 'self'", "img-src 'self'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join('; ');
const id = z.string().regex(/^[a-z0-9._-]{1,64}$/);
const itemParams = z.object({ owner: id, camera: id, bundle: id });

class Refused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

interface State { session: ReviewSession | null; reviewer: Reviewer | null }

/** What the routes share: the ports, the settings, the request's state and small helpers. */
interface Console {
  p: ReviewPorts;
  config: ReviewConfig;
  cookieName: string;
  cookieOpts: { path: string; httpOnly: boolean; sameSite: 'strict'; secure: boolean };
  failures: AttemptLimiter;
  states: WeakMap<FastifyRequest, State>;
  state(req: FastifyRequest): State;
  /** A fresh session (signed in as `reviewerId`, or not yet), replacing `old`; its cookie set. */
  newSession(reply: FastifyReply, reviewerId: number | null, old: ReviewSession | null): ReviewSession;
  /** The signed-in reviewer, or a 401. */
  who(req: FastifyRequest): Reviewer;
  page(reply: FastifyReply, text: string, status?: number): FastifyReply;
  /** The reviewable item the URL names, or a 404. */
  itemOf(req: FastifyRequest): Promise<Item>;
}

function consoleOf(p: ReviewPorts, config: ReviewConfig): Console {
  const cookieName = config.cookies === 'secure' ? '__Host-qcr_sid' : 'qcr_sid_local';
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: config.cookies === 'secure' };
  const states = new WeakMap<FastifyRequest, State>();
  const state = (req: FastifyRequest) => states.get(req)!;
  return {
    p, config, cookieName, cookieOpts, states, state,
    failures: new AttemptLimiter({ maxFailures: 5, windowMs: 15 * 60000 }),
    newSession(reply, reviewerId, old) {
      if (old) p.store.deleteSession(old.id);
      const token = randomToken();
      const now = p.clock();
      const s: ReviewSession = { id: sha256Hex(token), reviewerId, csrf: randomToken(24), createdMs: now, expiresMs: now + config.idleMs };
      p.store.putSession(s);
      reply.setCookie(cookieName, token, cookieOpts);
      return s;
    },
    who(req) {
      const r = state(req).reviewer;
      if (!r) throw new Refused(401, 'Please sign in.');
      return r;
    },
    page: (reply, text, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(text),
    async itemOf(req) {
      const q = itemParams.safeParse(req.params);
      const it = q.success ? await reviewableItem(p, q.data.owner, q.data.camera, q.data.bundle) : null;
      if (!it) throw new Refused(404, 'There is nothing here (or its owner no longer allows it).');
      return it;
    },
  };
}

/** Each request's session and reviewer (re-checked every time), CSRF on every POST, the headers, the error pages. */
function sessionHooks(app: FastifyInstance, c: Console): void {
  const { p, config, cookieName, states, state } = c;
  app.addHook('onRequest', async (req) => {
    const st: State = { session: null, reviewer: null };
    states.set(req, st);
    const token = req.cookies[cookieName];
    if (!token || token.length > 100) return;
    const s = p.store.session(sha256Hex(token));
    if (!s) return;
    if (p.clock() >= s.expiresMs) return p.store.deleteSession(s.id);
    st.session = s;
    if (s.reviewerId !== null) {
      const r = p.store.reviewer(s.reviewerId);
      if (!r || r.revokedMs !== null) return p.store.deleteSession(s.id); // revoked: this very request is refused
      st.reviewer = r;
      if (p.clock() + config.idleMs - s.expiresMs > 60000) p.store.putSession({ ...s, expiresMs: p.clock() + config.idleMs });
    }
  });
  app.addHook('preHandler', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    if (req.headers['sec-fetch-site'] === 'cross-site') throw new Refused(403, 'Cross-site request refused.');
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
    const s = state(req).session;
    if (!s || typeof sent !== 'string' || !safeEqual(sent, s.csrf)) throw new Refused(403, 'This form has expired. Reload the page and try again.');
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', CSP);
    hardeningHeaders(reply, config.cookies === 'secure');
  });
  app.setErrorHandler((err, req, reply) => {
    const status = err instanceof Refused ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
    if (status === 401 && req.method === 'GET') return reply.code(303).header('location', '/login').send();
    const msg = err instanceof Refused ? err.message : status >= 500 ? `The console could not finish this (reference ${req.id}). Nothing was shown.` : 'Bad request.';
    if (status >= 500) console.error(`review: ${req.method} ${req.url} failed (request ${req.id}): ${(err as Error).stack}`);
    return reply.code(status).type('text/html; charset=utf-8').send(layout({ title: 'That did not work', body: html`<p class="bad">${msg}</p><p><a href="/">Back</a></p>` }));
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/html; charset=utf-8').send(layout({ title: 'Not found', body: html`<p class="bad">There is nothing here.</p>` })));
}

/** Sign-in (name + password + TOTP, one answer for any failure, limited per address) and sign-out. */
function signInRoutes(app: FastifyInstance, c: Console): void {
  const { p, config, cookieName, cookieOpts, failures, state, newSession, page } = c;
  app.get('/login', async (req, reply) => {
    if (state(req).reviewer) return reply.code(303).header('location', '/').send();
    const s = state(req).session ?? newSession(reply, null, null);
    return page(reply, loginPage(s.csrf));
  });

  app.post('/login', async (req, reply) => {
    const f = z.object({ name: z.string().max(40), password: z.string().max(200), code: z.string().max(12), _csrf: z.string() }).safeParse(req.body);
    if (!f.success) throw new Refused(400, 'Fill in name, password and code.');
    const key = req.ip;
    const now = p.clock();
    const wait = failures.blockedFor(key, now);
    if (wait > 0) throw new Refused(429, `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60000)} minute(s).`);
    const r = p.store.reviewerByName(f.data.name.trim().toLowerCase());
    const passOk = await verifyPassword(f.data.password, r?.passwordHash ?? (await dummyHash(config.scryptLogN)));
    const step = r && passOk && r.revokedMs === null ? await checkTotp(r.totpSecret, f.data.code.trim(), now, r.totpLastStep, 30) : null;
    if (!r || step === null) {
      failures.fail(key, now);
      const s = newSession(reply, null, state(req).session);
      return page(reply, loginPage(s.csrf, 'Name, password or code is wrong (or this account was revoked).'), 401);
    }
    p.store.setTotpStep(r.id, step);
    failures.reset(key);
    newSession(reply, r.id, state(req).session);
    return reply.code(303).header('location', '/').send();
  });

  app.post('/logout', async (req, reply) => {
    const s = state(req).session;
    if (s) p.store.deleteSession(s.id);
    reply.clearCookie(cookieName, cookieOpts);
    return reply.code(303).header('location', '/login').send();
  });
}

/** The queue, one item, its image (logged first), annotating, flagging, the COCO export. */
function reviewRoutes(app: FastifyInstance, c: Console): void {
  const { p, state, who, page, itemOf } = c;
  app.get('/', async (req, reply) => {
    const r = who(req);
    const items = await reviewable(p);
    const todo = items.filter((i) => !p.store.annotation(i.ownerId, i.cameraId, i.bundleId));
    const done = items.flatMap((i) => {
      const a = p.store.annotation(i.ownerId, i.cameraId, i.bundleId);
      return a && a.reviewerId === r.id ? [{ item: i, a }] : [];
    });
    const flash = (req.query as Record<string, string>).done ? 'Saved.' : (req.query as Record<string, string>).flagged ? 'Flagged: deleted from S3 and its owner told.' : null;
    return page(reply, queuePage({ reviewer: r.name, csrf: state(req).session!.csrf, flash, todo, done }));
  });

  app.get('/c/:owner/:camera/:bundle', async (req, reply) => {
    const r = who(req);
    const it = await itemOf(req);
    const saved = p.store.annotation(it.ownerId, it.cameraId, it.bundleId);
    let boxes = saved?.boxes ?? [];
    let proposed = false;
    if (!saved) {
      // Proposals read the image inside the console only; they are not a look by a person, so not logged.
      const view = await p.bucket.get(it.prefix + '1-view.jpg');
      const got = view ? await p.proposer.propose(view, it) : [];
      boxes = got.map((b) => ({ ...b, proposed: true }) as typeof b);
      proposed = got.length > 0;
    }
    const flash = (req.query as Record<string, string>).saved ? 'Saved. Next one:' : null;
    return page(reply, itemPage({ reviewer: r.name, csrf: state(req).session!.csrf, item: it, boxes, proposed, flash }));
  });

  app.get('/img/:owner/:camera/:bundle', async (req, reply) => {
    const r = who(req);
    const it = await itemOf(req);
    const jpeg = await lookAt(p, r, it, 'annotation');
    if (!jpeg) throw new Refused(404, 'There is nothing here.');
    return reply.header('cache-control', 'private, no-store').type('image/jpeg').send(Buffer.from(jpeg));
  });

  app.post('/c/:owner/:camera/:bundle/annotate', async (req, reply) => {
    const r = who(req);
    const it = await itemOf(req);
    const f = z.object({ boxes: z.string().max(20000).optional(), none: z.literal('yes').optional(), _csrf: z.string() }).safeParse(req.body);
    if (!f.success) throw new Refused(400, 'Bad form.');
    let parsed: unknown = [];
    if (f.data.none !== 'yes') {
      try {
        parsed = JSON.parse(f.data.boxes ?? '[]');
      } catch {
        throw new Refused(400, 'The boxes are not valid.');
      }
    }
    const boxes = checkBoxes(parsed, it);
    if (typeof boxes === 'string') throw new Refused(400, `The boxes are not valid: ${boxes}.`);
    await annotate(p, r, it, boxes);
    // straight on to the next unanswered one: a busy annotator never goes back to the list
    const next = (await reviewable(p)).find((i) => !p.store.annotation(i.ownerId, i.cameraId, i.bundleId));
    return reply.code(303).header('location', next ? `/c/${next.ownerId}/${next.cameraId}/${next.bundleId}?saved=1` : '/?done=1').send();
  });

  app.post('/c/:owner/:camera/:bundle/flag', async (req, reply) => {
    const r = who(req);
    const it = await itemOf(req);
    const reason = (req.body as Record<string, unknown>).reason;
    if (!isFlagReason(reason)) throw new Refused(400, 'Choose why.');
    const left = await flag(p, r, it, reason);
    if (left) throw new Refused(503, `Flagged and hidden from everyone; S3 still lists ${left} object(s): the deletion is retried at every queue load.`);
    return reply.code(303).header('location', '/?flagged=1').send();
  });

  app.get('/export/coco.json', async (req, reply) => {
    who(req);
    const coco = await buildCoco(p);
    return reply.header('content-disposition', 'attachment; filename="quietcam-coco.json"').type('application/json').send(JSON.stringify(coco, null, 1));
  });
}

export function buildReviewApp(p: ReviewPorts, input: Partial<ReviewConfig> = {}): FastifyInstance {
  const c = consoleOf(p, { ...REVIEW_DEFAULTS, ...input });
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.register(cookie);
  app.register(formbody, { bodyLimit: 64 * 1024 });
  sessionHooks(app, c);
  app.get('/static/review.css', async (_r, reply) => reply.type('text/css; charset=utf-8').send(REVIEW_CSS));
  app.get('/static/annotate.js', async (_r, reply) => reply.type('text/javascript; charset=utf-8').send(ANNOTATE_JS));
  signInRoutes(app, c);
  reviewRoutes(app, c);
  return app;
}
