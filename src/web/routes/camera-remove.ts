/**
 * Removing a camera (removal.ts does the work): a confirmation page that says what happens and
 * asks whether its contributions are kept or deleted, then the removal and an exact report.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { reportText } from '../deletion.js';
import { csrfField, html, page } from '../html.js';
import { form, parse } from '../input.js';
import type { Account, WebCamera } from '../ports.js';
import { removeCamera } from '../removal.js';
import { endLiveViews } from './live-view.js';
import { setFlash } from '../session.js';

export function registerRemoveCamera(app: FastifyInstance, ctx: WebContext, own: (a: Account, id: unknown) => WebCamera): void {
  const { ports } = ctx;

  const confirmPage = (a: Account, cam: WebCamera, csrf: string, error?: string) => {
    const n = ports.contributions.count(a.id, { cameraId: cam.cameraId });
    const body = html`<p class="warn">Removing "${cam.name}" (<code>${cam.cameraId}</code>) revokes its broker login at once: the board, or a simulated camera, can no longer connect or send. Its retained settings at the broker are cleared. To use the board again, add it as a new camera.</p>
<form method="post" action="/cameras/${cam.cameraId}/remove">${csrfField(csrf)}
<fieldset${error ? html` aria-describedby="e-contributions"` : ''}><legend>Its <strong id="remove-count">${n}</strong> contribution(s) in S3</legend>
<label><input type="radio" name="contributions" value="keep" checked> Keep them (you can delete them later in the Data Integrity Zone)</label>
<label><input type="radio" name="contributions" value="delete"> Delete them now, with every stored version, and its smart-alert events (frames on this server), sent alerts and consent reminders</label>
${error ? html`<p class="field-error" id="e-contributions">${error}</p>` : ''}</fieldset>
<input type="hidden" name="confirm" value="yes">
<button type="submit" class="danger" id="confirm-remove">Remove "${cam.name}"</button> <a href="/cameras/${cam.cameraId}">Cancel</a></form>`;
    return page({ title: `Remove camera "${cam.name}"?`, body, user: a.username, csrf });
  };

  app.get('/cameras/:id/remove', async (req, reply) => {
    const a = requireAccount(req);
    const cam = own(a, (req.params as { id: string }).id);
    return sendPage(reply, confirmPage(a, cam, req.session!.csrf));
  });

  app.post('/cameras/:id/remove', async (req, reply) => {
    const a = requireAccount(req);
    const cam = own(a, (req.params as { id: string }).id);
    const f = parse(form({ contributions: z.enum(['keep', 'delete']).optional(), confirm: z.literal('yes').optional() }), req.body);
    if (f.confirm !== 'yes' || !f.contributions) return sendPage(reply, confirmPage(a, cam, req.session!.csrf, f.confirm === 'yes' ? 'Choose whether to keep or delete them.' : undefined), f.confirm === 'yes' ? 400 : 200);
    const r = await removeCamera(ports, ctx.config, cam, f.contributions === 'delete');
    if (!ports.cameras.get(cam.cameraId)) endLiveViews(ctx, cam.cameraId); // removed: its open live view ends now, not at the next check
    if (r.contributions?.failed) {
      setFlash(ctx, req, `"${cam.name}" was not removed: ${reportText(r.contributions)}`);
      return seeOther(reply, `/cameras/${cam.cameraId}`);
    }
    ctx.log.info(`web: camera ${cam.cameraId} removed (contributions ${f.contributions})`);
    const kept = ports.contributions.count(a.id, { cameraId: cam.cameraId });
    setFlash(ctx, req, `Removed "${cam.name}": its login no longer works${r.configCleared ? ' and its settings were cleared at the broker' : ' (the broker was not reachable to clear its settings; it keeps no login for it)'}. ${r.contributions ? reportText(r.contributions) : `${kept} contribution(s) kept.`}${r.local ? ` On this server: ${r.local.events} event(s) with their frames, ${r.local.alerts} sent alert(s) and ${r.local.reminders} reminder(s) deleted; ${r.local.eventsLeft} event(s) left.` : ''}`);
    return seeOther(reply, '/cameras');
  });
}
