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
import { startReminders, type ReminderNotifier } from './reminders.js';
import { startAlertChannels } from '../alerts/start.js';
import { serviceLogin } from '../adapters/broker-users.js';
import { NOTICES_LOGIN } from '../adapters/mosquitto-config.js';

export interface WebServer extends WebApp {
  readonly url: string;
  readonly ports: WebPorts;
  close(): Promise<void>;
}

const PRUNE_EVERY_MS = 600000; // 10 minutes: expired sessions are refused anyway; this only frees rows
/** 5 minutes: how long a consent record the home failed to write to S3 (S3 down) can stay stale for the review console. */
const OPERATOR_SYNC_MS = 300000;

export interface WebServerReminders {
  /** Where reminders go besides the page; default: the alert channels (src/alerts/start.ts) on the relay's broker and data dir; null: the page only. */
  notifier?: ReminderNotifier | null;
  /** The pages' address in reminder links; default $QUIETCAM_PAGES_URL, else this server's URL. */
  pagesUrl?: string;
  /** Default an hour. */
  everyMs?: number;
}

/**
 * The consent reminders go out through the owner's alert channels: the same dispatcher and
 * channels as alerts (src/alerts/start.ts), opened once and kept for the server's life (the MQTT
 * connection reconnects on its own), closed by close(). Its MQTT login is the pages' notices'
 * (NOTICES_LOGIN, the web's password): it may publish reminders only, and it is not the relay's
 * alert login, which mosquitto (client id = username) would take from the relay at every reminder.
 */
function alertChannelsNotifier(o: { relay: RelayConfig; db: OpenedDb; pagesUrl: string; log: Logger }): ReminderNotifier & { close(): Promise<void> } {
  const broker = { url: o.relay.broker.url, caFile: o.relay.broker.caFile };
  const mqttLogin = { username: NOTICES_LOGIN, password: serviceLogin(o.relay.dataDir, 'web').password };
  const channels = startAlertChannels({ dataDir: o.relay.dataDir, db: o.db, broker, mqttLogin, log: o.log, pagesUrl: o.pagesUrl });
  return {
    notify: (ownerId, message) => channels.dispatcher.notify(ownerId, message),
    async close() {
      // bounded: a channel that never closes must not hold the server's stop
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([channels.close(), new Promise((r) => (timer = setTimeout(r, 15000)))]);
      clearTimeout(timer);
    },
  };
}
type OpenedDb = ReturnType<typeof openWebPorts>['db'];

/** `reminders: false`: no consent reminders through the channels (the page banner stays). */
export async function startWebServer(o: { relay: RelayConfig; web?: WebConfigInput; log?: Logger; reminders?: WebServerReminders | false }): Promise<WebServer> {
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
  const url = `http://${host}:${port}`;
  const r = o.reminders === false ? null : (o.reminders ?? {});
  const pagesUrl = r?.pagesUrl ?? process.env.QUIETCAM_PAGES_URL ?? url;
  const own = r && r.notifier === undefined ? alertChannelsNotifier({ relay: o.relay, db: opened.db, pagesUrl, log }) : null;
  const notifier = own ?? r?.notifier ?? null;
  const reminders = r ? startReminders({ ports: opened.ports, config: web.ctx.config, notifier, pagesUrl, log, everyMs: r.everyMs }) : null;
  return {
    ...web,
    url,
    ports: opened.ports,
    async close() {
      reminders?.stop();
      await own?.close();
      clearInterval(timer);
      clearInterval(sync);
      await web.app.close();
      await opened.close();
    },
  };
}
