/**
 * Consent changes: the per-camera choice (off / Motion only / ObjecTron only / both), the yearly
 * re-confirmation (from the camera's page, or in one click from the reminder banner:
 * ../reminder-banner.ts), the warned confirmation of an interior camera, and withdrawing
 * everything in one click. Each one is a new consent record (consent.ts decide) in force for the relay at once
 * and pushed to the camera as its retained config.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { choiceLabel, CHOICES } from '../consent-text.js';
import { decide } from '../consent.js';
import { form, parse } from '../input.js';
import { setFlash } from '../session.js';
import { formatTime } from '../time.js';
import { cameraPage, ownCamera } from './cameras.js';

const pushNote = (pushed: boolean) => (pushed ? ' The camera has been told.' : ' The camera will be told when it reconnects; the relay enforces it already.');

export function registerConsent(app: FastifyInstance, ctx: WebContext): void {
  const { ports, config } = ctx;
  const idOf = (req: { params: unknown }) => (req.params as { id: string }).id;

  app.post('/cameras/:id/contributions', async (req, reply) => {
    const a = requireAccount(req);
    const cam = ownCamera(ctx, a, idOf(req));
    const f = parse(form({ choice: z.enum(['off', 'motion', 'objectron', 'both']), agree: z.literal('yes').optional() }), req.body);
    const bits = CHOICES.find((c) => c.value === f.choice)!.bits;
    if (bits && cam.placement === 'interior' && !cam.interiorConfirmed) throw new HttpError(409, 'This is an interior camera: confirm it first (see the warning on its page).');
    // shown again with the choice kept and the message next to the box, not a dead end
    if (bits && f.agree !== 'yes') return sendPage(reply, cameraPage(ctx, req, a, cam, { choice: f.choice, agreeError: 'Tick this box to turn contributions on (or choose Off).' }), 400);
    const r = await decide(ports, config, cam, bits, bits ? 'set' : 'withdraw');
    setFlash(ctx, req, `Contributions: ${choiceLabel(bits)}.${pushNote(r.push.pushed)}`);
    return seeOther(reply, `/cameras/${cam.cameraId}`);
  });

  app.post('/cameras/:id/reconfirm', async (req, reply) => {
    const a = requireAccount(req);
    const cam = ownCamera(ctx, a, idOf(req));
    // `back`: the reminder banner's one-click renew returns to the page it was on (a fixed list: no open redirect)
    const f = parse(form({ back: z.enum(['/cameras', '/zone']).optional() }), req.body);
    const bits = cam.consent?.purposes ?? 0;
    if (!bits) throw new HttpError(409, 'Contributions are off for this camera: choose them instead.');
    const r = await decide(ports, config, cam, bits, 'reconfirm');
    setFlash(ctx, req, `Confirmed "${choiceLabel(bits)}" until ${formatTime(r.camera.consent!.expiresMs, a.timeZone).slice(0, 16)} (${a.timeZone}).${pushNote(r.push.pushed)}`);
    return seeOther(reply, f.back ?? `/cameras/${cam.cameraId}`);
  });

  app.post('/cameras/:id/interior-confirm', async (req, reply) => {
    const a = requireAccount(req);
    const cam = ownCamera(ctx, a, idOf(req));
    parse(form({ confirm: z.literal('yes', { error: 'tick the confirmation' }) }), req.body);
    if (cam.placement !== 'interior') throw new HttpError(409, 'This camera is not an interior camera.');
    ports.cameras.setPlacement(cam.cameraId, 'interior', true);
    // still off: confirming the placement is not choosing purposes
    setFlash(ctx, req, 'Interior camera confirmed. Contributions are still off: choose them below.');
    return seeOther(reply, `/cameras/${cam.cameraId}`);
  });

  app.post('/withdraw-all', async (req, reply) => {
    const a = requireAccount(req);
    parse(form({}), req.body);
    let pushed = true;
    let n = 0;
    for (const cam of ports.cameras.listByOwner(a.id)) {
      if (!cam.consent?.purposes) continue;
      const r = await decide(ports, config, cam, 0, 'withdraw');
      pushed &&= r.push.pushed;
      n++;
    }
    setFlash(ctx, req, `Contributions are off for every camera (${n} changed).${n ? pushNote(pushed) : ''}`);
    return seeOther(reply, '/cameras');
  });
}
