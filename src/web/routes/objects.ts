/**
 * The stored objects of a contribution, to its owner only: `/zone/img/<camera>/<bundle>/<name>`.
 * The key is never taken from the request: the index row is looked up with the signed-in owner's
 * id, and the object must be one the row lists. Another owner's ids, a made-up name or an S3 key
 * all get the same 404. Not cached anywhere (Cache-Control: private, no-store).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { HttpError, requireAccount, type WebContext } from '../context.js';
import { bundleId, cameraId, parse } from '../input.js';
import type { ContributionRecord, WebPorts } from '../ports.js';

export const objectName = z.string().max(40).regex(/^[a-z0-9][a-z0-9.-]*$/, 'not an object name');

/** Send one object of `rec` (404 when the record does not list it or the bucket lost it). */
export async function sendObject(ports: WebPorts, reply: FastifyReply, rec: ContributionRecord, name: string): Promise<FastifyReply> {
  const o = rec.objects.find((x) => x.name === name);
  if (!o) throw new HttpError(404, 'No such image.');
  const got = await ports.objects.get(o.key);
  if (!got) throw new HttpError(404, 'This image is no longer stored.');
  const type = /^(image\/(jpeg|png)|application\/json)$/.test(o.contentType) ? o.contentType : 'application/octet-stream';
  return reply.code(200).header('content-type', type).header('content-disposition', `inline; filename="${name}"`)
    .header('cache-control', 'private, no-store').send(Buffer.from(got.body.buffer, got.body.byteOffset, got.body.length));
}

export function registerObjects(app: FastifyInstance, ctx: WebContext): void {
  app.get('/zone/img/:camera/:bundle/:name', async (req, reply) => {
    const a = requireAccount(req);
    const p = parse(z.object({ camera: cameraId, bundle: bundleId, name: objectName }), req.params);
    const rec = ctx.ports.contributions.get(a.id, p.camera, p.bundle);
    if (!rec) throw new HttpError(404, 'No such image.');
    return sendObject(ctx.ports, reply, rec, p.name);
  });
}
