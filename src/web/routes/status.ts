/**
 * The owner's status page: the relay's figures for the owner's own cameras only (contributions
 * in S3, the newest one, bundles waiting in the relay's outbox and how many are being retried).
 * The relay's own status page (src/relay/adapters/http-status.ts) has no sign-in, so it shows
 * counts and health for the whole relay and never a camera or an owner; this page is where an
 * owner sees their cameras, behind sign-in, every query scoped to the signed-in owner's id.
 */
import { formatTime } from '../time.js';
import type { FastifyInstance } from 'fastify';
import { requireAccount, sendPage, type WebContext } from '../context.js';
import { consentState } from '../consent.js';
import { html, page } from '../html.js';
import { stateText } from './cameras.js';


export function registerStatus(app: FastifyInstance, ctx: WebContext): void {
  const { ports, config } = ctx;

  app.get('/status', async (req, reply) => {
    const a = requireAccount(req);
    const now = ports.clock();
    const cams = ports.cameras.listByOwner(a.id);
    const activity = new Map(ports.contributions.activity(a.id).map((x) => [x.cameraId, x]));
    const ids = [...new Set([...cams.map((c) => c.cameraId), ...activity.keys()])];
    const rows = ids.map((id) => {
      const cam = cams.find((c) => c.cameraId === id);
      const x = activity.get(id) ?? { uploaded: 0, lastUploadedMs: null, pending: 0, retrying: 0 };
      return html`<tr data-camera="${id}"><td>${cam ? cam.name : '(removed)'}<br><code>${id}</code></td>
<td>${cam ? stateText(consentState(cam, now, config.consent.remindMs), a.timeZone) : '-'}</td><td class="uploaded">${x.uploaded}</td><td>${x.lastUploadedMs === null ? '-' : formatTime(x.lastUploadedMs, a.timeZone)}</td>
<td class="pending">${x.pending}</td><td class="retrying">${x.retrying}</td></tr>`;
    });
    const body = html`<p>What the relay holds for your cameras: contributions stored in S3, and bundles it accepted that are still waiting to be stored (retried until S3 confirms them). Only your cameras are shown.</p>
${ids.length ? html`<table id="status"><tr><th>Camera</th><th>Consent</th><th>Contributions stored</th><th>Newest stored</th><th>Waiting</th><th>Being retried</th></tr>${rows}</table>` : html`<p id="no-cameras">No cameras yet.</p>`}`;
    return sendPage(reply, page({ title: 'Status', body, user: a.username, csrf: req.session!.csrf }));
  });
}
