/**
 * Ports of `quietcam start`, `relay --local` and `web --local`: each set by flag and by env var,
 * and a taken port is an error naming the port and the flag/variable, never a silent move.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { checkPortsFree, listenErrorMessage, resolvePort } from '../../cli/listen-ports.js';
import { run as runStart } from '../../cli/start.js';
import { run as runRelay } from '../../cli/relay.js';
import { run as runWeb } from '../../cli/web.js';
import { startStack } from '../../src/relay/stack.js';
import { freePort, tempDir } from '../relay/helpers/env.js';
import { captured } from './helpers.js';

const test = suite('ports by flag and env, taken port is an error');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDir('quietcam-ports-');
process.env.QUIETCAM_DATA_DIR = tmp.dir;
const PORT_VARS = ['QUIETCAM_BROKER_PORT', 'QUIETCAM_S3_PORT', 'QUIETCAM_STATUS_PORT', 'QUIETCAM_WEB_PORT'];
const children: ChildProcess[] = [];
const blockers: Server[] = [];

/** A port held by another listener on 127.0.0.1 for the rest of the file. */
async function takenPort(): Promise<number> {
  const s = createServer();
  blockers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  return (s.address() as { port: number }).port;
}

async function withEnv<T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> {
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const k of Object.keys(vars)) delete process.env[k];
  }
}

/** Runs `quietcam ...args` until its `ready` line; returns that output. The child is killed in after(). */
function readyLine(args: string[], env: Record<string, string>, ready: RegExp): Promise<string> {
  const child = spawn(process.execPath, ['bin/quietcam.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${ready}' within 30 s:\n${out}`)), 30000);
    const seen = (d: Buffer) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`quietcam ${args.join(' ')} exited ${code} before ready:\n${out}`));
    });
  });
}

test('resolvePort: the flag wins over the variable, the variable over the default', () => {
  assert.is(resolvePort('broker', undefined, {}), 1883);
  assert.is(resolvePort('broker', undefined, { QUIETCAM_BROKER_PORT: '2883' }), 2883);
  assert.is(resolvePort('broker', '3883', { QUIETCAM_BROKER_PORT: '2883' }), 3883);
  assert.is(resolvePort('web', undefined, { QUIETCAM_WEB_PORT: '0' }), 0);
  assert.is(resolvePort('status', 'off', {}, 8090), null);
  assert.is(resolvePort('status', undefined, {}, 9999), 9999);
  assert.throws(() => resolvePort('s3', 'x', {}), /--s3-port must be a port from 0 to 65535.*got 'x'/);
  assert.throws(() => resolvePort('s3', undefined, { QUIETCAM_S3_PORT: '70000' }), /QUIETCAM_S3_PORT must be a port from 0 to 65535.*got '70000'/);
  assert.throws(() => resolvePort('broker', 'off', {}), /got 'off'/);
});

test('checkPortsFree names a taken port, its flag and its variable; two services on one port are refused', async () => {
  const taken = await takenPort();
  const free = await freePort();
  assert.is(await checkPortsFree([{ name: 'broker', host: '127.0.0.1', port: free }, { name: 's3', host: '127.0.0.1', port: 0 }]), null);
  assert.is(
    await checkPortsFree([{ name: 'broker', host: '127.0.0.1', port: free }, { name: 's3', host: '127.0.0.1', port: taken }]),
    `port ${taken} for the local S3 endpoint (s3rver) is already in use on 127.0.0.1: stop what is using it, or choose another port with --s3-port N or QUIETCAM_S3_PORT=N (0 = any free port)`,
  );
  const twin = await checkPortsFree([{ name: 'status', host: '127.0.0.1', port: free }, { name: 'web', host: '127.0.0.1', port: free }]);
  assert.match(twin!, new RegExp(`relay's status page and the owner pages are both set to port ${free}.*--status-port / QUIETCAM_STATUS_PORT, --port / QUIETCAM_WEB_PORT`));
});

test('an EADDRINUSE at listen time maps back to the port that was asked for', () => {
  const err = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 4321 });
  assert.match(listenErrorMessage(err, [{ name: 'broker', host: '127.0.0.1', port: 1234 }, { name: 'status', host: '127.0.0.1', port: 4321 }])!, /^port 4321 for the relay's status page .*--status-port N or QUIETCAM_STATUS_PORT=N/);
  assert.is(listenErrorMessage(new Error('other'), []), null);
});

test('startStack: a taken broker port fails, it does not move to another port', async () => {
  const taken = await takenPort();
  try {
    const stack = await startStack({ dataDir: tmp.dir, brokerPort: taken, s3Port: 0, statusPort: null, alerts: false });
    await stack.stop();
    assert.unreachable(`the stack started on ${stack.brokerUrl}`);
  } catch (err) {
    assert.is((err as NodeJS.ErrnoException).code, 'EADDRINUSE');
  }
});

test('startStack: a taken status port fails too (no silent fallback), and the broker and S3 it started are stopped', async () => {
  const taken = await takenPort();
  const err = await startStack({ dataDir: tmp.dir, brokerPort: 0, s3Port: 0, statusPort: taken, alerts: false }).then((s) => s.stop().then(() => null), (e) => e);
  assert.ok(err, 'the stack started with its status page elsewhere');
  assert.is((err as NodeJS.ErrnoException).code, 'EADDRINUSE');
});

test('quietcam start: a taken --broker-port, or QUIETCAM_S3_PORT, is an exit-2 error before anything starts', async () => {
  const taken = await takenPort();
  const byFlag = await captured(() => runStart(['--once', '--broker-port', String(taken), '--s3-port', '0', '--status-port', 'off']));
  assert.is(byFlag.code, 2);
  assert.match(byFlag.out, `quietcam start: port ${taken} for the MQTT broker (aedes) is already in use on 127.0.0.1: stop what is using it, or choose another port with --broker-port N or QUIETCAM_BROKER_PORT=N`);
  assert.not.match(byFlag.out, /broker\s+mqtt:/); // nothing was started
  const byEnv = await withEnv({ QUIETCAM_S3_PORT: String(taken), QUIETCAM_BROKER_PORT: '0', QUIETCAM_STATUS_PORT: 'off' }, () => captured(() => runStart(['--once'])));
  assert.is(byEnv.code, 2);
  assert.match(byEnv.out, `port ${taken} for the local S3 endpoint (s3rver) is already in use`);
  assert.match(byEnv.out, '--s3-port N or QUIETCAM_S3_PORT=N');
  const bad = await captured(() => runStart(['--broker-port', 'nope']));
  assert.is(bad.code, 2);
  assert.match(bad.out, /--broker-port must be a port from 0 to 65535 \(0 = any free port\), got 'nope'\nUsage: quietcam start/);
});

test('quietcam relay: a taken status port (flag or env) is an exit-2 error; broker/S3 ports need --local', async () => {
  const taken = await takenPort();
  const byFlag = await captured(() => runRelay(['--status-port', String(taken)]));
  assert.is(byFlag.code, 2);
  assert.match(byFlag.out, `port ${taken} for the relay's status page is already in use on 127.0.0.1: stop what is using it, or choose another port with --status-port N or QUIETCAM_STATUS_PORT=N`);
  const byEnv = await withEnv({ QUIETCAM_STATUS_PORT: String(taken) }, () => captured(() => runRelay([])));
  assert.is(byEnv.code, 2);
  assert.match(byEnv.out, `port ${taken} for the relay's status page is already in use`);
  const noLocal = await captured(() => runRelay(['--broker-port', '1']));
  assert.is(noLocal.code, 2);
  assert.match(noLocal.out, /--broker-port and --s3-port need --local/);
});

test('quietcam web: a taken --port, or QUIETCAM_WEB_PORT, is an exit-2 error naming both', async () => {
  const taken = await takenPort();
  const byFlag = await captured(() => runWeb(['--port', String(taken)]));
  assert.is(byFlag.code, 2);
  assert.match(byFlag.out, `quietcam web: port ${taken} for the owner pages is already in use on 127.0.0.1: stop what is using it, or choose another port with --port N or QUIETCAM_WEB_PORT=N`);
  const byEnv = await withEnv({ QUIETCAM_WEB_PORT: String(taken) }, () => captured(() => runWeb([])));
  assert.is(byEnv.code, 2);
  assert.match(byEnv.out, `port ${taken} for the owner pages is already in use`);
  const local = await captured(() => runWeb(['--local', '--port', '0', '--broker-port', String(taken)]));
  assert.is(local.code, 2);
  assert.match(local.out, `port ${taken} for the MQTT broker (aedes) is already in use`);
});

test('quietcam relay --local listens where the flags say', async () => {
  const [b, s, st] = [await freePort(), await freePort(), await freePort()];
  const out = await readyLine(['relay', '--local', '--broker-port', String(b), '--s3-port', String(s), '--status-port', String(st)], {}, /relay ready/);
  assert.match(out, `broker mqtt://127.0.0.1:${b}, S3 http://127.0.0.1:${s} bucket`);
  assert.match(out, `status http://127.0.0.1:${st}`);
});

test('quietcam web --local listens where the variables say', async () => {
  const [b, s, st, w] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env = { QUIETCAM_BROKER_PORT: String(b), QUIETCAM_S3_PORT: String(s), QUIETCAM_STATUS_PORT: String(st), QUIETCAM_WEB_PORT: String(w), QUIETCAM_DATA_DIR: tempDir('quietcam-ports-web-').dir };
  const out = await readyLine(['web', '--local'], env, /web ready/);
  assert.match(out, `relay ready: broker mqtt://127.0.0.1:${b}, S3 http://127.0.0.1:${s}/`);
  assert.match(out, `status http://127.0.0.1:${st}`);
  assert.match(out, `web ready: http://127.0.0.1:${w}`);
});

test.after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  for (const s of blockers) s.close();
  for (const k of PORT_VARS) delete process.env[k];
  tmp.cleanup();
});
test.run();
