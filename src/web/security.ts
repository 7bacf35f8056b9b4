/**
 * Security headers, CSRF, and errors that never show a stack.
 *
 * CSRF: synchronizer tokens. Every state-changing request (any method but GET/HEAD/OPTIONS) needs a
 * session and its `_csrf` token (form field, or `x-csrf-token` header), compared in constant time;
 * cross-site requests (Sec-Fetch-Site: cross-site) are refused before that. The SameSite=Strict
 * cookie is a second layer, not the only one.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, type WebContext } from './context.js';
import { html, page } from './html.js';
import { safeEqual } from './tokens.js';

const CSP = [
  "default-src 'none'", "img-src 'self'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

/** The sign-up form: the same policy plus one same-origin file (`/static/tz.js` fills the time zone). */
export const CSP_WITH_TZ_SCRIPT = `${CSP}; script-src 'self'`;

/**
 * The alert pages only (routes/alerts*.ts): the same policy plus this site's own scripts, for the
 * Web Push button, its service worker and the live feed (no inline script, nothing from elsewhere).
 */
export const CSP_WITH_OWN_SCRIPTS = `${CSP}; script-src 'self'; connect-src 'self'; worker-src 'self'`;

/**
 * The headers every page of the owner pages and of the review console (src/review/app.ts) carries,
 * whatever its content policy: no sniffing, no framing, no referrer, same-origin isolation,
 * no-store unless the route set a cache policy, and HSTS when served over TLS (`hsts`).
 */
export function hardeningHeaders(reply: FastifyReply, hsts: boolean): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('cross-origin-resource-policy', 'same-origin');
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  if (hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}

/** The owner pages: CSP (unless the route set its own), the hardening headers, no powerful features. */
export function securityHeaders(ctx: WebContext, reply: FastifyReply): void {
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CSP);
  reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  hardeningHeaders(reply, ctx.config.cookies === 'secure');
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Throws 403 unless the request carries its session's CSRF token. */
export function checkCsrf(req: FastifyRequest): void {
  if (SAFE.has(req.method)) return;
  if (req.headers['sec-fetch-site'] === 'cross-site') throw new HttpError(403, 'Cross-site request refused.');
  const body = req.body as Record<string, unknown> | undefined;
  const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? req.headers['x-csrf-token'];
  if (!req.session || typeof sent !== 'string' || !safeEqual(sent, req.session.csrf)) {
    throw new HttpError(403, 'This form has expired or did not come from this site. Go back, reload the page and try again.');
  }
}

function errorPage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
  const body = html`<p class="bad">${message}</p><p><a href="/">Back to the start</a></p>`;
  const text = page({ title: status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'That did not work', body, user: req.account?.username, csrf: req.session?.csrf });
  return reply.code(status).type('text/html; charset=utf-8').send(text);
}

/** Fastify's own early errors (a malformed URL, an over-long path segment): a page, not JSON. */
export function frameworkErrorPage(ctx: WebContext, status: number, reply: FastifyReply): void {
  securityHeaders(ctx, reply);
  const text = page({ title: 'That did not work', body: html`<p class="bad">${status === 414 ? 'That address is too long.' : 'That address is not valid.'}</p><p><a href="/">Back to the start</a></p>` });
  reply.code(status).type('text/html; charset=utf-8').send(text);
}

/** 4xx with their message, 5xx logged with the request id and shown without any detail. */
export function installErrorHandlers(app: FastifyInstance, ctx: WebContext): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      if (err.statusCode === 401 && req.method === 'GET') return reply.code(303).header('location', '/login').send();
      return errorPage(ctx, req, reply, err.statusCode, err.message);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const known: Record<string, string> = {
        FST_ERR_CTP_BODY_TOO_LARGE: 'The request is too large.',
        FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type: send a form (application/x-www-form-urlencoded).',
        FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Bad Content-Length.',
        FST_ERR_CTP_EMPTY_JSON_BODY: 'Empty JSON body.',
        FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
      };
      return errorPage(ctx, req, reply, status, known[err.code] ?? 'Bad request.');
    }
    ctx.log.error(`web: ${req.method} ${req.routeOptions.url ?? '?'} failed (request ${req.id}): ${err.stack ?? err.message}`);
    return errorPage(ctx, req, reply, 500, `The server could not finish this request (reference ${req.id}). Nothing was shown to anyone else; try again.`);
  });
  app.setNotFoundHandler((req, reply) => errorPage(ctx, req, reply, 404, 'There is nothing here.'));
}
