/** A relay as a child process, for the tests that SIGKILL one and start it again. */
import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './env.js';

export interface RelayProcess { child: ChildProcess; output: () => string }

/**
 * Spawns `node --import tsx <script> ...args` and resolves once it prints `relay ready`
 * (within `timeoutMs`, `what` names the wait); rejects with its output if it exits first.
 */
export function startRelayProcess(script: string, args: string[], timeoutMs: number, what: string): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return waitFor(() => out.includes('relay ready') || child.exitCode !== null, timeoutMs, what).then(() => {
    if (child.exitCode !== null) throw new Error(`relay process exited ${child.exitCode}:\n${out}`);
    return { child, output: () => out };
  });
}

/** Sends SIGKILL to `child` and resolves with the signal it died of. */
export function sigkill(child: ChildProcess): Promise<NodeJS.Signals | null> {
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  process.kill(child.pid!, 'SIGKILL');
  return exited;
}

interface Stoppable { stop(): Promise<unknown> }

/** Teardown of a run with relay processes: SIGKILL the live ones, then close publisher, proxy, broker, S3, temp dir. */
export async function stopProcessWorld(w: { children: ChildProcess[]; pub: { close(): Promise<unknown> }; proxy: Stoppable; broker: Stoppable; s3: Stoppable; tmp: { cleanup(): void } }): Promise<void> {
  for (const c of w.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await w.pub.close();
  await w.proxy.stop();
  await w.broker.stop();
  await w.s3.stop();
  w.tmp.cleanup();
}
