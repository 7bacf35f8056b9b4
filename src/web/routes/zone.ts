/**
 * The Data Integrity Zone: every contribution of the owner with its five images, filtered by
 * camera and date, one page at a time; a contribution's full view; deleting one, a selection, a
 * camera's or everything (deletion.ts), after which the page lists again from the index and says
 * what a re-list of S3 found; the consent reminder banner (reminder-banner.ts). One handler function per route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { choiceLabel } from '../consent-text.js';
import { deleteContributions, deleteRecords, reportText } from '../deletion.js';
import { csrfField, html, page, type Html } from '../html.js';
import { dayStartMs, formatTime } from '../time.js';
import { bundleId, cameraId, contributionRef, form, many, parse } from '../input.js';
import type { ContributionFilter, ContributionRecord } from '../ports.js';
import { setFlash, takeFlash } from '../session.js';
import { ownCamera } from './cameras.js';
import { reviewSection } from './zone-review.js';
import { reminderBanner } from '../reminder-banner.js';

/** The five images, in the order of DESIGN.md ("Where the ideas come from"). */
export const IMAGES = [
  { name: '1-view.jpg', label: 'camera view' },
  { name: '2-sky.png', label: 'sky mask' },
  { name: '3-static.png', label: 'static motion mask' },
  { name: '4-motion.png', label: 'motion boxes' },
  { name: '5-background.jpg', label: 'background (blurred)' },
];

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(s + 'T00:00:00Z')), 'not a date');
const DAY = 86400000;

const imgUrl = (r: ContributionRecord, name: string) => `/zone/img/${r.cameraId}/${r.bundleId}/${name}`;

/** The zone's list: filters, one page of contributions, the delete forms, the review console's notes, the reminder banner. */
async function showZone(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const { ports } = ctx;
  const a = requireAccount(req);
  const q = parse(z.object({
    camera: z.union([z.literal(''), cameraId]).optional(), from: z.union([z.literal(''), date]).optional(),
    to: z.union([z.literal(''), date]).optional(), page: z.coerce.number().int().min(1).max(100000).optional(),
  }).strict(), req.query);
  const cams = ports.cameras.listByOwner(a.id);
  const review = await reviewSection(ports, a.id, a.timeZone);
  const names = new Map(cams.map((c) => [c.cameraId, c.name]));
  const filter: ContributionFilter = {};
  if (q.camera) filter.cameraId = q.camera;
  // days in the owner's time zone, as every time on the page
  if (q.from) filter.fromMs = dayStartMs(q.from, a.timeZone);
  if (q.to) filter.toMs = dayStartMs(new Date(Date.parse(q.to + 'T00:00:00Z') + DAY).toISOString().slice(0, 10), a.timeZone);
  const total = ports.contributions.count(a.id, filter);
  const size = ctx.config.pageSize;
  const pageNo = q.page ?? 1;
  const rows = ports.contributions.list(a.id, { ...filter, limit: size, offset: (pageNo - 1) * size });
  const csrf = req.session!.csrf;
  const qs = (p: number) => new URLSearchParams({ camera: q.camera ?? '', from: q.from ?? '', to: q.to ?? '', page: String(p) }).toString();
  const body = html`${reminderBanner(ctx, a, csrf, '/zone')}<p>Everything your cameras contributed, as stored in S3 (encrypted). Deleting removes every copy from S3 and from the index.
<a href="/zone/export.zip" id="export">Export all my data (zip)</a></p>
<form method="get" action="/zone" id="filter"><label>Camera <select name="camera"><option value="">all</option>
${cams.map((c) => html`<option value="${c.cameraId}" ${q.camera === c.cameraId ? html`selected` : ''}>${c.name}</option>`)}</select></label>
<label>From <input type="date" name="from" value="${q.from ?? ''}"></label><label>To <input type="date" name="to" value="${q.to ?? ''}"></label>
<button type="submit">Filter</button></form>
<p id="count">${total} contribution(s)${total > size ? html` — page ${pageNo} of ${Math.ceil(total / size)}` : ''}. Times and days in ${a.timeZone}.</p>
${rows.length ? html`<form method="post" action="/zone/delete" id="list">${csrfField(csrf)}
<table class="list"><thead><tr><th>Select</th><th>Captured</th><th>Camera</th><th>Purposes</th><th>Images</th><th>Delete</th></tr></thead><tbody>
${rows.map((r) => html`<tr class="contribution" data-id="${r.cameraId}/${r.bundleId}"><td><input type="checkbox" name="sel" value="${r.cameraId}/${r.bundleId}" aria-label="select the contribution of ${formatTime(r.captureTimeMs, a.timeZone)}"></td>
<td><a href="/zone/c/${r.cameraId}/${r.bundleId}">${formatTime(r.captureTimeMs, a.timeZone)}</a></td><td>${names.get(r.cameraId) ?? r.cameraId}</td><td>${choiceLabel(r.purposes)}</td>
<td class="thumbs">${IMAGES.filter((i) => r.objects.some((o) => o.name === i.name)).map((i) => html`<a href="${imgUrl(r, i.name)}"><img src="${imgUrl(r, i.name)}" alt="${i.label}" title="${i.label}" loading="lazy"></a>`)}</td>
<td><button type="submit" name="one" value="${r.cameraId}/${r.bundleId}" class="danger">Delete…</button></td></tr>`)}
</tbody></table><button type="submit" class="danger" id="delete-selected">Delete selected…</button></form>` : html`<p id="empty">Nothing here.</p>`}
${pageNo > 1 ? html`<a href="/zone?${qs(pageNo - 1)}">newer</a> ` : ''}${pageNo * size < total ? html`<a href="/zone?${qs(pageNo + 1)}">older</a>` : ''}
<h2>Delete more at once</h2>
${cams.length ? html`<form method="post" action="/zone/delete-camera">${csrfField(csrf)}<label>Everything of camera <select name="camera">${cams.map((c) => html`<option value="${c.cameraId}">${c.name}</option>`)}</select></label>
<button type="submit" class="danger">Delete this camera's contributions…</button></form>` : ''}
<form method="post" action="/zone/delete-all">${csrfField(csrf)}<button type="submit" class="danger" id="delete-all">Delete everything…</button></form>
${review}`;
  return sendPage(reply, page({ title: 'Data Integrity Zone', body, user: a.username, csrf, flash: takeFlash(ctx, req) }));
}

async function showContribution(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const { ports } = ctx;
  const a = requireAccount(req);
  const p = parse(z.object({ camera: cameraId, bundle: bundleId }), req.params);
  const r = ports.contributions.get(a.id, p.camera, p.bundle);
  if (!r) throw new HttpError(404, 'No such contribution.');
  const cam = ports.cameras.get(r.cameraId);
  const csrf = req.session!.csrf;
  const body = html`<p>Captured ${formatTime(r.captureTimeMs, a.timeZone)} by ${cam?.name ?? r.cameraId}, uploaded ${formatTime(r.uploadedMs, a.timeZone)} (${a.timeZone}); purposes: ${choiceLabel(r.purposes)}; consent v${r.consentVersion}.</p>
<div class="full">${IMAGES.filter((i) => r.objects.some((o) => o.name === i.name)).map((i) => html`<figure><img src="${imgUrl(r, i.name)}" alt="${i.label}"><figcaption>${i.label}</figcaption></figure>`)}</div>
<p>Also stored: ${r.objects.filter((o) => !IMAGES.some((i) => i.name === o.name)).map((o) => html`<a href="${imgUrl(r, o.name)}">${o.name}</a> `)}</p>
<form method="post" action="/zone/delete">${csrfField(csrf)}<button type="submit" name="one" value="${r.cameraId}/${r.bundleId}" class="danger">Delete this contribution</button></form>`;
  return sendPage(reply, page({ title: 'Contribution', body, user: a.username, csrf }));
}

/** The confirmation step every delete goes through: what will go, and the same form again with confirm=yes. */
function confirmPage(req: FastifyRequest, action: string, fields: [string, string][], what: Html, count: number): string {
  const a = req.account!;
  const csrf = req.session!.csrf;
  const body = html`<p class="warn" id="confirm-what">${what}</p>
<p>This deletes <strong id="confirm-count">${count}</strong> contribution(s) from S3, with every stored version, and from the index. It cannot be undone.</p>
<form method="post" action="${action}">${csrfField(csrf)}${fields.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<input type="hidden" name="confirm" value="yes"><button type="submit" class="danger" id="confirm-delete">Yes, delete ${count} contribution(s)</button> <a href="/zone">Cancel</a></form>`;
  return page({ title: 'Delete contributions?', body, user: a.username, csrf });
}

async function deleteSome(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const { ports } = ctx;
  const a = requireAccount(req);
  const f = parse(form({ one: contributionRef.optional(), sel: many(contributionRef, 1000).optional(), confirm: z.literal('yes').optional() }), req.body);
  const refs = f.one ? [f.one] : (f.sel ?? []);
  if (!refs.length) throw new HttpError(400, 'Select at least one contribution.');
  if (f.confirm !== 'yes') {
    // only the owner's own records are counted: another owner's id counts as nothing, like a missing one
    const found = refs.filter((r) => ports.contributions.get(a.id, r.cameraId, r.bundleId));
    const tz = a.timeZone;
    const what = found.length === 1
      ? html`Delete the contribution captured ${formatTime(ports.contributions.get(a.id, found[0].cameraId, found[0].bundleId)!.captureTimeMs, tz)}?`
      : html`Delete the ${found.length} selected contributions?`;
    return sendPage(reply, confirmPage(req, '/zone/delete', refs.map((r) => [f.one ? 'one' : 'sel', `${r.cameraId}/${r.bundleId}`]), what, found.length));
  }
  setFlash(ctx, req, reportText(await deleteContributions(ports, a.id, refs)));
  return seeOther(reply, '/zone');
}

async function deleteCamera(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const a = requireAccount(req);
  const f = parse(form({ camera: z.string().max(40), confirm: z.literal('yes').optional() }), req.body);
  const cam = ownCamera(ctx, a, f.camera);
  const records = ctx.ports.contributions.list(a.id, { cameraId: cam.cameraId });
  if (f.confirm !== 'yes') return sendPage(reply, confirmPage(req, '/zone/delete-camera', [['camera', cam.cameraId]], html`Delete everything camera "${cam.name}" contributed?`, records.length));
  setFlash(ctx, req, reportText(await deleteRecords(ctx.ports, a.id, records)));
  return seeOther(reply, '/zone');
}

async function deleteEverything(ctx: WebContext, req: FastifyRequest, reply: FastifyReply) {
  const { ports } = ctx;
  const a = requireAccount(req);
  const f = parse(form({ confirm: z.literal('yes').optional() }), req.body);
  if (f.confirm !== 'yes') return sendPage(reply, confirmPage(req, '/zone/delete-all', [], html`Delete all your contributions, from every camera?`, ports.contributions.count(a.id)));
  setFlash(ctx, req, reportText(await deleteRecords(ports, a.id, ports.contributions.list(a.id))));
  return seeOther(reply, '/zone');
}

export function registerZone(app: FastifyInstance, ctx: WebContext): void {
  app.get('/zone', (req, reply) => showZone(ctx, req, reply));
  app.get('/zone/c/:camera/:bundle', (req, reply) => showContribution(ctx, req, reply));
  app.post('/zone/delete', (req, reply) => deleteSome(ctx, req, reply));
  app.post('/zone/delete-camera', (req, reply) => deleteCamera(ctx, req, reply));
  app.post('/zone/delete-all', (req, reply) => deleteEverything(ctx, req, reply));
}
