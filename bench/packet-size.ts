/**
 * `npm run bench -- packet-size`: RSS of the embedded broker and of the relay's MQTT client when
 * a client publishes two 128 MiB packets (issue 19, item 4), with the 400 KiB cap and without it.
 * Each role runs in its own process (packet-size-peer.ts); RSS from /proc, sampled every 20 ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { MAX_PACKET_BYTES } from '../src/adapters/mqtt-size-guard.ts';

const PEER = fileURLToPath(new URL('./packet-size-peer.ts', import.meta.url));
const BIG = Number(process.env.BENCH_PACKET_MIB ?? 128) * 1024 * 1024;
const NO_CAP = 512 * 1024 * 1024;

interface Peer { child: ChildProcess; ready: Promise<Record<string, string>>; last: Record<string, number> }

function peer(args: string[]): Peer {
  const child = fork(PEER, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const last: Record<string, number> = {};
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    child.on('message', (m: Record<string, unknown>) => {
      if (m.ready) resolve(m.ready as Record<string, string>);
      for (const k of ['refused', 'got']) if (k in m) last[k] = (last[k] ?? 0) + 1;
      if ('oversize' in m) last.oversize = m.oversize as number;
    });
    child.once('exit', (code) => reject(new Error(`peer ${args[0]} exited with ${code}`)));
  });
  return { child, ready, last };
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Publish `n` packets of BIG bytes, each on a new connection (a capped peer closes it); track peak RSS of `pids`. */
async function flood(url: string, n: number, pids: number[]): Promise<number[]> {
  const peak = pids.map(rssMb);
  const timer = setInterval(() => pids.forEach((p, i) => (peak[i] = Math.max(peak[i], rssMb(p)))), 20);
  const body = Buffer.alloc(BIG, 1);
  for (let i = 0; i < n; i++) {
    const c = mqtt.connect(url, { clientId: `flood-${i}`, reconnectPeriod: 0 });
    await new Promise((r) => c.once('connect', r));
    await new Promise<void>((resolve) => {
      c.publish('quietcam/porch/bundle', body, { qos: 0 }, () => undefined);
      c.once('close', () => resolve());
      setTimeout(() => resolve(), 8000); // an uncapped broker keeps the connection: give it time to take the packet
    });
    c.end(true);
  }
  await sleep(1000);
  clearInterval(timer);
  return peak;
}

async function run(label: string, brokerCap: number, ingestCap: number): Promise<void> {
  const peers: Peer[] = [];
  try {
    const broker = peer(['broker', String(brokerCap)]);
    peers.push(broker);
    const { url } = await broker.ready;
    const ingest = peer(['ingest', url, String(ingestCap)]);
    peers.push(ingest);
    await ingest.ready;
    await sleep(500);
    const pids = [broker.child.pid!, ingest.child.pid!];
    const idle = pids.map(rssMb);
    const peak = await flood(url, 2, pids);
    const after = pids.map(rssMb);
    const f = (i: number) => `${idle[i].toFixed(0)} -> peak ${peak[i].toFixed(0)} (+${(peak[i] - idle[i]).toFixed(0)}), after ${after[i].toFixed(0)} MB`;
    console.log(`  ${label}\n    broker: ${f(0)}; connections refused ${broker.last.oversize ?? 0}`);
    console.log(`    relay client: ${f(1)}; packets refused ${ingest.last.refused ?? 0}, delivered ${ingest.last.got ?? 0}`);
  } finally {
    for (const p of peers) p.child.kill('SIGTERM');
  }
}

export async function main(): Promise<void> {
  console.log(`\npacket size cap: two ${BIG / 1048576} MiB publishes (RSS idle -> peak, after)`);
  await run(`capped at ${MAX_PACKET_BYTES / 1024} KiB (broker and relay client)`, MAX_PACKET_BYTES, MAX_PACKET_BYTES);
  await run('broker uncapped, relay client capped (a broker without max_packet_size)', NO_CAP, MAX_PACKET_BYTES);
  await run('neither capped (as before issue 19)', NO_CAP, NO_CAP);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
