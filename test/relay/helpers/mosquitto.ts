/**
 * A real mosquitto (Debian's /usr/sbin/mosquitto) on a free loopback port with a generated config,
 * started and stopped by PID. Missing binary = a loud failure, never a skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, waitFor } from './env.js';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];

export function mosquittoBinary(): string {
  const bin = CANDIDATES.find((p) => existsSync(p));
  if (!bin) throw new Error('mosquitto is not installed: run `apt-get install -y mosquitto` (the relay integration tests need the real broker)');
  return bin;
}

export interface Mosquitto {
  readonly port: number;
  readonly url: string;
  pid(): number;
  /** SIGTERM by PID (mosquitto saves its persistence file), wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL by PID (a crash: nothing is saved), wait for the exit. */
  kill(): Promise<void>;
  /** Start again on the same port with the same config and persistence. */
  start(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * @param o.listener the lines that open the listener and set who may connect, for the chosen port
 *   (default: anonymous allowed on 127.0.0.1); e.g. the auth config `quietcam broker-config` writes.
 * @param o.tls the listener speaks TLS (url is mqtts://)
 * @param o.port the port the listener lines open (default: a free one)
 * @param o.extra more lines (e.g. MOSQUITTO_DURABILITY's autosave settings)
 */
export async function startMosquitto(dir: string, o: { listener?: (port: number) => string[]; tls?: boolean; port?: number; extra?: string[] } = {}): Promise<Mosquitto> {
  const bin = mosquittoBinary();
  const port = o.port ?? (await freePort());
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    ...(o.listener ? o.listener(port) : [`listener ${port} 127.0.0.1`, 'allow_anonymous true']),
    // As root, mosquitto would switch to user 'mosquitto', which cannot write the temp dir.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'persistence true',
    `persistence_location ${dir}/`,
    // The relay's session must keep everything queued while it is away (default 1000 messages).
    'max_queued_messages 0',
    'max_inflight_messages 20',
    `log_dest file ${join(dir, 'mosquitto.log')}`,
    ...(o.extra ?? []),
    '',
  ].join('\n'));
  let child: ChildProcess | null = null;
  const start = async () => {
    const c = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
    child = c;
    await waitFor(async () => c.exitCode !== null || (await portOpen(port)), 10000, `mosquitto on port ${port}`, 20);
    if (c.exitCode !== null) throw new Error(`mosquitto exited with ${c.exitCode} (see ${join(dir, 'mosquitto.log')})`);
  };
  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    process.kill(c.pid!, sig);
    await exited;
  };
  await start();
  return {
    port,
    url: `${o.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    pid: () => child?.pid ?? -1,
    start,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}
