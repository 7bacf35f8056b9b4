/**
 * Sign-up with mandatory two-step verification: username + password create an inactive account
 * with a TOTP secret; it becomes active only once a code from the authenticator app is confirmed,
 * and then single-use recovery codes are shown, once.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, seeOther, sendPage, type WebContext } from '../context.js';
import { csrfField, html, page, type Html } from '../html.js';
import { form, parse, username } from '../input.js';
import { clientKey } from '../limiter.js';
import { hashPassword } from '../passwords.js';
import { ensureSession, startSession, takeFlash } from '../session.js';
import { newOwnerId, recoveryCode, normaliseRecoveryCode, sha256Hex } from '../tokens.js';
import { checkTotp, generateSecret } from '../totp.js';
import { totpSetupBlock } from '../totp-setup.js';

/** Generate, store (hashed) and return a fresh set of recovery codes. */
export function issueRecoveryCodes(ctx: WebContext, accountId: string): string[] {
  const codes = Array.from({ length: ctx.config.recoveryCodes }, recoveryCode);
  ctx.ports.accounts.setRecoveryCodes(accountId, codes.map((c) => sha256Hex(normaliseRecoveryCode(c))), ctx.ports.clock());
  return codes;
}

export function recoveryCodesPage(user: string, csrf: string, codes: string[]): string {
  const body = html`<p class="warn">Write these recovery codes down or print them now. Each one signs you in once if you lose your phone.
They will not be shown again.</p><ol class="codes">${codes.map((c) => html`<li>${c}</li>`)}</ol>
<p><a href="/cameras">I have saved them: continue</a></p>`;
  return page({ title: 'Your recovery codes', body, user, csrf });
}

export function registerSignup(app: FastifyInstance, ctx: WebContext): void {
  const signupForm = (csrf: string, error?: string, name = ''): Html => html`${error ? html`<p class="bad">${error}</p>` : ''}
<form method="post" action="/signup">${csrfField(csrf)}
<label>Username <input type="text" name="username" value="${name}" autocomplete="username" required minlength="3" maxlength="40"></label>
<label>Password (at least ${ctx.config.passwords.minLength} characters) <input type="password" name="password" autocomplete="new-password" required></label>
<label>Password again <input type="password" name="password2" autocomplete="new-password" required></label>
<p>Next, you will link an authenticator app (two-step verification is required).</p>
<button type="submit">Create account</button></form>`;

  app.get('/signup', async (req, reply) => {
    const s = ensureSession(ctx, req, reply);
    return sendPage(reply, page({ title: 'Create an account', body: signupForm(s.csrf), csrf: s.csrf, flash: takeFlash(ctx, req) }));
  });

  app.post('/signup', async (req, reply) => {
    const min = ctx.config.passwords.minLength;
    const f = parse(form({ username, password: z.string().min(min, `at least ${min} characters`).max(256), password2: z.string().max(256) }), req.body);
    const csrf = req.session!.csrf;
    if (f.password !== f.password2) return sendPage(reply, page({ title: 'Create an account', body: signupForm(csrf, 'The two passwords differ.', f.username), csrf }), 400);
    // every attempt that reaches scrypt counts, made or taken: bounds the CPU and the username probing one client gets
    const key = `signup:${clientKey(req.ip)}`;
    const wait = ctx.signups.blockedFor(key, ctx.ports.clock());
    if (wait > 0) throw new HttpError(429, `Too many sign-ups from here. Try again in ${Math.ceil(wait / 60000)} minute(s).`, { 'retry-after': String(Math.ceil(wait / 1000)) });
    ctx.signups.fail(key, ctx.ports.clock());
    const created = ctx.ports.accounts.create({
      id: newOwnerId(), username: f.username, passwordHash: await hashPassword(f.password, ctx.config.passwords.scryptLogN),
      totpSecret: generateSecret(), createdMs: ctx.ports.clock(),
    });
    if (created === 'taken') return sendPage(reply, page({ title: 'Create an account', body: signupForm(csrf, 'That username is taken.'), csrf }), 409);
    startSession(ctx, req, reply, 'enrol', created.id);
    return seeOther(reply, '/enrol');
  });

  const enrolPage = async (csrf: string, secret: string, user: string, error?: string) => {
    const body = html`${error ? html`<p class="bad" role="alert">${error}</p>` : ''}
<p>Two-step verification is required.</p>
${await totpSetupBlock(ctx.config.totp.issuer, user, secret)}
<form method="post" action="/enrol">${csrfField(csrf)}
<label for="code">Then enter the 6-digit code it shows</label><input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
<button type="submit">Confirm</button></form>`;
    return page({ title: 'Set up two-step verification', body, csrf });
  };

  const enrolling = (req: { session: { stage: string; accountId: string | null } | null }) => {
    const s = req.session;
    const a = s?.stage === 'enrol' && s.accountId ? ctx.ports.accounts.byId(s.accountId) : null;
    if (!a || a.active) throw new HttpError(401, 'Please create an account or sign in first.');
    return a;
  };

  app.get('/enrol', async (req, reply) => {
    const a = enrolling(req);
    return sendPage(reply, await enrolPage(req.session!.csrf, a.totpSecret, a.username));
  });

  app.post('/enrol', async (req, reply) => {
    const a = enrolling(req);
    const { code } = parse(form({ code: z.string().trim().max(12) }), req.body);
    const key = `u:${a.username}`;
    const now = ctx.ports.clock();
    const wait = ctx.limiter.blockedFor(key, now);
    if (wait) throw new HttpError(429, `Too many attempts. Try again in ${Math.ceil(wait / 60000)} minute(s).`, { 'retry-after': String(Math.ceil(wait / 1000)) });
    const step = await checkTotp(a.totpSecret, code, now, a.totpLastStep, ctx.config.totp.toleranceS);
    if (step === null) {
      ctx.limiter.fail(key, now);
      return sendPage(reply, await enrolPage(req.session!.csrf, a.totpSecret, a.username, 'That code is not right. Check the time on your phone and try the next code.'), 400);
    }
    ctx.ports.accounts.setTotpStep(a.id, step);
    ctx.ports.accounts.activate(a.id);
    const s = startSession(ctx, req, reply, 'full', a.id);
    return sendPage(reply, recoveryCodesPage(a.username, s.csrf, issueRecoveryCodes(ctx, a.id)));
  });
}
