/**
 * The owner's account: time zone, password (needs the current one and a code), a new phone
 * (a new TOTP key, shown with its QR code; needs the password), recovery codes. Deleting the
 * account is account-delete.ts. A form that fails is shown again with what was typed (never
 * passwords or codes) and the message next to the field. One handler function per route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { csrfField, field, html, page } from '../html.js';
import { form, parse } from '../input.js';
import { hashPassword } from '../passwords.js';
import type { Account } from '../ports.js';
import { setFlash, startSession, takeFlash } from '../session.js';
import { checkTotp, generateSecret } from '../totp.js';
import { totpSetupBlock } from '../totp-setup.js';
import { isTimeZone, TIME_ZONES } from '../time.js';
import { accountChecks, type Errors } from './account-checks.js';
import { registerAccountDelete } from './account-delete.js';
import { issueRecoveryCodes, recoveryCodesPage } from './signup.js';

function accountPage(ctx: WebContext, req: FastifyRequest, a: Account, errors: Errors = {}, tz = a.timeZone): string {
  const csrf = req.session!.csrf;
  const min = ctx.config.passwords.minLength;
  const body = html`<section aria-labelledby="h-tz"><h2 id="h-tz">Time zone</h2>
<form method="post" action="/account/time-zone">${csrfField(csrf)}<div class="field${errors.timeZone ? ' has-error' : ''}"><label for="f-timeZone">Times on these pages are shown in</label>
<select id="f-timeZone" name="timeZone">${TIME_ZONES.map((z) => html`<option value="${z}" ${z === tz ? html`selected` : ''}>${z}</option>`)}</select>
${errors.timeZone ? html`<p class="field-error">${errors.timeZone}</p>` : ''}</div><button type="submit">Save time zone</button></form></section>
<section aria-labelledby="h-pw"><h2 id="h-pw">Change password</h2>
<form method="post" action="/account/password" id="password-form">${csrfField(csrf)}
${field('current', 'Current password', 'password', errors, html`autocomplete="current-password" required`)}
${field('code', '6-digit code from your authenticator app', 'text', errors, html`inputmode="numeric" autocomplete="one-time-code" required`)}
${field('password', `New password (at least ${min} characters)`, 'password', errors, html`autocomplete="new-password" required minlength="${min}"`)}
${field('password2', 'New password again', 'password', errors, html`autocomplete="new-password" required`)}
<button type="submit">Change password</button></form></section>
<section aria-labelledby="h-phone"><h2 id="h-phone">New phone</h2>
<p>Lost your phone or got a new one? Sign in with a recovery code, then link the new phone here.</p>
<p><a class="button" href="/account/totp">Set up two-step verification again</a></p></section>
<section aria-labelledby="h-rc"><h2 id="h-rc">Recovery codes</h2>
<form method="post" action="/account/recovery-codes">${csrfField(csrf)}<p>${ctx.ports.accounts.recoveryCodesLeft(a.id)} recovery code(s) left.</p>
<label for="rc-code">Current 6-digit code</label><input type="text" id="rc-code" name="code" inputmode="numeric" autocomplete="one-time-code">
<button type="submit">Make new recovery codes</button></form></section>
<section aria-labelledby="h-del"><h2 id="h-del">Delete my account</h2>
<p>Deletes every contribution in S3 (every version), your cameras and their logins, your event history and alerts, and then your account.</p>
<p><a class="button danger" href="/account/delete" id="delete-account">Delete my account…</a></p></section>`;
  return page({ title: 'Account', body, user: a.username, csrf, flash: takeFlash(ctx, req) });
}

async function showAccount(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  return sendPage(reply, accountPage(ctx, req, requireAccount(req)));
}

async function saveTimeZone(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const f = parse(form({ timeZone: z.string().max(64) }), req.body);
  if (!isTimeZone(f.timeZone)) return sendPage(reply, accountPage(ctx, req, a, { timeZone: 'Choose a time zone from the list.' }), 400);
  ctx.ports.accounts.setTimeZone(a.id, f.timeZone);
  setFlash(ctx, req, `Times are now shown in ${f.timeZone}.`);
  return seeOther(reply, '/account');
}

async function changePassword(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const { ports, config } = ctx;
  const check = accountChecks(ctx);
  const a = requireAccount(req);
  const f = parse(form({ current: z.string().max(256), code: z.string().trim().max(12), password: z.string().max(256), password2: z.string().max(256) }), req.body);
  check.guard(a);
  const errors: Errors = {};
  const min = config.passwords.minLength;
  if (f.password.length < min) errors.password = `Use at least ${min} characters.`;
  else if (f.password !== f.password2) errors.password2 = 'The two new passwords differ.';
  if (!(await check.password(a, f.current))) errors.current = 'That is not your current password.';
  else if (!(await check.code(a, f.code))) errors.code = 'That code is not right (a code works once; wait for the next one).';
  if (errors.current || errors.code) check.failed(a);
  if (Object.keys(errors).length) return sendPage(reply, accountPage(ctx, req, a, errors), 400);
  ports.accounts.setPassword(a.id, await hashPassword(f.password, config.passwords.scryptLogN));
  // every other session of the account ends; this browser gets a new one
  ports.sessions.deleteForAccount(a.id);
  req.session = null;
  startSession(ctx, req, reply, 'full', a.id);
  setFlash(ctx, req, 'Password changed. Every other browser signed in to this account was signed out.');
  return seeOther(reply, '/account');
}

async function totpPage(ctx: WebContext, req: FastifyRequest, a: Account, secret: string, errors: Errors = {}): Promise<string> {
  const csrf = req.session!.csrf;
  const body = html`<p>Link your new phone. The old phone's codes stop working once you confirm.</p>
${await totpSetupBlock(ctx.config.totp.issuer, a.username, secret)}
<form method="post" action="/account/totp">${csrfField(csrf)}<input type="hidden" name="secret" value="${secret}">
${field('code', 'The 6-digit code the new phone shows', 'text', errors, html`inputmode="numeric" autocomplete="one-time-code" required`)}
${field('current', 'Your password', 'password', errors, html`autocomplete="current-password" required`)}
<button type="submit">Use this phone</button></form>`;
  return page({ title: 'Set up two-step verification again', body, user: a.username, csrf });
}

async function showNewPhone(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  return sendPage(reply, await totpPage(ctx, req, requireAccount(req), generateSecret()));
}

async function useNewPhone(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const check = accountChecks(ctx);
  const a = requireAccount(req);
  const f = parse(form({ secret: z.string().regex(/^[A-Z2-7]{16,64}$/, 'not a key'), code: z.string().trim().max(12), current: z.string().max(256) }), req.body);
  check.guard(a);
  const errors: Errors = {};
  if (!(await check.password(a, f.current))) errors.current = 'That is not your password.';
  const step = await checkTotp(f.secret, f.code, ctx.ports.clock(), 0, ctx.config.totp.toleranceS);
  if (step === null) errors.code = 'That code is not right: check the time on the new phone and try its next code.';
  if (errors.current) check.failed(a);
  if (Object.keys(errors).length || step === null) return sendPage(reply, await totpPage(ctx, req, a, f.secret, errors), 400);
  ctx.ports.accounts.setTotp(a.id, f.secret, step);
  // the old phone is gone: so are the recovery codes that were meant for losing it; new ones, shown once
  return sendPage(reply, recoveryCodesPage(a.username, req.session!.csrf, issueRecoveryCodes(ctx, a.id)));
}

export function registerAccount(app: FastifyInstance, ctx: WebContext): void {
  app.get('/account', (req, reply) => showAccount(ctx, req, reply));
  app.post('/account/time-zone', (req, reply) => saveTimeZone(ctx, req, reply));
  app.post('/account/password', (req, reply) => changePassword(ctx, req, reply));
  app.get('/account/totp', (req, reply) => showNewPhone(ctx, req, reply));
  app.post('/account/totp', (req, reply) => useNewPhone(ctx, req, reply));
  registerAccountDelete(app, ctx);
}
