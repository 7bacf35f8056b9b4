/**
 * Sign-in: password, then a TOTP code (or a single-use recovery code). Failed attempts are
 * counted per client address and, more slowly, per account; a browser that signed in before is
 * counted on its own (limiter.ts says which and why). Past a limit the answer is 429 with
 * Retry-After, whether or not the password is right. A new session token at each step.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { deviceCookieName } from '../config.js';
import { csrfField, html, page } from '../html.js';
import type { Attempt } from '../limiter.js';
import { form, parse } from '../input.js';
import { dummyHash, verifyPassword } from '../passwords.js';
import { cookieOptions, endSession, ensureSession, setFlash, startSession, takeFlash } from '../session.js';
import { normaliseRecoveryCode, sha256Hex } from '../tokens.js';
import { checkTotp } from '../totp.js';
import { issueRecoveryCodes, recoveryCodesPage } from './signup.js';

/** The sign-in limits as the routes use them (limiter.ts): who is trying, refuse when over, count a failure, trust a browser. */
function signInGuard(ctx: WebContext) {
  const { ports, signIn } = ctx;
  const deviceCookie = deviceCookieName(ctx.config.cookies);
  return {
    /** The client address (behind --tls-proxy: the entry the proxy appended), the account, the device cookie. */
    attempt: (req: FastifyRequest, account: string): Attempt => ({ client: req.ip, account, device: req.cookies[deviceCookie] }),
    guard(a: Attempt): void {
      const wait = signIn.blockedFor(a, ports.clock());
      if (wait > 0) throw tooMany(wait);
    },
    fail: (a: Attempt) => signIn.fail(a, ports.clock()),
    trustDevice(a: Attempt, reply: FastifyReply): void {
      const token = signIn.succeeded(a, ports.clock());
      reply.setCookie(deviceCookie, token, { ...cookieOptions(ctx), maxAge: Math.floor(ctx.config.login.deviceMs / 1000) });
    },
  };
}

const tooMany = (wait: number) => new HttpError(429, `Too many failed attempts. Try again in ${Math.ceil(wait / 60000)} minute(s).`, { 'retry-after': String(Math.ceil(wait / 1000)) });

const loginPage = (csrf: string, error?: string, flash?: string | null, name = '') => page({
  title: 'Sign in', csrf, flash, body: html`${error ? html`<p class="bad" role="alert">${error}</p>` : ''}
<form method="post" action="/login">${csrfField(csrf)}
<label>Username <input type="text" name="username" value="${name}" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Next</button></form>`,
});

const codePage = (csrf: string, error?: string) => page({
  title: 'Two-step verification', csrf, body: html`${error ? html`<p class="bad">${error}</p>` : ''}
<form method="post" action="/login/2fa">${csrfField(csrf)}
<label>6-digit code from your authenticator app <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code"></label>
<p>Lost your phone? <label>Recovery code instead <input type="text" name="recovery" autocomplete="off"></label> (then link your new phone under Account)</p>
<button type="submit">Sign in</button></form>`,
});

export function registerLogin(app: FastifyInstance, ctx: WebContext): void {
  registerPasswordStep(app, ctx);
  registerCodeStep(app, ctx);
  app.post('/logout', async (req, reply) => {
    endSession(ctx, req, reply);
    return seeOther(reply, '/login');
  });
  registerNewRecoveryCodes(app, ctx);
}

/** Step 1: the username and password. */
function registerPasswordStep(app: FastifyInstance, ctx: WebContext): void {
  const { ports } = ctx;
  const limits = signInGuard(ctx);

  app.get('/', async (req, reply) => seeOther(reply, req.account ? '/cameras' : '/login'));

  app.get('/login', async (req, reply) => {
    if (req.account) return seeOther(reply, '/cameras');
    const s = ensureSession(ctx, req, reply);
    return sendPage(reply, loginPage(s.csrf, undefined, takeFlash(ctx, req)));
  });

  app.post('/login', async (req, reply) => {
    const f = parse(form({ username: z.string().trim().toLowerCase().max(100), password: z.string().max(256) }), req.body);
    const who = limits.attempt(req, f.username);
    limits.guard(who);
    const a = ports.accounts.byUsername(f.username);
    const ok = await verifyPassword(f.password, a?.passwordHash ?? (await dummyHash(ctx.config.passwords.scryptLogN)));
    if (!a || !ok) {
      limits.fail(who);
      return sendPage(reply, loginPage(req.session!.csrf, 'Wrong username or password.', null, f.username), 401);
    }
    startSession(ctx, req, reply, a.active ? 'totp' : 'enrol', a.id);
    return seeOther(reply, a.active ? '/login/2fa' : '/enrol');
  });
}

/** Step 2: a TOTP code, or a single-use recovery code when the phone is lost. */
function registerCodeStep(app: FastifyInstance, ctx: WebContext): void {
  const { ports } = ctx;
  const limits = signInGuard(ctx);
  const pending = (req: FastifyRequest) => {
    const s = req.session;
    const a = s?.stage === 'totp' && s.accountId ? ports.accounts.byId(s.accountId) : null;
    if (!a) throw new HttpError(401, 'Please sign in first.');
    return a;
  };

  app.get('/login/2fa', async (req, reply) => {
    pending(req);
    return sendPage(reply, codePage(req.session!.csrf));
  });

  app.post('/login/2fa', async (req, reply) => {
    const a = pending(req);
    const f = parse(form({ code: z.string().trim().max(12).optional(), recovery: z.string().trim().max(40).optional() }), req.body);
    const who = limits.attempt(req, a.username);
    limits.guard(who);
    const now = ports.clock();
    let note: string | null = null;
    if (f.recovery) {
      if (!ports.accounts.useRecoveryCode(a.id, sha256Hex(normaliseRecoveryCode(f.recovery)), now)) {
        limits.fail(who);
        return sendPage(reply, codePage(req.session!.csrf, 'That recovery code is not valid (each code works once).'), 401);
      }
      note = `You signed in with a recovery code; ${ports.accounts.recoveryCodesLeft(a.id)} left. Make new ones, or link a new phone, under Account.`;
    } else {
      const step = await checkTotp(a.totpSecret, f.code ?? '', now, a.totpLastStep, ctx.config.totp.toleranceS);
      if (step === null) {
        limits.fail(who);
        return sendPage(reply, codePage(req.session!.csrf, 'That code is not right (a code works once; wait for the next one).'), 401);
      }
      ports.accounts.setTotpStep(a.id, step);
    }
    limits.trustDevice(who, reply);
    startSession(ctx, req, reply, 'full', a.id);
    if (note) setFlash(ctx, req, note);
    return seeOther(reply, '/cameras');
  });
}

/** New recovery codes (the old ones stop working); needs a current TOTP code. */
function registerNewRecoveryCodes(app: FastifyInstance, ctx: WebContext): void {
  const { ports, limiter } = ctx;
  app.post('/account/recovery-codes', async (req, reply) => {
    const a = requireAccount(req);
    const { code } = parse(form({ code: z.string().trim().max(12) }), req.body);
    // the owner, signed in: counted on the account id, apart from sign-in attempts (which strangers can make)
    const key = `rc:${a.id}`;
    const wait = limiter.blockedFor(key, ports.clock());
    if (wait > 0) throw tooMany(wait);
    const step = await checkTotp(a.totpSecret, code, ports.clock(), a.totpLastStep, ctx.config.totp.toleranceS);
    if (step === null) {
      limiter.fail(key, ports.clock());
      throw new HttpError(400, 'That code is not right; your recovery codes were not changed.');
    }
    ports.accounts.setTotpStep(a.id, step);
    return sendPage(reply, recoveryCodesPage(a.username, req.session!.csrf, issueRecoveryCodes(ctx, a.id)));
  });
}
