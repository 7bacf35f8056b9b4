/**
 * Smart alerts, the owner's settings (`/alerts/settings`): per camera on/off, "Turn off for every
 * camera", the channels (MQTT / Home Assistant, a webhook, Web Push on this browser) and the
 * enrolment log. Turning a camera ON, or pointing the webhook somewhere, needs a fresh TOTP code
 * (counted per account like new recovery codes); turning alerts off never does. Every on/off is
 * logged (who, when, which camera, what).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { webhookUrlOk } from '../../alerts/urls.js';
import { HttpError, requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { csrfField, html, page, type Html } from '../html.js';
import { form, parse } from '../input.js';
import type { Account } from '../ports.js';
import { CSP_WITH_OWN_SCRIPTS } from '../security.js';
import { setFlash, takeFlash } from '../session.js';
import { formatTime } from '../time.js';
import { checkTotp } from '../totp.js';
import { ownCamera } from './cameras.js';

const ACTIONS = { enrol: 'turned on', unenrol: 'turned off', 'unenrol-all': 'turned off for every camera' } as const;

/** A current TOTP code, or 400 (and counted: past the limit, 429). */
async function freshCode(ctx: WebContext, a: Account, code: string | undefined, what: string): Promise<void> {
  const { ports } = ctx;
  const key = `alerts:${a.id}`;
  const wait = ctx.limiter.blockedFor(key, ports.clock());
  if (wait > 0) throw new HttpError(429, `Too many wrong codes. Try again in ${Math.ceil(wait / 60000)} minute(s).`, { 'retry-after': String(Math.ceil(wait / 1000)) });
  const step = await checkTotp(a.totpSecret, code ?? '', ports.clock(), a.totpLastStep, ctx.config.totp.toleranceS);
  if (step === null) {
    ctx.limiter.fail(key, ports.clock());
    throw new HttpError(400, `That code is not right (a code works once; wait for the next one). ${what}`);
  }
  ports.accounts.setTotpStep(a.id, step);
}

function cameraRows(ctx: WebContext, a: Account, csrf: string): Html | Html[] {
  const on = new Set(ctx.ports.alerts.enabledCameras(a.id));
  const cams = ctx.ports.cameras.listByOwner(a.id);
  if (!cams.length) return html`<p>No cameras yet.</p>`;
  const rows = cams.map((c) => html`<tr data-camera="${c.cameraId}"><td>${c.name}<br><code>${c.cameraId}</code></td>
<td class="alert-state">${on.has(c.cameraId) ? 'on' : 'off'}</td><td>${on.has(c.cameraId)
    ? html`<form method="post" action="/alerts/cameras/${c.cameraId}">${csrfField(csrf)}<input type="hidden" name="on" value="no"><button type="submit">Turn off</button></form>`
    : html`<form method="post" action="/alerts/cameras/${c.cameraId}">${csrfField(csrf)}<input type="hidden" name="on" value="yes">
<label>6-digit code <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="6"></label><button type="submit">Turn on</button></form>`}</td></tr>`);
  return html`<table id="alert-cameras"><tr><th>Camera</th><th>Smart alerts</th><th></th></tr>${rows}</table>`;
}

function channelForms(ctx: WebContext, a: Account, csrf: string): Html {
  const ch = ctx.ports.alerts.channels(a.id);
  const subs = ctx.ports.alerts.pushSubscriptions(a.id).length;
  const key = ctx.ports.vapidPublicKey;
  return html`<h2>Where alerts go</h2>
<form method="post" action="/alerts/channels">${csrfField(csrf)}
<label><input type="checkbox" name="mqtt" value="yes" ${ch.mqtt ? html`checked` : ''}> MQTT on this home's broker (<code>quietcam/&lt;camera&gt;/alert</code>, Home Assistant discovery; read only by the <code>quietcam-ha</code> login)</label>
<label><input type="checkbox" name="webPush" value="yes" ${ch.webPush ? html`checked` : ''}> Web Push to the browsers you subscribe below (${subs} subscribed)</label>
<label>Webhook URL (http or https; empty: none) <input type="text" name="webhookUrl" value="${ch.webhookUrl ?? ''}" maxlength="2000"></label>
<label>6-digit code (only needed to set or change the webhook URL) <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6"></label>
<button type="submit">Save</button></form>
${ch.webhookUrl ? html`<form method="post" action="/alerts/webhook-secret">${csrfField(csrf)}<p>Each call is signed with your webhook secret (see the alerts README for how to check it).</p><button type="submit">Make a new webhook secret</button></form>` : ''}
<h2>Web Push on this browser</h2>
${key ? html`<p><button type="button" id="push-subscribe" data-key="${key}" data-csrf="${csrf}">Send alerts to this browser</button> <span id="push-state"></span></p>` : html`<p>Web Push is not set up on this server.</p>`}`;
}

async function settingsPage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const csrf = req.session!.csrf;
  const log = ctx.ports.alerts.enrolmentLog(a.id, 50).map((e) => html`<tr><td>${formatTime(e.atMs, a.timeZone)}</td><td>${e.by}</td><td>${e.cameraId ? html`<code>${e.cameraId}</code>` : 'all'}</td><td>${ACTIONS[e.action]}</td></tr>`);
  const body = html`<p>A smart alert tells you when a camera's motion event shows a <strong>person</strong> (not a branch, a cat or headlights).
It is sent only where you choose below. Turning alerts on for a camera needs your two-step code. <a href="/alerts/history">Event history</a> · <a href="/alerts">Live alerts</a></p>
${cameraRows(ctx, a, csrf)}
<form method="post" action="/alerts/off-all">${csrfField(csrf)}<button type="submit" class="danger" id="unenrol-all">Turn smart alerts off for every camera</button></form>
${channelForms(ctx, a, csrf)}
<h2>Enrolment log</h2><table id="enrolment-log"><tr><th>when</th><th>who</th><th>camera</th><th>what</th></tr>${log}</table>
<script src="/static/alerts.js" defer></script>`;
  reply.header('content-security-policy', CSP_WITH_OWN_SCRIPTS);
  return sendPage(reply, page({ title: 'Smart alerts: settings', body, user: a.username, csrf, flash: takeFlash(ctx, req) }));
}

async function setCamera(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const cam = ownCamera(ctx, a, (req.params as { id: string }).id);
  const f = parse(form({ on: z.enum(['yes', 'no']), code: z.string().trim().max(12).optional() }), req.body);
  if (f.on === 'yes') await freshCode(ctx, a, f.code, 'Alerts stay off.');
  ctx.ports.alerts.setEnabled(a.id, cam.cameraId, f.on === 'yes', a, ctx.ports.clock());
  setFlash(ctx, req, `Smart alerts ${f.on === 'yes' ? 'on' : 'off'} for ${cam.name}.`);
  return seeOther(reply, '/alerts/settings');
}

async function offAll(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  parse(form({}), req.body);
  const n = ctx.ports.alerts.disableAll(a.id, a, ctx.ports.clock());
  setFlash(ctx, req, `Smart alerts are off for every camera (${n} were on).`);
  return seeOther(reply, '/alerts/settings');
}

async function saveChannels(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const f = parse(form({ mqtt: z.literal('yes').optional(), webPush: z.literal('yes').optional(), webhookUrl: z.string().trim().max(2000), code: z.string().trim().max(12).optional() }), req.body);
  if (f.webhookUrl && !webhookUrlOk(f.webhookUrl)) throw new HttpError(400, 'Invalid webhookUrl: expected an http:// or https:// URL without a user name or password.');
  const ch = ctx.ports.alerts.channels(a.id);
  const url = f.webhookUrl || null;
  const changed = url !== ch.webhookUrl;
  if (changed && url) await freshCode(ctx, a, f.code, 'Nothing was changed.');
  const secret = url ? (changed ? randomBytes(32).toString('base64url') : ch.webhookSecret) : null;
  ctx.ports.alerts.setChannels(a.id, { mqtt: !!f.mqtt, webPush: !!f.webPush, webhookUrl: url, webhookSecret: secret });
  if (changed && url) return secretPage(req, reply, a, secret!);
  setFlash(ctx, req, 'Saved.');
  return seeOther(reply, '/alerts/settings');
}

async function newWebhookSecret(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  parse(form({}), req.body);
  const ch = ctx.ports.alerts.channels(a.id);
  if (!ch.webhookUrl) throw new HttpError(409, 'Set a webhook URL first.');
  const secret = randomBytes(32).toString('base64url');
  ctx.ports.alerts.setChannels(a.id, { ...ch, webhookSecret: secret });
  return secretPage(req, reply, a, secret);
}

/** The secret, once, in the answer to the POST (never in a URL). */
function secretPage(req: FastifyRequest, reply: FastifyReply, a: Account, secret: string) {
  const body = html`<p>Your webhook secret. It is shown <strong>once</strong>: put it into the receiving side now. Each call carries
<code>X-Quietcam-Timestamp</code> and <code>X-Quietcam-Signature: v1=&lt;hex HMAC-SHA256(secret, timestamp + "." + body)&gt;</code>.</p>
<p class="secret" id="webhook-secret">${secret}</p><p><a href="/alerts/settings">Back to the alert settings</a></p>`;
  return sendPage(reply, page({ title: 'Webhook secret', body, user: a.username, csrf: req.session!.csrf }));
}

export function registerAlertSettings(app: FastifyInstance, ctx: WebContext): void {
  app.get('/alerts/settings', (req, reply) => settingsPage(ctx, req, reply));
  app.post('/alerts/cameras/:id', (req, reply) => setCamera(ctx, req, reply));
  app.post('/alerts/off-all', (req, reply) => offAll(ctx, req, reply));
  app.post('/alerts/channels', (req, reply) => saveChannels(ctx, req, reply));
  app.post('/alerts/webhook-secret', (req, reply) => newWebhookSecret(ctx, req, reply));
}
