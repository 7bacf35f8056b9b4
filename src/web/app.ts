/**
 * The owner pages as a Fastify app: cookies, forms, the session hook, CSRF on every state change,
 * security headers, errors without stacks, and one route group per file under ./routes.
 * No listening here (cli/web.ts does it), so tests drive it in-process with `app.inject`.
 *
 * @example
 * const { app } = buildWebApp(ports, { cookies: 'secure' });
 * const res = await app.inject({ method: 'GET', url: '/login' });
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { consoleLogger } from '../log.js';
import type { Logger } from '../log.js';
import { resolveWebConfig, type WebConfigInput } from './config.js';
import type { WebContext } from './context.js';
import { CSS, TZ_JS } from './html.js';
import { AttemptLimiter, SignInLimits } from './limiter.js';
import type { WebPorts } from './ports.js';
import { registerAccessLog } from './routes/access-log.js';
import { registerAlertFeed } from './routes/alert-feed.js';
import { registerAlertHistory } from './routes/alert-history.js';
import { registerAlertSettings } from './routes/alerts.js';
import { registerAccount } from './routes/account.js';
import { registerCameras } from './routes/cameras.js';
import { registerConsent } from './routes/consent.js';
import { registerExport } from './routes/export.js';
import { registerLogin } from './routes/login.js';
import { registerObjects } from './routes/objects.js';
import { registerSignup } from './routes/signup.js';
import { registerStatus } from './routes/status.js';
import { registerZone } from './routes/zone.js';
import { checkCsrf, frameworkErrorPage, installErrorHandlers, securityHeaders } from './security.js';
import { loadSession } from './session.js';

export interface WebApp {
  app: FastifyInstance;
  ctx: WebContext;
  /** Every route (method + url), for the tests that check each state-changing one. */
  routes: { method: string; url: string }[];
}

/**
 * Behind --tls-proxy, trust the direct peer (hop 0: the proxy) and nothing beyond it, so `req.ip`
 * is the X-Forwarded-For entry the proxy appended (the right-most), never one a client wrote.
 * (Fastify 5 trusts nothing for a bare hop count, and `true` would take the left-most entry.)
 */
const proxyOnly = (_address: string, hop: number) => hop === 0;

export function buildWebApp(ports: WebPorts, configInput: WebConfigInput = {}, log: Logger = consoleLogger('web')): WebApp {
  const config = resolveWebConfig(configInput);
  const ctx: WebContext = {
    ports, config, log, limiter: new AttemptLimiter(config.login), signIn: new SignInLimits(config.login),
    signups: new AttemptLimiter({ maxFailures: config.signup.perClient, windowMs: config.signup.windowMs }),
  };
  const app = Fastify({
    logger: false, bodyLimit: config.bodyLimit, trustProxy: config.trustProxy ? proxyOnly : false, routerOptions: { maxParamLength: 120 }, return503OnClosing: true,
    frameworkErrors: (err, _req, reply) => frameworkErrorPage(ctx, (err as { statusCode?: number }).statusCode ?? 400, reply),
  });
  const routes: WebApp['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const m of ([] as string[]).concat(r.method)) if (m !== 'HEAD') routes.push({ method: m, url: r.url });
  });
  app.decorateRequest('session', null);
  app.decorateRequest('account', null);
  app.register(cookie);
  app.register(formbody, { bodyLimit: config.bodyLimit });
  installErrorHandlers(app, ctx);
  app.addHook('onRequest', async (req) => loadSession(ctx, req));
  app.addHook('preHandler', async (req) => checkCsrf(req));
  app.addHook('onSend', async (_req, reply) => securityHeaders(ctx, reply));
  app.register(async (scope) => {
    scope.get('/static/tz.js', async (_req, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(TZ_JS));
    scope.get('/static/app.css', async (_req, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(CSS));
    registerSignup(scope, ctx);
    registerLogin(scope, ctx);
    registerCameras(scope, ctx);
    registerConsent(scope, ctx);
    registerZone(scope, ctx);
    registerObjects(scope, ctx);
    registerExport(scope, ctx);
    registerAccessLog(scope, ctx);
    registerStatus(scope, ctx);
    registerAlertSettings(scope, ctx);
    registerAlertFeed(scope, ctx);
    registerAlertHistory(scope, ctx);
    registerAccount(scope, ctx);
  });
  return { app, ctx, routes };
}
