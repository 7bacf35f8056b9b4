/**
 * What every route file is given (ports, config, the attempt limiter, a logger) and the request
 * state the session hook fills in. Route files import this, never an adapter.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import type { WebConfig } from './config.js';
import type { AttemptLimiter, SignInLimits } from './limiter.js';
import type { Account, Session, WebPorts } from './ports.js';

export interface WebContext {
  ports: WebPorts;
  config: WebConfig;
  /** Code checks of a session already tied to an account (enrolment, new recovery codes), per account. */
  limiter: AttemptLimiter;
  /** Sign-in attempts (password, then TOTP or recovery code): limiter.ts. */
  signIn: SignInLimits;
  /** Sign-ups per client address. */
  signups: AttemptLimiter;
  log: Logger;
}

/** A 4xx with a message safe to show; thrown by routes, rendered by the error handler. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session hook: the session of the cookie, if valid. */
    session: Session | null;
    /** The signed-in account (session stage 'full'), if any. */
    account: Account | null;
  }
}

/** The signed-in account, or a 401 (a page request is redirected to sign in instead). */
export function requireAccount(req: FastifyRequest): Account {
  if (!req.account) throw new HttpError(401, 'Please sign in.');
  return req.account;
}

/** 303 See Other: after a POST, the browser GETs `to`. */
export function seeOther(reply: FastifyReply, to: string): FastifyReply {
  return reply.code(303).header('location', to).send();
}

export function sendPage(reply: FastifyReply, htmlText: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(htmlText);
}
