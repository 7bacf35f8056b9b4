/**
 * Smart alerts' event history (`/alerts/history`): the owner's events of the last 7 days, newest
 * first, each with its camera, start and end in the account's time zone, the verdict and score,
 * its frames with the person boxes drawn over them (an SVG that holds the image and the boxes: no
 * script, no inline style), and whether an alert went out and where (each channel's result).
 * Filters: one camera, people only. Deleting one event or all of them asks first and removes the
 * rows AND the frame files (src/adapters/sqlite-alerts.ts), and the alert from the live feed.
 *
 * Frames are served only to the event's owner, read from the path the relay recorded (never from
 * the request), with `cache-control: private, no-store`. Another owner's event reads as absent (404).
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HistoryEvent, HistoryFrame } from '../../alerts/types.js';
import { ALERT_DEFAULTS } from '../../alerts/verdict.js';
import { HttpError, requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { csrfField, html, page, type Html } from '../html.js';
import { form, parse } from '../input.js';
import type { Account } from '../ports.js';
import { setFlash, takeFlash } from '../session.js';
import { formatTime } from '../time.js';

export const HISTORY = {
  maxEvents: 200, // events on one page (newest first); a home with more in 7 days filters by camera
  retentionMs: ALERT_DEFAULTS.retentionMs, // 7 days: also pruned here, so the promise holds while the relay's alert stage is off
};

const filterSchema = z.object({
  camera: z.string().max(64).optional(),
  people: z.literal('yes').optional(),
}).strict();
type Filter = z.infer<typeof filterSchema>;
const idParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
const frameParams = idParam.extend({ index: z.coerce.number().int().min(0).max(255) });
const deleteForm = form({ confirm: z.literal('yes').optional(), camera: z.string().max(64).optional(), people: z.literal('yes').optional() });

/** The history page's URL for a filter (what the delete forms go back to). */
function listUrl(f: Filter): string {
  const q = new URLSearchParams();
  if (f.camera) q.set('camera', f.camera);
  if (f.people) q.set('people', 'yes');
  const s = q.toString();
  return s ? `/alerts/history?${s}` : '/alerts/history';
}

const filterFields = (f: Filter) => html`${f.camera ? html`<input type="hidden" name="camera" value="${f.camera}">` : ''}${f.people ? html`<input type="hidden" name="people" value="yes">` : ''}`;

function historyOf(ctx: WebContext) {
  if (!ctx.ports.history) throw new HttpError(404, 'This server keeps no event history (smart alerts are not set up).');
  return ctx.ports.history;
}

/** The owner's event, or 404 (another owner's event is the same as none). */
function ownEvent(ctx: WebContext, a: Account, id: number): HistoryEvent {
  const ev = historyOf(ctx).get(id);
  if (!ev || ev.ownerId !== a.id) throw new HttpError(404, 'No such event (deleted, or older than 7 days).');
  return ev;
}

const score = (s: number) => (s < 0 ? 'not scored' : s.toFixed(2));

function verdictText(ev: HistoryEvent): string {
  if (ev.verdict === 'person') return `Person (score ${score(ev.bestScore)})`;
  if (ev.verdict === 'no-person') return `No person (best score ${ev.bestFrame < 0 ? 'none' : score(ev.bestScore)})`;
  return 'Being checked';
}

/** Where the alert went: each channel's result from the alert log, else the channels the history recorded. */
function alertText(ctx: WebContext, ev: HistoryEvent, tz: string): Html {
  if (ev.alertMs === null) return html`No alert${ev.verdict === 'no-person' ? ' (no person)' : ''}`;
  const sent = ctx.ports.alerts.forEvent(ev.ownerId, ev.cameraId, String(ev.id));
  const results = Object.entries(sent?.deliveries ?? {});
  const where = results.length
    ? html`<ul class="deliveries">${results.map(([ch, st]) => html`<li class="${st.startsWith('failed') ? 'failed' : 'ok'}"><strong>${ch}</strong>: ${st}</li>`)}</ul>`
    : ev.alertTo ? html` to ${ev.alertTo}` : html` (no channel took it: alerts off for this camera, or no channel chosen)`;
  return html`Alert at ${formatTime(ev.alertMs, tz)}${where}`;
}

/** One frame: the image and its person boxes in one SVG, in the frame's own pixels. */
function frameFigure(ev: HistoryEvent, f: HistoryFrame): Html {
  const w = f.width > 0 ? f.width : 320;
  const h = f.height > 0 ? f.height : 240;
  const label = `Frame ${f.index + 1}, ${(f.offsetMs / 1000).toFixed(1)} s into the event, person score ${score(f.score)}, ${f.boxes.length} person box(es)`;
  const boxes = f.boxes.map((b) => html`<rect class="person-box" x="${Math.round(b.x)}" y="${Math.round(b.y)}" width="${Math.round(b.w)}" height="${Math.round(b.h)}" fill="none" stroke="#ffb000" stroke-width="3" vector-effect="non-scaling-stroke"></rect>`);
  const r = f.region;
  // where the detector looked: the region around the board's motion (dashed), else the whole frame
  const region = r ? html`<rect class="scored-region" x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="none" stroke="#ffffff" stroke-width="2" stroke-dasharray="6 4" vector-effect="non-scaling-stroke"></rect>` : html``;
  const looked = f.score < 0 ? 'not scored' : r ? 'the dashed region scored' : 'whole frame scored';
  return html`<figure class="frame" data-frame="${f.index}"><svg viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="${label}, ${looked}">
<image href="/alerts/history/${ev.id}/frames/${f.index}" x="0" y="0" width="${w}" height="${h}"></image>${region}${boxes}</svg>
<figcaption>+${(f.offsetMs / 1000).toFixed(1)} s, score ${score(f.score)} (${looked})</figcaption></figure>`;
}

function eventItem(ctx: WebContext, ev: HistoryEvent, camName: string, tz: string, f: Filter): Html {
  return html`<article class="event" id="event-${ev.id}" data-event="${ev.id}" data-verdict="${ev.verdict}">
<h2>${camName}, ${formatTime(ev.startMs, tz)}</h2>
<dl><dt>Camera</dt><dd>${camName} <code>${ev.cameraId}</code></dd>
<dt>Start</dt><dd class="start">${formatTime(ev.startMs, tz)}</dd>
<dt>End</dt><dd class="end">${ev.endMs === null ? 'not ended yet' : formatTime(ev.endMs, tz)}</dd>
<dt>Verdict</dt><dd class="verdict">${verdictText(ev)}</dd>
<dt>Alert</dt><dd class="alert-sent">${alertText(ctx, ev, tz)}</dd></dl>
<div class="full">${ev.frames.map((fr) => frameFigure(ev, fr))}</div>
<p><a class="button danger" href="${`/alerts/history/${ev.id}/delete${listUrl(f).slice('/alerts/history'.length)}`}">Delete this event</a></p></article>`;
}

async function listPage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const history = historyOf(ctx);
  const f = parse(filterSchema, req.query);
  history.prune(ctx.ports.clock() - HISTORY.retentionMs);
  const cams = ctx.ports.cameras.listByOwner(a.id);
  const names = new Map(cams.map((c) => [c.cameraId, c.name]));
  const events = history.list({ ownerId: a.id, cameraId: f.camera || undefined, peopleOnly: !!f.people, limit: HISTORY.maxEvents });
  const tz = a.timeZone;
  const filters = html`<form method="get" action="/alerts/history" id="filter">
<label for="f-camera">Camera</label><select id="f-camera" name="camera"><option value="">All cameras</option>${cams.map((c) => html`<option value="${c.cameraId}" ${c.cameraId === f.camera ? html`selected` : ''}>${c.name}</option>`)}</select>
<label><input type="checkbox" name="people" value="yes" ${f.people ? html`checked` : ''}> People only</label>
<button type="submit">Show</button></form>`;
  const body = html`<p>Every motion event of the last 7 days on the cameras with smart alerts on, with the frames the person detector looked at
(yellow boxes: where it saw a person; a dashed outline: the part around the motion it looked at, when not the whole frame). Older events and their frames are deleted. Times in ${tz} (<a href="/account">change</a>). <a href="/alerts">Live alerts</a> · <a href="/alerts/settings">Settings</a></p>
${filters}
<p id="event-count">${events.length === HISTORY.maxEvents ? `The newest ${events.length} events` : `${events.length} event(s)`}${f.camera || f.people ? ' matching the filter' : ''}.</p>
${events.length ? html`<p><a class="button danger" href="/alerts/history/delete-all" id="delete-all">Delete every event</a></p>` : ''}
<div id="events">${events.map((ev) => eventItem(ctx, ev, names.get(ev.cameraId) ?? ev.cameraId, tz, f))}</div>
${!events.length && !ctx.ports.alerts.enabledCameras(a.id).length ? html`<p id="all-off">Smart alerts are off for every camera, so no event is recorded. <a href="/alerts/settings">Turn them on</a> for a camera.</p>` : ''}`;
  reply.header('cache-control', 'private, no-store');
  return sendPage(reply, page({ title: 'Event history', body, user: a.username, csrf: req.session!.csrf, flash: takeFlash(ctx, req) }));
}

async function frameImage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const p = parse(frameParams, req.params);
  const fr = ownEvent(ctx, a, p.id).frames.find((x) => x.index === p.index);
  if (!fr) throw new HttpError(404, 'No such frame.');
  let body: Buffer;
  try {
    body = await readFile(fr.path);
  } catch {
    throw new HttpError(404, 'This frame was deleted.');
  }
  return reply.header('cache-control', 'private, no-store').type('image/jpeg').send(body);
}

function confirmOne(ctx: WebContext, req: FastifyRequest, reply: FastifyReply, a: Account, ev: HistoryEvent, f: Filter) {
  const name = ctx.ports.cameras.listByOwner(a.id).find((c) => c.cameraId === ev.cameraId)?.name ?? ev.cameraId;
  const body = html`<p class="warn">This deletes the event of ${name} at ${formatTime(ev.startMs, a.timeZone)} (${verdictText(ev)}) from this server:
its record, its ${ev.frames.length} frame file(s), and its alert in the live feed. Alerts already sent (MQTT, webhook, push) stay where they went.</p>
<form method="post" action="/alerts/history/${ev.id}/delete">${csrfField(req.session!.csrf)}${filterFields(f)}<input type="hidden" name="confirm" value="yes">
<button type="submit" class="danger" id="confirm-delete">Delete this event</button> <a href="${listUrl(f)}">Cancel</a></form>`;
  return sendPage(reply, page({ title: 'Delete this event?', body, user: a.username, csrf: req.session!.csrf }));
}

async function deleteOnePage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const ev = ownEvent(ctx, a, parse(idParam, req.params).id);
  return confirmOne(ctx, req, reply, a, ev, parse(filterSchema, req.query));
}

async function deleteOne(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const ev = ownEvent(ctx, a, parse(idParam, req.params).id);
  const f = parse(deleteForm, req.body);
  const back: Filter = { camera: f.camera, people: f.people };
  if (f.confirm !== 'yes') return confirmOne(ctx, req, reply, a, ev, back);
  if (!historyOf(ctx).delete(ev.id, a.id)) throw new HttpError(404, 'No such event (already deleted).');
  ctx.ports.alerts.forgetEvent(a.id, ev.cameraId, String(ev.id));
  setFlash(ctx, req, `Deleted the event of ${formatTime(ev.startMs, a.timeZone)} and its ${ev.frames.length} frame(s).`);
  return seeOther(reply, listUrl(back));
}

function confirmAll(ctx: WebContext, req: FastifyRequest, reply: FastifyReply, a: Account) {
  const n = historyOf(ctx).list({ ownerId: a.id, limit: Number.MAX_SAFE_INTEGER }).length;
  const body = html`<p class="warn">This deletes <strong id="delete-all-count">${n}</strong> event(s) of every camera from this server: their records,
their frame files, and their alerts in the live feed. Alerts already sent (MQTT, webhook, push) stay where they went. Smart alerts stay on as they are.</p>
<form method="post" action="/alerts/history/delete-all">${csrfField(req.session!.csrf)}<input type="hidden" name="confirm" value="yes">
<button type="submit" class="danger" id="confirm-delete-all">Delete all ${n} event(s)</button> <a href="/alerts/history">Cancel</a></form>`;
  return sendPage(reply, page({ title: 'Delete every event?', body, user: a.username, csrf: req.session!.csrf }));
}

async function deleteAllPage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  return confirmAll(ctx, req, reply, requireAccount(req));
}

async function deleteAll(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const f = parse(form({ confirm: z.literal('yes').optional() }), req.body);
  if (f.confirm !== 'yes') return confirmAll(ctx, req, reply, a);
  const n = historyOf(ctx).deleteAll(a.id);
  ctx.ports.alerts.forgetAll(a.id);
  setFlash(ctx, req, `Deleted ${n} event(s) and their frames.`);
  return seeOther(reply, '/alerts/history');
}

export function registerAlertHistory(app: FastifyInstance, ctx: WebContext): void {
  app.get('/alerts/history', (req, reply) => listPage(ctx, req, reply));
  app.get('/alerts/history/:id/frames/:index', (req, reply) => frameImage(ctx, req, reply));
  app.get('/alerts/history/:id/delete', (req, reply) => deleteOnePage(ctx, req, reply));
  app.post('/alerts/history/:id/delete', (req, reply) => deleteOne(ctx, req, reply));
  app.get('/alerts/history/delete-all', (req, reply) => deleteAllPage(ctx, req, reply));
  app.post('/alerts/history/delete-all', (req, reply) => deleteAll(ctx, req, reply));
}
