/**
 * The review console listening on a port (`quietcam review`, the browser tests). Plain HTTP only
 * on a loopback host; anything else runs behind a TLS proxy with `cookies: 'secure'`.
 *
 * @example const srv = await startReviewServer({ ports, host: '127.0.0.1', port: 0, config: { cookies: 'insecure-localhost' } });
 */
import type { FastifyInstance } from 'fastify';
import { buildReviewApp, type ReviewConfig } from './app.js';
import type { ReviewPorts } from './ports.js';

export interface ReviewServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function startReviewServer(o: { ports: ReviewPorts; host: string; port: number; config?: Partial<ReviewConfig> }): Promise<ReviewServer> {
  if (o.config?.cookies !== 'secure' && !LOOPBACK.test(o.host)) throw new Error(`plain HTTP is allowed on a loopback host only (got ${o.host}): put the console behind a TLS proxy (--tls-proxy)`);
  const app = buildReviewApp(o.ports, o.config);
  await app.listen({ host: o.host, port: o.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return { app, url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`, close: () => app.close() };
}
