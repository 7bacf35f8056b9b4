/**
 * The status server (fastify 5): GET /status and /metrics (JSON), GET / (HTML page, refreshes every 5 s),
 * GET /healthz (200 while running, 503 once failed). It has no sign-in, so every answer is the
 * anonymous view (status.ts `publicStatus`): counts and health, never an owner id, camera id or S3
 * key. Owners see their own cameras on the owner pages. Binds to 127.0.0.1 by default (config
 * `status.host`): a LAN client learns nothing from it, but it need not be on the LAN at all.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { publicStatus, statusHtml, type RelayStatus } from '../relay/status.js';

export interface StatusSource {
  status(): RelayStatus;
}

export interface StatusServer {
  readonly url: string;
  readonly app: FastifyInstance;
  stop(): Promise<void>;
}

/** Build the routes (no socket): tests call `app.inject()`. */
export function statusApp(source: StatusSource): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/status', async () => publicStatus(source.status()));
  app.get('/metrics', async () => publicStatus(source.status())); // the same counters, under the usual name
  app.get('/healthz', async (_req, reply) => {
    const s = source.status();
    return reply.code(s.state === 'running' ? 200 : 503).send({ state: s.state });
  });
  app.addHook('onSend', async (_req, reply) => {
    // no script, no framing, nothing sniffed: the page is inline-styled text
    reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });
  // fastify's default 404 echoes the URL; this one says nothing of what was asked
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not found' }));
  app.get('/', async (_req, reply) => {
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(statusHtml(publicStatus(source.status())));
  });
  return app;
}

/**
 * Listen on host:port (0: any free port). A taken port fails with EADDRINUSE: it never moves.
 * @example const s = await startStatusServer(relay, { host: '127.0.0.1', port: 8090 }); console.log(s.url);
 */
export async function startStatusServer(source: StatusSource, o: { host: string; port: number }): Promise<StatusServer> {
  const app = statusApp(source);
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const addr = app.server.address() as AddressInfo;
  return { url: `http://${o.host}:${addr.port}`, app, stop: () => app.close() };
}
