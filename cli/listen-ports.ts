/**
 * The ports the home-stack commands open (`quietcam start`, `quietcam relay [--local]`,
 * `quietcam web [--local]`): each one set by a flag or an environment variable (the flag wins),
 * all of them checked free before anything starts, and a taken port is an error that names the
 * port and the flag and variable that change it. Never a silent move to another port: a camera
 * or a bookmark pointed at 1883 or 8080 must not end up talking to something else.
 *
 * Limits: the check binds each port for a moment and lets it go, so a port taken in the
 * milliseconds between the check and the real listen still fails with the same message (the
 * commands map EADDRINUSE back to the port with `listenErrorMessage`), but after some services
 * may have started. Port 0 (any free port) is never checked.
 */
import { createServer } from 'node:net';

export type PortName = 'broker' | 's3' | 'status' | 'web' | 'review';

/** One entry per port: its flag, its variable, its default and what listens there. */
export const PORT_SETTINGS: Record<PortName, { flag: string; env: string; default: number; what: string }> = {
  broker: { flag: 'broker-port', env: 'QUIETCAM_BROKER_PORT', default: 1883, what: 'the MQTT broker (aedes)' }, // the MQTT port
  s3: { flag: 's3-port', env: 'QUIETCAM_S3_PORT', default: 4568, what: 'the local S3 endpoint (s3rver)' }, // s3rver's usual port
  status: { flag: 'status-port', env: 'QUIETCAM_STATUS_PORT', default: 8090, what: "the relay's status page" }, // relay config status.port
  web: { flag: 'port', env: 'QUIETCAM_WEB_PORT', default: 8080, what: 'the owner pages' },
  review: { flag: 'port', env: 'QUIETCAM_REVIEW_PORT', default: 8070, what: "the operator's review console" },
};

/** A flag or variable that does not hold a port: exit 2 with the usage. */
export class PortUsageError extends Error {}

/** `parseArgs` option entries for the given ports (all strings: `--status-port off` is allowed). */
export function portFlags(names: PortName[]): Record<string, { type: 'string' }> {
  const out: Record<string, { type: 'string' }> = {};
  for (const n of names) out[PORT_SETTINGS[n].flag] = { type: 'string' };
  return out;
}

function parsePort(name: PortName, text: string, source: string): number | null {
  if (name === 'status' && text === 'off') return null;
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new PortUsageError(`${source} must be a port from 0 to 65535 (0 = any free port)${name === 'status' ? " or 'off'" : ''}, got '${text}'`);
  }
  return v;
}

/**
 * The port `name` listens on: the flag's value, else the variable's, else `fallback` (the
 * built-in default, or what the relay config says for the status page). `null`: status page off.
 * @example resolvePort('broker', values['broker-port'], process.env) // 1883 unless set
 */
export function resolvePort(name: PortName, flag: string | undefined, env: Record<string, string | undefined>, fallback: number | null = PORT_SETTINGS[name].default): number | null {
  const s = PORT_SETTINGS[name];
  if (flag !== undefined) return parsePort(name, flag, `--${s.flag}`);
  const fromEnv = env[s.env];
  if (fromEnv !== undefined && fromEnv !== '') return parsePort(name, fromEnv, s.env);
  return fallback;
}

/** One port a command is about to open. */
export interface PlannedPort { name: PortName; host: string; port: number }

/** "port 1883 for the MQTT broker (aedes) is already in use on 127.0.0.1: ..." */
export function portInUseMessage(p: PlannedPort): string {
  const s = PORT_SETTINGS[p.name];
  return `port ${p.port} for ${s.what} is already in use on ${p.host}: stop what is using it, or choose another port with --${s.flag} N or ${s.env}=N (0 = any free port)`;
}

function bindOnce(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err) => resolve(err as NodeJS.ErrnoException));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/**
 * Checks every planned port (0 skipped) before anything starts: null when all are free, else the
 * message for the first problem (two services on one port, a taken port, a host that cannot bind).
 */
export async function checkPortsFree(plan: PlannedPort[]): Promise<string | null> {
  const fixed = plan.filter((p) => p.port !== 0);
  for (let i = 0; i < fixed.length; i++) {
    const twin = fixed.slice(0, i).find((q) => q.port === fixed[i].port);
    if (twin) {
      const a = PORT_SETTINGS[twin.name];
      const b = PORT_SETTINGS[fixed[i].name];
      return `${a.what} and ${b.what} are both set to port ${fixed[i].port}: give one of them another port (--${a.flag} / ${a.env}, --${b.flag} / ${b.env})`;
    }
  }
  for (const p of fixed) {
    const err = await bindOnce(p.host, p.port);
    if (err?.code === 'EADDRINUSE') return portInUseMessage(p);
    if (err) return `cannot listen on ${p.host}:${p.port} for ${PORT_SETTINGS[p.name].what}: ${err.message} (change it with --${PORT_SETTINGS[p.name].flag} or ${PORT_SETTINGS[p.name].env})`;
  }
  return null;
}

/** The clear message for an EADDRINUSE thrown while starting (the port taken after the check). */
export function listenErrorMessage(err: unknown, plan: PlannedPort[]): string | null {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== 'EADDRINUSE') return null;
  const p = plan.find((q) => q.port !== 0 && q.port === e.port);
  return p ? portInUseMessage(p) : `a port is already in use (${e.message}); the ports can be set with ${Object.values(PORT_SETTINGS).map((s) => '--' + s.flag).join(', ')}`;
}

/** Port help lines for a command's usage text. */
export function portUsage(names: PortName[]): string {
  return names.map((n) => {
    const s = PORT_SETTINGS[n];
    return `  --${s.flag} N`.padEnd(22) + `${s.what} (default ${s.default}; also ${s.env}; 0 = any free port${n === 'status' ? ", 'off' = none" : ''})`;
  }).join('\n');
}
