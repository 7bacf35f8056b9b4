/**
 * The status server (fastify 5): GET /status and /metrics (JSON), GET / (HTML page, refreshes every 5 s),
 * GET /contributions?owner=&camera=&limit= (JSON, newest first), GET /healthz (200 while running).
 * Binds to loopback by default: the page names owners and cameras.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { statusHtml, type RelayStatus } from '../relay/status.js';
import type { ContributionRecord } from '../relay/types.js';

export interface StatusSource {
  status(): RelayStatus;
  contributions(filter: { ownerId?: string; cameraId?: string; limit?: number }): ContributionRecord[];
}

export interface StatusServer {
  readonly url: string;
  readonly app: FastifyInstance;
  stop(): Promise<void>;
}

/** Build the routes (no socket): tests call `app.inject()`. */
export function statusApp(source: StatusSource): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/status', async () => source.status());
  app.get('/metrics', async () => source.status()); // the same counters, under the usual name
  app.get('/healthz', async (_req, reply) => {
    const s = source.status();
    return reply.code(s.state === 'running' ? 200 : 503).send({ state: s.state });
  });
  app.get('/contributions', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = Math.min(1000, Math.max(1, Number(q.limit) || 100));
    return source.contributions({ ownerId: q.owner, cameraId: q.camera, limit });
  });
  app.get('/', async (_req, reply) => {
    return reply.type('text/html; charset=utf-8').send(statusHtml(source.status(), source.contributions({ limit: 20 })));
  });
  return app;
}

/**
 * Listen on host:port; when `fallback` is set and the port is taken, on any free port instead.
 * @example const s = await startStatusServer(relay, { host: '127.0.0.1', port: 8090 }); console.log(s.url);
 */
export async function startStatusServer(source: StatusSource, o: { host: string; port: number; fallback?: boolean }): Promise<StatusServer> {
  let app = statusApp(source);
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    if (!o.fallback || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await app.close();
    app = statusApp(source);
    await app.listen({ host: o.host, port: 0 });
  }
  const addr = app.server.address() as AddressInfo;
  return { url: `http://${o.host}:${addr.port}`, app, stop: () => app.close() };
}
