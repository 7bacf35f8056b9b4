/**
 * The access log, shown to the owner: every view of one of their contributions by anyone else
 * (a reviewer), with who, what, when and why, and the owner's own live views (routes/live-view.ts
 * logs each start with the owner as viewer: shown as "you, live view"). Reviewers reach contributions only through
 * `/review/...`, which writes the entry before it sends a byte, and only for contributions the
 * owner gave for object annotation (ObjecTron) while that consent is still in force: withdrawn,
 * expired or an interior camera no longer confirmed stops reviewer views at once (the shared
 * rule, src/protocol/consent.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, requireAccount, sendPage, type WebContext } from '../context.js';
import { html, page } from '../html.js';
import { bundleId, cameraId, parse } from '../input.js';
import { PURPOSE_OBJECTRON, consentAllows } from '../../protocol/consent.js';
import { cameraTerms } from '../consent.js';
import { formatTime } from '../time.js';
import { objectName, sendObject } from './objects.js';

export function registerAccessLog(app: FastifyInstance, ctx: WebContext): void {
  const { ports } = ctx;

  app.get('/access-log', async (req, reply) => {
    const a = requireAccount(req);
    // This home's own log (the pages' reviewer route) and the review console's entries in S3, newest first.
    const remote = ports.operator ? await ports.operator.accessEntries(a.id, 500) : [];
    const entries = [...ports.accessLog.listForOwner(a.id, 500), ...remote].sort((x, y) => y.atMs - x.atMs).slice(0, 500);
    const names = new Map(ports.cameras.listByOwner(a.id).map((c) => [c.cameraId, c.name]));
    const camName = (id: string) => names.get(id) ?? id;
    const body = html`<p>Every look at one of your contributions by someone else (a reviewer), and each of your own live views of your cameras. Nobody else appears here because nobody else looked.</p>
${entries.length ? html`<div class="table-wrap"><table id="access"><tr><th>When (${a.timeZone})</th><th>Who</th><th>What</th><th>Why</th></tr>${entries.map((e) => 'viewerId' in e && e.viewerId === a.id ? html`<tr class="own-view">
<td>${formatTime(e.atMs, a.timeZone)}</td><td>${e.bundleId === 'live' ? 'you, live view' : 'you'}</td><td>${camName(e.cameraId)}: ${e.object}</td><td>${e.why}</td></tr>` : html`<tr class="other-view">
<td>${formatTime(e.atMs, a.timeZone)}</td><td>${e.viewer} (${e.viewerRole})</td>
<td>${camName(e.cameraId)} / ${e.bundleId} / ${e.object}</td><td>${e.why}</td></tr>`)}</table></div>` : html`<p id="no-access">No views by anyone else, and no live views.</p>`}`;
    return sendPage(reply, page({ title: 'Access log', body, user: a.username, csrf: req.session!.csrf }));
  });

  /** A reviewer's view of one object (the review console's only way in); logged first. */
  app.get('/review/:owner/:camera/:bundle/:name', async (req, reply) => {
    const a = requireAccount(req);
    if (a.role !== 'reviewer') throw new HttpError(404, 'There is nothing here.');
    const p = parse(z.object({ owner: cameraId, camera: cameraId, bundle: bundleId, name: objectName }), req.params);
    const { why } = parse(z.object({ why: z.string().trim().min(5, 'say why (5+ characters)').max(200) }).strict(), req.query);
    const rec = ports.contributions.get(p.owner, p.camera, p.bundle);
    if (!rec || !(rec.purposes & PURPOSE_OBJECTRON) || p.owner === a.id || !rec.objects.some((o) => o.name === p.name)) throw new HttpError(404, 'There is nothing here.');
    const cam = ports.cameras.get(p.camera);
    if (!cam || cam.ownerId !== p.owner || !consentAllows(cameraTerms(cam), PURPOSE_OBJECTRON, ports.clock())) throw new HttpError(404, 'There is nothing here.');
    ports.accessLog.record({ ownerId: p.owner, viewerId: a.id, viewer: a.username, viewerRole: a.role, cameraId: p.camera, bundleId: p.bundle, object: p.name, why, atMs: ports.clock() });
    return sendObject(ports, reply, rec, p.name);
  });
}
