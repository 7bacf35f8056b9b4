/**
 * Sign-up with mandatory two-step verification: username + password create an inactive account
 * with a TOTP secret; it becomes active only once a code from the authenticator app is confirmed,
 * and then single-use recovery codes are shown, once. One handler function per route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, seeOther, sendPage, type WebContext } from '../context.js';
import { csrfField, field, html, page, type Html } from '../html.js';
import { form, parse, username } from '../input.js';
import { clientKey } from '../limiter.js';
import { CSP_WITH_TZ_SCRIPT } from '../security.js';
import { hashPassword } from '../passwords.js';
import type { Account } from '../ports.js';
import { ensureSession, startSession, takeFlash } from '../session.js';
import { newOwnerId, recoveryCode, normaliseRecoveryCode, sha256Hex } from '../tokens.js';
import { checkTotp, generateSecret } from '../totp.js';
import { isTimeZone } from '../time.js';
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

/** The form, with what was typed (never the passwords) and each error next to its field. */
function signupForm(ctx: WebContext, csrf: string, errors: Record<string, string> = {}, name = ''): Html {
  return html`
<form method="post" action="/signup">${csrfField(csrf)}
${field('username', 'Username (3-40 of a-z 0-9 . _ - @)', 'text', errors, html`autocomplete="username" required minlength="3" maxlength="40"`, name)}
${field('password', `Password (at least ${ctx.config.passwords.minLength} characters)`, 'password', errors, html`autocomplete="new-password" required`)}
${field('password2', 'Password again', 'password', errors, html`autocomplete="new-password" required`)}
<input type="hidden" name="timeZone" value="UTC" data-from-browser>
<p>Next, you will link an authenticator app (two-step verification is required).</p>
<button type="submit">Create account</button></form><script src="/static/tz.js" defer></script>`;
}

const signupPage = (ctx: WebContext, csrf: string, errors: Record<string, string> = {}, name = '', flash?: string | null) =>
  page({ title: 'Create an account', body: signupForm(ctx, csrf, errors, name), csrf, flash });

/** The one page with a script of ours (tz.js): its policy allows same-origin scripts, the others none. */
const withScript = (reply: FastifyReply) => reply.header('content-security-policy', CSP_WITH_TZ_SCRIPT);

async function showSignup(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const s = ensureSession(ctx, req, reply);
  return sendPage(withScript(reply), signupPage(ctx, s.csrf, {}, '', takeFlash(ctx, req)));
}

async function createAccount(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const min = ctx.config.passwords.minLength;
  const raw = parse(form({ username: z.string().max(200), password: z.string().max(256), password2: z.string().max(256), timeZone: z.string().max(64).optional() }), req.body);
  const csrf = req.session!.csrf;
  const errors: Record<string, string> = {};
  const name = username.safeParse(raw.username);
  if (!name.success) errors.username = `Username: ${name.error.issues[0].message}.`;
  if (raw.password.length < min) errors.password = `Use at least ${min} characters.`;
  else if (raw.password !== raw.password2) errors.password2 = 'The two passwords differ.';
  if (!name.success || Object.keys(errors).length) return sendPage(withScript(reply), signupPage(ctx, csrf, errors, raw.username), 400);
  const f = { username: name.data, password: raw.password, timeZone: raw.timeZone && isTimeZone(raw.timeZone) ? raw.timeZone : 'UTC' };
  // every attempt that reaches scrypt counts, made or taken: bounds the CPU and the username probing one client gets
  const key = `signup:${clientKey(req.ip)}`;
  const wait = ctx.signups.blockedFor(key, ctx.ports.clock());
  if (wait > 0) throw new HttpError(429, `Too many sign-ups from here. Try again in ${Math.ceil(wait / 60000)} minute(s).`, { 'retry-after': String(Math.ceil(wait / 1000)) });
  ctx.signups.fail(key, ctx.ports.clock());
  const created = ctx.ports.accounts.create({
    id: newOwnerId(), username: f.username, passwordHash: await hashPassword(f.password, ctx.config.passwords.scryptLogN),
    totpSecret: generateSecret(), createdMs: ctx.ports.clock(), timeZone: f.timeZone,
  });
  if (created === 'taken') return sendPage(withScript(reply), signupPage(ctx, csrf, { username: 'That username is taken: choose another.' }, f.username), 409);
  startSession(ctx, req, reply, 'enrol', created.id);
  return seeOther(reply, '/enrol');
}

async function enrolPage(ctx: WebContext, csrf: string, secret: string, user: string, error?: string): Promise<string> {
  const body = html`${error ? html`<p class="bad" role="alert">${error}</p>` : ''}
<p>Two-step verification is required.</p>
${await totpSetupBlock(ctx.config.totp.issuer, user, secret)}
<form method="post" action="/enrol">${csrfField(csrf)}
<label for="code">Then enter the 6-digit code it shows</label><input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
<button type="submit">Confirm</button></form>`;
  return page({ title: 'Set up two-step verification', body, csrf });
}

/** The account this session is enrolling (signed up, TOTP not confirmed yet), or 401. */
function enrolling(ctx: WebContext, req: FastifyRequest): Account {
  const s = req.session;
  const a = s?.stage === 'enrol' && s.accountId ? ctx.ports.accounts.byId(s.accountId) : null;
  if (!a || a.active) throw new HttpError(401, 'Please create an account or sign in first.');
  return a;
}

async function showEnrol(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = enrolling(ctx, req);
  return sendPage(reply, await enrolPage(ctx, req.session!.csrf, a.totpSecret, a.username));
}

async function confirmEnrol(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = enrolling(ctx, req);
  const { code } = parse(form({ code: z.string().trim().max(12) }), req.body);
  const key = `u:${a.username}`;
  const now = ctx.ports.clock();
  const wait = ctx.limiter.blockedFor(key, now);
  if (wait) throw new HttpError(429, `Too many attempts. Try again in ${Math.ceil(wait / 60000)} minute(s).`, { 'retry-after': String(Math.ceil(wait / 1000)) });
  const step = await checkTotp(a.totpSecret, code, now, a.totpLastStep, ctx.config.totp.toleranceS);
  if (step === null) {
    ctx.limiter.fail(key, now);
    return sendPage(reply, await enrolPage(ctx, req.session!.csrf, a.totpSecret, a.username, 'That code is not right. Check the time on your phone and try the next code.'), 400);
  }
  ctx.ports.accounts.setTotpStep(a.id, step);
  ctx.ports.accounts.activate(a.id);
  const s = startSession(ctx, req, reply, 'full', a.id);
  return sendPage(reply, recoveryCodesPage(a.username, s.csrf, issueRecoveryCodes(ctx, a.id)));
}

export function registerSignup(app: FastifyInstance, ctx: WebContext): void {
  app.get('/signup', (req, reply) => showSignup(ctx, req, reply));
  app.post('/signup', (req, reply) => createAccount(ctx, req, reply));
  app.get('/enrol', (req, reply) => showEnrol(ctx, req, reply));
  app.post('/enrol', (req, reply) => confirmEnrol(ctx, req, reply));
}
