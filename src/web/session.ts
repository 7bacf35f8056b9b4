/**
 * Sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie (`__Host-qc_sid` with
 * Secure, or `qc_sid_local` for the plain-HTTP localhost demo, config.ts); the database keeps its
 * SHA-256 only. A new token is issued at every change of stage (sign-up, password, TOTP, sign-out)
 * so a token seen before sign-in is worthless after it (session fixation).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieName } from './config.js';
import type { WebContext } from './context.js';
import type { Session, SessionStage } from './ports.js';
import { randomToken, sha256Hex } from './tokens.js';

export function cookieOptions(ctx: WebContext) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: ctx.config.cookies === 'secure' };
}

/** Read the cookie's session (expired ones are deleted) and the signed-in account. */
export function loadSession(ctx: WebContext, req: FastifyRequest): void {
  req.session = null;
  req.account = null;
  const token = req.cookies[cookieName(ctx.config.cookies)];
  if (!token || token.length > 100) return;
  const { sessions, accounts, clock } = ctx.ports;
  const s = sessions.get(sha256Hex(token));
  if (!s) return;
  const now = clock();
  if (now >= s.expiresMs) {
    sessions.delete(s.id);
    return;
  }
  req.session = s;
  if (s.stage === 'full' && s.accountId) {
    const a = accounts.byId(s.accountId);
    if (a?.active) {
      req.account = a;
      // sliding idle timeout, written at most once a minute
      const next = now + ctx.config.session.idleMs;
      if (next - s.expiresMs > 60000) sessions.put({ ...s, expiresMs: next });
    }
  }
}

/** Replace the request's session (if any) by a new one with a new token; sets the cookie. */
export function startSession(ctx: WebContext, req: FastifyRequest, reply: FastifyReply, stage: SessionStage, accountId: string | null): Session {
  const { sessions, clock } = ctx.ports;
  if (req.session) sessions.delete(req.session.id);
  const now = clock();
  const ttl = stage === 'full' ? ctx.config.session.idleMs : stage === 'anon' ? ctx.config.session.anonMs : ctx.config.session.stepMs;
  const token = randomToken();
  const s: Session = { id: sha256Hex(token), accountId, stage, csrf: randomToken(24), createdMs: now, expiresMs: now + ttl, flash: null };
  sessions.put(s);
  reply.setCookie(cookieName(ctx.config.cookies), token, cookieOptions(ctx));
  req.session = s;
  return s;
}

/** The request's session, or a new anonymous one (pages with forms need a CSRF token). */
export function ensureSession(ctx: WebContext, req: FastifyRequest, reply: FastifyReply): Session {
  return req.session ?? startSession(ctx, req, reply, 'anon', null);
}

export function endSession(ctx: WebContext, req: FastifyRequest, reply: FastifyReply): void {
  if (req.session) ctx.ports.sessions.delete(req.session.id);
  req.session = null;
  req.account = null;
  reply.clearCookie(cookieName(ctx.config.cookies), cookieOptions(ctx));
}

/** Take the one-shot message left for this page. */
export function takeFlash(ctx: WebContext, req: FastifyRequest): string | null {
  const s = req.session;
  if (!s?.flash) return null;
  ctx.ports.sessions.setFlash(s.id, null);
  return s.flash;
}

export function setFlash(ctx: WebContext, req: FastifyRequest, message: string): void {
  if (req.session) ctx.ports.sessions.setFlash(req.session.id, message.slice(0, 500));
}
