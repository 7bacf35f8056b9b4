/**
 * The owner's account: time zone, password (needs the current one and a code), a new phone
 * (a new TOTP key, shown with its QR code; needs the password), recovery codes, and deleting the
 * account (removal.ts), after a confirmation with password and code, with what a re-list of S3
 * found. A form that fails is shown again with what was typed (never passwords or codes) and the
 * message next to the field.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { csrfField, field, html, page } from '../html.js';
import { form, parse } from '../input.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import type { Account } from '../ports.js';
import { deleteAccount, ownerPrefixes } from '../removal.js';
import { endSession, setFlash, startSession, takeFlash } from '../session.js';
import { checkTotp, generateSecret } from '../totp.js';
import { totpSetupBlock } from '../totp-setup.js';
import { issueRecoveryCodes, recoveryCodesPage } from './signup.js';
import { isTimeZone, TIME_ZONES } from '../time.js';

type Errors = Record<string, string>;

export function registerAccount(app: FastifyInstance, ctx: WebContext): void {
  const { ports, config } = ctx;
  const pw = (a: Account, given: string) => verifyPassword(given, a.passwordHash);
  /** Counted on the account id like the recovery-code form: a session thief guessing the password or code is slowed. */
  const guard = (a: Account) => {
    const wait = ctx.limiter.blockedFor(`acct:${a.id}`, ports.clock());
    if (wait > 0) throw new HttpError(429, `Too many failed attempts. Try again in ${Math.ceil(wait / 60000)} minute(s).`, { 'retry-after': String(Math.ceil(wait / 1000)) });
  };
  const failed = (a: Account) => ctx.limiter.fail(`acct:${a.id}`, ports.clock());
  const code = async (a: Account, given: string) => {
    const step = await checkTotp(a.totpSecret, given, ports.clock(), a.totpLastStep, config.totp.toleranceS);
    if (step !== null) ports.accounts.setTotpStep(a.id, step);
    return step !== null;
  };

  const accountPage = (req: FastifyRequest, a: Account, errors: Errors = {}, tz = a.timeZone) => {
    const csrf = req.session!.csrf;
    const min = config.passwords.minLength;
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
<form method="post" action="/account/recovery-codes">${csrfField(csrf)}<p>${ports.accounts.recoveryCodesLeft(a.id)} recovery code(s) left.</p>
<label for="rc-code">Current 6-digit code</label><input type="text" id="rc-code" name="code" inputmode="numeric" autocomplete="one-time-code">
<button type="submit">Make new recovery codes</button></form></section>
<section aria-labelledby="h-del"><h2 id="h-del">Delete my account</h2>
<p>Deletes every contribution in S3 (every version), your cameras and their logins, and then your account.</p>
<p><a class="button danger" href="/account/delete" id="delete-account">Delete my account…</a></p></section>`;
    return page({ title: 'Account', body, user: a.username, csrf, flash: takeFlash(ctx, req) });
  };

  app.get('/account', async (req, reply) => sendPage(reply, accountPage(req, requireAccount(req))));

  app.post('/account/time-zone', async (req, reply) => {
    const a = requireAccount(req);
    const f = parse(form({ timeZone: z.string().max(64) }), req.body);
    if (!isTimeZone(f.timeZone)) return sendPage(reply, accountPage(req, a, { timeZone: 'Choose a time zone from the list.' }), 400);
    ports.accounts.setTimeZone(a.id, f.timeZone);
    setFlash(ctx, req, `Times are now shown in ${f.timeZone}.`);
    return seeOther(reply, '/account');
  });

  app.post('/account/password', async (req, reply) => {
    const a = requireAccount(req);
    const f = parse(form({ current: z.string().max(256), code: z.string().trim().max(12), password: z.string().max(256), password2: z.string().max(256) }), req.body);
    guard(a);
    const errors: Errors = {};
    const min = config.passwords.minLength;
    if (f.password.length < min) errors.password = `Use at least ${min} characters.`;
    else if (f.password !== f.password2) errors.password2 = 'The two new passwords differ.';
    if (!(await pw(a, f.current))) errors.current = 'That is not your current password.';
    else if (!(await code(a, f.code))) errors.code = 'That code is not right (a code works once; wait for the next one).';
    if (errors.current || errors.code) failed(a);
    if (Object.keys(errors).length) return sendPage(reply, accountPage(req, a, errors), 400);
    ports.accounts.setPassword(a.id, await hashPassword(f.password, config.passwords.scryptLogN));
    // every other session of the account ends; this browser gets a new one
    ports.sessions.deleteForAccount(a.id);
    req.session = null;
    startSession(ctx, req, reply, 'full', a.id);
    setFlash(ctx, req, 'Password changed. Every other browser signed in to this account was signed out.');
    return seeOther(reply, '/account');
  });

  const totpPage = async (req: FastifyRequest, a: Account, secret: string, errors: Errors = {}) => {
    const csrf = req.session!.csrf;
    const body = html`<p>Link your new phone. The old phone's codes stop working once you confirm.</p>
${await totpSetupBlock(config.totp.issuer, a.username, secret)}
<form method="post" action="/account/totp">${csrfField(csrf)}<input type="hidden" name="secret" value="${secret}">
${field('code', 'The 6-digit code the new phone shows', 'text', errors, html`inputmode="numeric" autocomplete="one-time-code" required`)}
${field('current', 'Your password', 'password', errors, html`autocomplete="current-password" required`)}
<button type="submit">Use this phone</button></form>`;
    return page({ title: 'Set up two-step verification again', body, user: a.username, csrf });
  };

  app.get('/account/totp', async (req, reply) => sendPage(reply, await totpPage(req, requireAccount(req), generateSecret())));

  app.post('/account/totp', async (req, reply) => {
    const a = requireAccount(req);
    const f = parse(form({ secret: z.string().regex(/^[A-Z2-7]{16,64}$/, 'not a key'), code: z.string().trim().max(12), current: z.string().max(256) }), req.body);
    guard(a);
    const errors: Errors = {};
    if (!(await pw(a, f.current))) errors.current = 'That is not your password.';
    const step = await checkTotp(f.secret, f.code, ports.clock(), 0, config.totp.toleranceS);
    if (step === null) errors.code = 'That code is not right: check the time on the new phone and try its next code.';
    if (errors.current) failed(a);
    if (Object.keys(errors).length || step === null) return sendPage(reply, await totpPage(req, a, f.secret, errors), 400);
    ports.accounts.setTotp(a.id, f.secret, step);
    // the old phone is gone: so are the recovery codes that were meant for losing it; new ones, shown once
    return sendPage(reply, recoveryCodesPage(a.username, req.session!.csrf, issueRecoveryCodes(ctx, a.id)));
  });

  const deletePage = (req: FastifyRequest, a: Account, errors: Errors = {}) => {
    const cams = ports.cameras.listByOwner(a.id).length;
    const n = ports.contributions.count(a.id);
    const body = html`<p class="warn">This cannot be undone. It deletes:</p>
<ul><li><strong id="del-contributions">${n}</strong> contribution(s) in S3, with every stored version, and the review console's copies of your consent, its access entries and flags</li>
<li><strong>${cams}</strong> camera(s) and their broker logins (the cameras can no longer connect)</li>
<li>your account, its sign-ins, recovery codes and access log</li></ul>
<p>Kept, as the law requires: the record of each consent you gave (camera id, what, when, which wording), without your name and without any image, so it can be shown that what was uploaded had your consent.</p>
<form method="post" action="/account/delete">${csrfField(req.session!.csrf)}
${field('current', 'Your password', 'password', errors, html`autocomplete="current-password" required`)}
${field('code', '6-digit code from your authenticator app', 'text', errors, html`inputmode="numeric" autocomplete="one-time-code" required`)}
<div class="field${errors.confirm ? ' has-error' : ''}"><label><input type="checkbox" name="confirm" value="yes" required> Yes, delete my account and everything in it</label>${errors.confirm ? html`<p class="field-error">${errors.confirm}</p>` : ''}</div>
<button type="submit" class="danger" id="confirm-delete-account">Delete my account now</button> <a href="/account">Cancel</a></form>`;
    return page({ title: 'Delete my account', body, user: a.username, csrf: req.session!.csrf });
  };

  app.get('/account/delete', async (req, reply) => sendPage(reply, deletePage(req, requireAccount(req))));

  app.post('/account/delete', async (req, reply) => {
    const a = requireAccount(req);
    const f = parse(form({ current: z.string().max(256), code: z.string().trim().max(12), confirm: z.string().max(5).optional() }), req.body);
    guard(a);
    const errors: Errors = {};
    if (f.confirm !== 'yes') errors.confirm = 'Tick the box to confirm.';
    if (!(await pw(a, f.current))) errors.current = 'That is not your password.';
    else if (!(await code(a, f.code))) errors.code = 'That code is not right (a code works once; wait for the next one).';
    if (errors.current || errors.code) failed(a);
    if (Object.keys(errors).length) return sendPage(reply, deletePage(req, a, errors), 400);
    const r = await deleteAccount(ports, config, a);
    ctx.log.info(`web: account ${a.id} ${r.deleted ? 'deleted' : 'deletion incomplete'} (${r.contributions.deleted} contributions, ${r.contributions.objects + r.strays} objects, re-list ${r.remaining})`);
    if (!r.deleted) {
      setFlash(ctx, req, `Not finished: storage could not delete everything (${r.contributions.failed} contribution(s) failed). Your cameras are removed; nothing else was forgotten yet. Try again.`);
      return seeOther(reply, '/account/delete');
    }
    endSession(ctx, req, reply);
    const body = html`<p class="flash" role="status" id="account-deleted">Your account is deleted: ${r.contributions.deleted} contribution(s), ${r.contributions.objects} object(s) removed from S3 (every version), ${r.strays} other object(s) of yours (consent records for the review console, access entries, flags, leftovers), ${r.cameras} camera(s) removed.</p>
<p id="relist">A re-list of S3 under your prefixes (${ownerPrefixes(a.id).map((p) => p.split('/')[0]).join(', ')}) finds <strong>${r.remaining}</strong> object(s).</p><p><a href="/signup">Create a new account</a></p>`;
    return sendPage(reply, page({ title: 'Account deleted', body }));
  });
}
