/**
 * "Export all my data": one ZIP (zip.ts, stored) with every object of every contribution of the
 * owner, under `<camera>/<yyyy-mm-dd>/<bundle>/<name>` (the day in the owner's time zone), and
 * `quietcam-export.json` with the account (no password hash, no TOTP secret; its time zone named),
 * cameras, consent history, the index, the access log and the consent reminders sent (times as
 * ISO 8601 UTC). Streamed contribution by contribution; refused with 413 when it would need ZIP64.
 */
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { HttpError, requireAccount, type WebContext } from '../context.js';
import { formatDay } from '../time.js';
import { zipFits, zipStream, type ZipEntry } from '../zip.js';

export function registerExport(app: FastifyInstance, ctx: WebContext): void {
  const { ports } = ctx;

  app.get('/zone/export.zip', async (req, reply) => {
    const a = requireAccount(req);
    const records = ports.contributions.list(a.id);
    const cameras = ports.cameras.listByOwner(a.id);
    let bytes = 0;
    let files = 1;
    for (const r of records) for (const o of r.objects) { bytes += o.bytes; files++; }
    if (!zipFits(files, bytes + 1048576, files * 80)) throw new HttpError(413, 'Too much for one ZIP file (over 4 GiB or 65,535 files): delete or export less first.');
    const now = ports.clock();
    const manifest = {
      exportedAt: new Date(now).toISOString(),
      account: { id: a.id, username: a.username, createdAt: new Date(a.createdMs).toISOString(), role: a.role, timeZone: a.timeZone },
      cameras: cameras.map((c) => ({ id: c.cameraId, name: c.name, placement: c.placement, interiorConfirmed: c.interiorConfirmed, createdAt: new Date(c.createdMs).toISOString(), consentHistory: ports.cameras.consentHistory(c.cameraId) })),
      contributions: records,
      accessLog: ports.accessLog.listForOwner(a.id, 100000),
      consentReminders: ports.reminders.forOwner(a.id, 100000),
    };
    async function* entries(): AsyncGenerator<ZipEntry> {
      yield { name: 'quietcam-export.json', data: Buffer.from(JSON.stringify(manifest, null, 2)), mtimeMs: now };
      for (const r of records) {
        const dir = `${r.cameraId}/${formatDay(r.captureTimeMs, a.timeZone)}/${r.bundleId}`; // the day in the owner's zone, as on the pages
        for (const o of r.objects) {
          const got = await ports.objects.get(o.key);
          if (got) yield { name: `${dir}/${o.name}`, data: got.body, mtimeMs: r.uploadedMs };
        }
      }
    }
    const stamp = formatDay(now, a.timeZone);
    return reply.code(200).header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="quietcam-${stamp}.zip"`)
      .header('cache-control', 'private, no-store').send(Readable.from(zipStream(entries())));
  });
}
