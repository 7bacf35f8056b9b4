/**
 * Deleting the account (removal.ts deleteAccount), after a confirmation with the password, a code
 * and a tick; the answer shows what went and what a re-list of S3 and of the event history found.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { csrfField, field, html, page } from '../html.js';
import { form, parse } from '../input.js';
import type { Account } from '../ports.js';
import { deleteAccount, ownerKeys, ownerPrefixes, type AccountDeletion } from '../removal.js';
import { endSession, setFlash, takeFlash } from '../session.js';
import { accountChecks, type Errors } from './account-checks.js';

function deletePage(ctx: WebContext, req: FastifyRequest, a: Account, errors: Errors = {}): string {
  const { ports } = ctx;
  const cams = ports.cameras.listByOwner(a.id).length;
  const n = ports.contributions.count(a.id);
  const events = ports.history?.list({ ownerId: a.id, limit: 1000 }).length ?? 0;
  const body = html`<p class="warn">This cannot be undone. It deletes:</p>
<ul><li><strong id="del-contributions">${n}</strong> contribution(s) in S3, with every stored version, and the review console's copies of your consent, its access entries, flags and counts</li>
<li><strong>${cams}</strong> camera(s) and their broker logins (the cameras can no longer connect)</li>
<li><strong id="del-events">${events}${events === 1000 ? '+' : ''}</strong> smart-alert event(s) with their frames on this server, the alerts sent, your alert settings and consent reminders</li>
<li>your account, its sign-ins, recovery codes and access log</li></ul>
<p>Kept, as the law requires: the record of each consent you gave (camera id, what, when, which wording), without your name and without any image, so it can be shown that what was uploaded had your consent.</p>
<form method="post" action="/account/delete">${csrfField(req.session!.csrf)}
${field('current', 'Your password', 'password', errors, html`autocomplete="current-password" required`)}
${field('code', '6-digit code from your authenticator app', 'text', errors, html`inputmode="numeric" autocomplete="one-time-code" required`)}
<div class="field${errors.confirm ? ' has-error' : ''}"><label><input type="checkbox" name="confirm" value="yes" required> Yes, delete my account and everything in it</label>${errors.confirm ? html`<p class="field-error">${errors.confirm}</p>` : ''}</div>
<button type="submit" class="danger" id="confirm-delete-account">Delete my account now</button> <a href="/account">Cancel</a></form>`;
  return page({ title: 'Delete my account', body, user: a.username, csrf: req.session!.csrf, flash: takeFlash(ctx, req) });
}

function deletedPage(a: Account, r: AccountDeletion): string {
  const roots = [...ownerPrefixes(a.id), ...ownerKeys(a.id)].map((p) => p.split('/')[0]).join(', ');
  const body = html`<p class="flash" role="status" id="account-deleted">Your account is deleted: ${r.contributions.deleted} contribution(s), ${r.contributions.objects} object(s) removed from S3 (every version), ${r.strays} other object(s) of yours (consent records for the review console, access entries, flags, counts, leftovers), ${r.cameras} camera(s) removed.</p>
<p id="local-deleted">On this server: ${r.local.events} smart-alert event(s) with their frame files, ${r.local.alerts} sent alert(s), ${r.local.reminders} consent reminder(s), your alert settings and push subscriptions.</p>
<p id="relist">A re-list of S3 under your prefixes (${roots}) finds <strong>${r.remaining}</strong> object(s). The event history lists <strong id="events-left">${r.local.eventsLeft}</strong> event(s) of yours.</p><p><a href="/signup">Create a new account</a></p>`;
  return page({ title: 'Account deleted', body });
}

async function confirmDelete(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const check = accountChecks(ctx);
  const a = requireAccount(req);
  const f = parse(form({ current: z.string().max(256), code: z.string().trim().max(12), confirm: z.string().max(5).optional() }), req.body);
  check.guard(a);
  const errors: Errors = {};
  if (f.confirm !== 'yes') errors.confirm = 'Tick the box to confirm.';
  if (!(await check.password(a, f.current))) errors.current = 'That is not your password.';
  else if (!(await check.code(a, f.code))) errors.code = 'That code is not right (a code works once; wait for the next one).';
  if (errors.current || errors.code) check.failed(a);
  if (Object.keys(errors).length) return sendPage(reply, deletePage(ctx, req, a, errors), 400);
  const r = await deleteAccount(ctx.ports, ctx.config, a);
  ctx.log.info(`web: account ${a.id} ${r.deleted ? 'deleted' : 'deletion incomplete'} (${r.contributions.deleted} contributions, ${r.contributions.objects + r.strays} objects, re-list ${r.remaining}; ${r.local.events} events, ${r.local.eventsLeft} left)`);
  if (!r.deleted) {
    setFlash(ctx, req, `Not finished: storage could not delete everything (${r.contributions.failed} contribution(s) failed, ${r.remaining} object(s) found again, ${r.local.eventsLeft} event(s) left). Your cameras are removed; your account is not forgotten yet. Try again.`);
    return seeOther(reply, '/account/delete');
  }
  endSession(ctx, req, reply);
  return sendPage(reply, deletedPage(a, r));
}

export function registerAccountDelete(app: FastifyInstance, ctx: WebContext): void {
  app.get('/account/delete', async (req, reply) => sendPage(reply, deletePage(ctx, req, requireAccount(req))));
  app.post('/account/delete', (req, reply) => confirmDelete(ctx, req, reply));
}
