/**
 * The owner pages listening on a port, on the production ports (SQLite file, S3, MQTT) of a relay
 * config. Used by `quietcam web` and the browser tests.
 *
 * @example const web = await startWebServer({ relay: loadConfig(), web: { port: 8080, cookies: 'insecure-localhost' } });
 */
import type { RelayConfig } from '../relay/config.js';
import { consoleLogger } from '../log.js';
import type { Logger } from '../log.js';
import { openWebPorts } from './adapters/ports.js';
import { buildWebApp, type WebApp } from './app.js';
import { resolveWebConfig, type WebConfigInput } from './config.js';
import type { WebPorts } from './ports.js';

export interface WebServer extends WebApp {
  readonly url: string;
  readonly ports: WebPorts;
  close(): Promise<void>;
}

const PRUNE_EVERY_MS = 600000; // 10 minutes: expired sessions are refused anyway; this only frees rows
/** 5 minutes: how long a consent record the home failed to write to S3 (S3 down) can stay stale for the review console. */
const OPERATOR_SYNC_MS = 300000;

export async function startWebServer(o: { relay: RelayConfig; web?: WebConfigInput; log?: Logger }): Promise<WebServer> {
  const log = o.log ?? consoleLogger('web');
  resolveWebConfig(o.web); // a bad config fails before a database or a connection is opened
  const opened = openWebPorts({ relay: o.relay });
  const web = buildWebApp(opened.ports, o.web, log);
  const timer = setInterval(() => opened.ports.sessions.prune(opened.ports.clock()), PRUNE_EVERY_MS);
  timer.unref();
  const syncConsent = () => opened.syncOperatorConsent().then((failed) => failed && log.warn(`web: ${failed} consent record(s) not written to S3 for the review console; retrying in ${OPERATOR_SYNC_MS / 60000} min`), () => {});
  const sync = setInterval(syncConsent, OPERATOR_SYNC_MS);
  sync.unref();
  void syncConsent();
  try {
    await web.app.listen({ host: web.ctx.config.host, port: web.ctx.config.port });
  } catch (err) {
    clearInterval(timer);
    clearInterval(sync);
    await opened.close();
    throw err;
  }
  const addr = web.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : web.ctx.config.port;
  const host = web.ctx.config.host.includes(':') ? `[${web.ctx.config.host}]` : web.ctx.config.host;
  return {
    ...web,
    url: `http://${host}:${port}`,
    ports: opened.ports,
    async close() {
      clearInterval(timer);
      clearInterval(sync);
      await web.app.close();
      await opened.close();
    },
  };
}
