/**
 * The relay benchmark's processes (bench/relay.ts): the stack's roles started as child processes
 * (bench/relay-peer.ts), either prebuilt as `npm start` runs them (scripts/build-runtime.ts: plain
 * node, no loader) or through tsx (BENCH_RUNTIME=tsx), and their RSS and CPU time from /proc,
 * each descendant (tsx's esbuild service) named apart.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleRuntime, ROOT } from '../scripts/build-runtime.ts';

const PEER = fileURLToPath(new URL('./relay-peer.ts', import.meta.url));

/** 'dist': the peer prebuilt like dist/runtime (what `npm start` runs); 'tsx': the sources through tsx. */
export type Runtime = 'dist' | 'tsx';

export interface Peer { child: ChildProcess; ready: Promise<Record<string, string>> }

let built: { dir: string; file: string } | undefined;

/** The peer bundled once per bench run (under dist/, where node_modules resolves; removed by `dropBuiltPeer`). */
async function builtPeer(): Promise<string> {
  if (!built) {
    const dir = join(ROOT, 'dist', `bench-peer-${process.pid}`);
    await bundleRuntime({ 'relay-peer': PEER }, dir);
    built = { dir, file: join(dir, 'relay-peer.js') };
  }
  return built.file;
}

export function dropBuiltPeer(): void {
  if (built) rmSync(built.dir, { recursive: true, force: true });
  built = undefined;
}

/** One role of the stack in its own process; `ready` carries what the role reports once up. */
export async function peer(args: string[], runtime: Runtime, nodeArgs: string[], env: Record<string, string>): Promise<Peer> {
  const file = runtime === 'dist' ? await builtPeer() : PEER;
  const execArgv = runtime === 'dist' ? nodeArgs : [...nodeArgs, '--import', 'tsx'];
  const child = fork(file, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' } });
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    child.on('message', (m: { ready?: Record<string, string> }) => m.ready && resolve(m.ready));
    child.once('exit', (code) => reject(new Error(`bench peer ${args[0]} exited with ${code}`)));
  });
  return { child, ready };
}

/** Ask a peer something over IPC (`{ ask: what }`), resolve with its `{ answer }`. */
export function ask<T>(p: Peer, what: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { answer?: T; to?: string }) => {
      if (m.to !== what) return;
      p.child.off('message', on);
      resolve(m.answer as T);
    };
    p.child.on('message', on);
    p.child.send({ ask: what });
  });
}

export interface Usage { rssMb: number; cpuMs: number }

/** A process's resident set (Linux /proc), MB, and its CPU time so far (user + system), ms; 0 once it is gone. */
function ownUsage(pid: number): Usage {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const stat = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of stat (utime, stime) in clock ticks of 10 ms
    return { rssMb: m ? Number(m[1]) / 1024 : 0, cpuMs: (Number(stat[11]) + Number(stat[12])) * 10 };
  } catch {
    return { rssMb: 0, cpuMs: 0 };
  }
}

/** Each process of the tree under `pid`: `role` for the root, `role/<command>` for descendants (summed by command). */
export function usageTree(pid: number, role: string): Record<string, Usage> {
  const parentOf = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      comm.set(Number(name), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch {
      // gone meanwhile
    }
  }
  const out: Record<string, Usage> = {};
  for (const p of parentOf.keys()) {
    for (let q: number | undefined = p; q !== undefined && q > 1; q = parentOf.get(q)) {
      if (q !== pid) continue;
      const label = p === pid ? role : `${role}/${comm.get(p)}`;
      const u = ownUsage(p);
      out[label] = { rssMb: (out[label]?.rssMb ?? 0) + u.rssMb, cpuMs: (out[label]?.cpuMs ?? 0) + u.cpuMs };
      break;
    }
  }
  return out;
}

/** usageTree over every peer, flattened. */
export function usageOf(peers: Record<string, Peer>): Record<string, Usage> {
  return Object.assign({}, ...Object.entries(peers).map(([role, p]) => usageTree(p.child.pid!, role)));
}
