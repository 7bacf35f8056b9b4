/**
 * Cameras: the list (with where each consent stands and the yearly reminder), adding one (its
 * broker login, MAC secret and provisioning file are shown once, in the response to the POST,
 * never in a URL: pairing.ts), renaming, placement.
 * Moving a camera inside turns its contributions off until the owner confirms, after a warning.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatDay, formatTime } from '../time.js';
import { reminderBanner } from '../reminder-banner.js';
import { registerRemoveCamera } from './camera-remove.js';
import { z } from 'zod';
import { HttpError, requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { choiceLabel, CHOICES, CONSENT_TEXT } from '../consent-text.js';
import { consentState, decide, type ConsentState } from '../consent.js';
import { csrfField, html, page, type Html } from '../html.js';
import { cameraId, form, parse } from '../input.js';
import type { Account, WebCamera } from '../ports.js';
import { setFlash, takeFlash } from '../session.js';
import { newCameraId } from '../tokens.js';
import { newCameraCredentials, type NewCameraCredentials } from '../../adapters/broker-credentials.js';
import { boardBrokerUrl, newLoginForm, pairingBody, registerNewLogin } from './pairing.js';
import { deviceCell, glanceOf, lastEventText, stateCell } from './camera-glance.js';
import { liveViewSection, registerLiveView } from './live-view.js';

const cameraName = z.string().trim().min(1, 'give it a name').max(60).regex(/^[^<>\u0000-\u001f]+$/, 'no control characters or < >');
const placement = z.enum(['exterior', 'interior']);

/** The owner's camera `id`, or 404 (the same answer for another owner's camera as for none). */
export function ownCamera(ctx: WebContext, a: Account, id: unknown): WebCamera {
  const cid = parse(z.object({ id: cameraId }), { id }).id;
  const cam = ctx.ports.cameras.get(cid);
  if (!cam || cam.ownerId !== a.id) throw new HttpError(404, 'No such camera.');
  return cam;
}

/** `tz`: the owner's time zone (the day consent ended is that zone's). */
export function stateText(s: ConsentState, tz = 'UTC'): Html {
  const day = (ms: number) => formatDay(ms, tz);
  switch (s.kind) {
    case 'off': return html`<span>off: nothing leaves your home</span>`;
    case 'interior-unconfirmed': return html`<span>off: interior camera, not confirmed</span>`;
    case 'expired': return html`<span class="bad">expired on ${day(s.sinceMs)}: nothing is uploaded until you confirm again</span>`;
    case 'active': return s.remind
      ? html`<span class="warn">ends in ${s.daysLeft} day(s): confirm again to keep contributing</span>`
      : html`<span>in force, ${s.daysLeft} day(s) left</span>`;
  }
}

/**
 * A camera's page: consent (with the text and "I agree"), name, placement, a new login, remove,
 * consent history. `typed`: after a failed consent form, the choice made and the error to show
 * next to the "I agree" box.
 */
export function cameraPage(ctx: WebContext, req: FastifyRequest, a: Account, cam: WebCamera, typed: { choice?: string; agreeError?: string } = {}): string {
  const csrf = req.session!.csrf;
  const { ports, config } = ctx;
  const st = consentState(cam, ports.clock(), config.consent.remindMs);
  const current = cam.consent?.purposes ?? 0;
  const interiorBlock = cam.placement === 'interior' && !cam.interiorConfirmed;
  const history = ports.cameras.consentHistory(cam.cameraId).slice(0, 20).map((r) => html`<tr><td>${formatTime(r.grantedMs, a.timeZone).slice(0, 16)}</td>
<td>${r.action}</td><td>${choiceLabel(r.purposes)}</td><td>v${r.version}</td><td>${r.textVersion}</td><td>${r.purposes ? formatDay(r.expiresMs, a.timeZone) : '-'}</td></tr>`);
  const act = ports.contributions.activity(a.id).find((x) => x.cameraId === cam.cameraId);
  const g = glanceOf(ports.cameraLink?.status(cam.cameraId) ?? null, act, ports.clock());
  const at = (ms: number | null | undefined) => (ms ? formatTime(ms, a.timeZone) : 'never');
  const body = html`<p>Camera id <code>${cam.cameraId}</code>, ${cam.placement}. Consent: <span id="consent-state">${stateText(st, a.timeZone)}</span></p>
<p id="camera-activity">${stateCell(g, a.timeZone, true)} · last event: ${lastEventText(g, a.timeZone)} · last contribution: ${at(act?.lastUploadedMs)} · ${act?.uploaded ?? 0} stored${act?.pending ? `, ${act.pending} waiting` : ''} · smart alerts: <a href="/alerts/settings">${ports.alerts.enabled(cam.cameraId) ? 'on' : 'off'}</a></p>
<p id="camera-device">${deviceCell(g)}</p>
${liveViewSection(ctx, cam, csrf, g.online)}
${(st.kind === 'expired' || (st.kind === 'active' && st.remind)) ? html`<form method="post" action="/cameras/${cam.cameraId}/reconfirm">${csrfField(csrf)}
<p class="warn">You agreed to "${choiceLabel(current)}" on ${formatDay(cam.consent!.grantedMs, a.timeZone)}. Confirm it for another year?</p><button type="submit">Confirm again</button></form>` : ''}
<h2>Contributions</h2>
${interiorBlock ? html`<form method="post" action="/cameras/${cam.cameraId}/interior-confirm">${csrfField(csrf)}<p class="warn">${CONSENT_TEXT.interior}</p>
<label><input type="checkbox" name="confirm" value="yes" required> I understand, and everyone who may be seen by this camera agrees.</label>
<button type="submit">Allow contributions from this interior camera</button></form>` : html`<form method="post" action="/cameras/${cam.cameraId}/contributions">${csrfField(csrf)}
<p>${CONSENT_TEXT.motion}</p><p>${CONSENT_TEXT.objectron}</p><p>${CONSENT_TEXT.common}</p>
<fieldset><legend>What this camera may contribute</legend>${CHOICES.map((c) => html`<label><input type="radio" name="choice" value="${c.value}" ${(typed.choice ? c.value === typed.choice : c.bits === current) ? html`checked` : ''}> ${c.label}</label>`)}</fieldset>
<div class="field${typed.agreeError ? ' has-error' : ''}"><label><input type="checkbox" name="agree" value="yes" ${typed.agreeError ? html`aria-invalid="true" aria-describedby="e-agree"` : ''}> I have read the text above and agree to it for this camera.</label>
${typed.agreeError ? html`<p class="field-error" id="e-agree">${typed.agreeError}</p>` : ''}</div>
<button type="submit">Save</button></form>`}
<h2>Name and placement</h2>
<form method="post" action="/cameras/${cam.cameraId}/name">${csrfField(csrf)}<label>Name <input type="text" name="name" value="${cam.name}" maxlength="60" required></label><button type="submit">Rename</button></form>
<form method="post" action="/cameras/${cam.cameraId}/placement">${csrfField(csrf)}<label>Placement <select name="placement">
<option value="exterior" ${cam.placement === 'exterior' ? html`selected` : ''}>exterior</option><option value="interior" ${cam.placement === 'interior' ? html`selected` : ''}>interior (turns contributions off)</option></select></label>
<button type="submit">Change placement</button></form>
${newLoginForm(cam, csrf)}
<h2>Remove this camera</h2><p>Its login stops working at once; you choose whether its contributions are kept or deleted. <a class="button danger" href="/cameras/${cam.cameraId}/remove" id="remove-camera">Remove camera…</a></p>
<h2>Consent history</h2><div class="table-wrap"><table><tr><th>when (${a.timeZone})</th><th>what</th><th>contributions</th><th>version</th><th>wording</th><th>ends</th></tr>${history}</table></div>`;
  return page({ title: cam.name, body, user: a.username, csrf, flash: takeFlash(ctx, req) });
}

/** The list, each camera's state at a glance, and the add form (with what was typed and the error next to the field after a failed add). */
function camerasPage(ctx: WebContext, req: FastifyRequest, a: Account, errors: Record<string, string> = {}, typed: { name?: string; placement?: string } = {}): string {
  const { ports, config } = ctx;
  const csrf = req.session!.csrf;
  const now = ports.clock();
  const cams = ports.cameras.listByOwner(a.id);
  const activity = new Map(ports.contributions.activity(a.id).map((x) => [x.cameraId, x]));
  const states = cams.map((c) => consentState(c, now, config.consent.remindMs));
  const when = (ms: number | null | undefined) => (ms ? formatTime(ms, a.timeZone) : 'never');
  const rows = cams.map((c, i) => {
    const act = activity.get(c.cameraId);
    const g = glanceOf(ports.cameraLink?.status(c.cameraId) ?? null, act, now);
    return html`<tr><td data-label="Camera"><a href="/cameras/${c.cameraId}">${c.name}</a><br><code>${c.cameraId}</code>, ${c.placement}</td>
<td data-label="State" class="last-seen">${stateCell(g, a.timeZone)}</td><td data-label="Device">${deviceCell(g)}</td><td data-label="Last event">${lastEventText(g, a.timeZone)}</td>
<td data-label="Last contribution">${when(act?.lastUploadedMs)}${act?.pending ? html`<br>${act.pending} waiting` : ''}</td>
<td data-label="Consent">${choiceLabel(c.consent?.purposes ?? 0)}<br>${stateText(states[i], a.timeZone)}</td><td data-label="Alerts"><a href="/alerts/settings">${ports.alerts.enabled(c.cameraId) ? 'on' : 'off'}</a></td></tr>`;
  });
  const nameErr = errors.name;
  const body = html`${reminderBanner(ctx, a, csrf, '/cameras')}
${cams.length ? html`<div class="table-wrap"><table id="cameras" class="cards"><thead><tr><th>Camera</th><th>State</th><th>Device</th><th>Last event</th><th>Last contribution</th><th>Consent</th><th>Alerts</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : html`<p id="no-cameras">No cameras yet. Add one below: the page then shows its login for the board, or for <code>npx quietcam sim scene:busy --camera ID --token TOKEN</code> (a simulated camera).</p>`}
<h2>Add a camera</h2>
<form method="post" action="/cameras" id="add-camera">${csrfField(csrf)}
<div class="field${nameErr ? ' has-error' : ''}"><label for="f-name">Name</label><input type="text" id="f-name" name="name" required maxlength="60" value="${typed.name ?? ''}" ${nameErr ? html`aria-invalid="true" aria-describedby="e-name"` : ''}>
${nameErr ? html`<p class="field-error" id="e-name">${nameErr}</p>` : ''}</div>
<div class="field"><label for="f-placement">Placement</label><select id="f-placement" name="placement"><option value="exterior">exterior (recommended)</option><option value="interior" ${typed.placement === 'interior' ? html`selected` : ''}>interior</option></select></div>
<button type="submit">Add camera</button></form>
<h2>Withdraw everything</h2>
<form method="post" action="/withdraw-all">${csrfField(csrf)}<p>Turn contributions off for every camera, at once. Already uploaded contributions stay until you delete them in the Data Integrity Zone.</p>
<button type="submit" class="danger">Withdraw all consent</button></form>
<p>Password, two-step verification, recovery codes (${ports.accounts.recoveryCodesLeft(a.id)} left), time zone and deleting your account: <a href="/account">Account</a>.</p>`;
  return page({ title: 'Cameras', body, user: a.username, csrf, flash: takeFlash(ctx, req) });
}

const cameraParam = (req: FastifyRequest) => (req.params as { id: string }).id;

/** GET /cameras: the list. */
function listRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get('/cameras', async (req, reply) => sendPage(reply, camerasPage(ctx, req, requireAccount(req))));
}

/** POST /cameras: add one; its login, secret and provisioning file are shown once, in this response. */
function addRoute(app: FastifyInstance, ctx: WebContext): void {
  const { ports, config } = ctx;
  app.post('/cameras', async (req, reply) => {
    const a = requireAccount(req);
    const raw = parse(form({ name: z.string().max(200), placement }), req.body);
    const checked = cameraName.safeParse(raw.name);
    if (!checked.success) return sendPage(reply, camerasPage(ctx, req, a, { name: `Name: ${checked.error.issues[0].message}.` }, raw), 400);
    const f = { name: checked.data, placement: raw.placement };
    if (ports.cameras.listByOwner(a.id).length >= 100) throw new HttpError(409, 'At most 100 cameras per account.');
    let cam: WebCamera | 'taken' = 'taken';
    let cred: NewCameraCredentials | null = null;
    for (let i = 0; i < 5 && cam === 'taken'; i++) {
      // the token is the camera's MQTT password; its hashes and the MAC secret derived from it are stored with the camera
      cred = newCameraCredentials(newCameraId());
      cam = ports.cameras.add({ cameraId: cred.cameraId, ownerId: a.id, name: f.name, placement: f.placement, interiorConfirmed: false, pairingHash: cred.pairingHash, createdMs: ports.clock() }, cred);
    }
    if (cam === 'taken' || !cred) throw new Error('could not find a free camera id');
    const body = html`${pairingBody({ cameraId: cam.cameraId, token: cred.token, macSecret: cred.macSecret, broker: boardBrokerUrl(config.boardBrokerUrl, req.hostname) })}
<p>Contributions are <strong>off</strong>. <a href="/cameras/${cam.cameraId}">Choose what this camera may contribute</a>.</p>`;
    return sendPage(reply, page({ title: `Camera "${f.name}" added`, body, user: a.username, csrf: req.session!.csrf }), 201);
  });
}

/** GET /cameras/:id: the camera's page. */
function cameraRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get('/cameras/:id', async (req, reply) => {
    const a = requireAccount(req);
    return sendPage(reply, cameraPage(ctx, req, a, ownCamera(ctx, a, cameraParam(req))));
  });
}

/** POST /cameras/:id/name. */
function renameRoute(app: FastifyInstance, ctx: WebContext): void {
  app.post('/cameras/:id/name', async (req, reply) => {
    const a = requireAccount(req);
    const cam = ownCamera(ctx, a, cameraParam(req));
    const f = parse(form({ name: cameraName }), req.body);
    ctx.ports.cameras.rename(cam.cameraId, f.name);
    setFlash(ctx, req, 'Renamed.');
    return seeOther(reply, `/cameras/${cam.cameraId}`);
  });
}

/** POST /cameras/:id/placement: inside turns contributions off until confirmed; outside keeps the consent given. */
function placementRoute(app: FastifyInstance, ctx: WebContext): void {
  const { ports, config } = ctx;
  app.post('/cameras/:id/placement', async (req, reply) => {
    const a = requireAccount(req);
    const cam = ownCamera(ctx, a, cameraParam(req));
    const f = parse(form({ placement }), req.body);
    if (f.placement === cam.placement) return seeOther(reply, `/cameras/${cam.cameraId}`);
    ports.cameras.setPlacement(cam.cameraId, f.placement, false);
    const moved = ports.cameras.get(cam.cameraId)!;
    const r = await decide(ports, config, moved, f.placement === 'interior' ? 0 : moved.consent?.purposes ?? 0, 'placement');
    setFlash(ctx, req, `Placement: ${f.placement}.${f.placement === 'interior' ? ' Contributions are off.' : ''}${r.push.pushed ? '' : ' The camera will get the change when it reconnects.'}`);
    return seeOther(reply, `/cameras/${cam.cameraId}`);
  });
}

/** Every route of the cameras area, one function each (and the new-login, remove and live-view files). */
export function registerCameras(app: FastifyInstance, ctx: WebContext): void {
  const own = (a: Account, id: unknown) => ownCamera(ctx, a, id);
  registerNewLogin(app, ctx, own);
  registerRemoveCamera(app, ctx, own);
  registerLiveView(app, ctx, own);
  listRoute(app, ctx);
  addRoute(app, ctx);
  cameraRoute(app, ctx);
  renameRoute(app, ctx);
  placementRoute(app, ctx);
}
