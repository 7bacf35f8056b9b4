/**
 * `npm run bench -- faults`: the fault matrix of issue 19, small (tens of bundles per fault, a few
 * minutes in all). Every figure comes from listing the bucket at the end (bench/faults/tally.ts):
 * published, in S3 exactly once, missing, duplicated, orphaned (objects of a copy without all six,
 * meta.json included), and the recovery time (end of the fault to the last bundle in S3).
 * FAULTS=name,name runs some (substring match on the fault's name); FAULT_BUNDLES scales the counts.
 */
import { fileURLToPath } from 'node:url';
import { duplicatedChunks, longCameraOutage, s3Outage, withdrawalMidUpload } from './faults/in-process.ts';
import { mosquittoKill } from './faults/mosquitto-kill.ts';
import { relayKill } from './faults/relay-kill.ts';
import type { FaultResult } from './faults/world.ts';

const N = Number(process.env.FAULT_BUNDLES ?? 30);

export const FAULTS: { name: string; run: () => Promise<FaultResult> }[] = [
  { name: 'relay-kill', run: () => relayKill(N, 2) },
  { name: 'relay-kill-appends', run: () => relayKill(N, 6, false) },
  { name: 'mosquitto-kill-default', run: () => mosquittoKill({ bundles: 2 * N, durable: false, acked: false }) },
  { name: 'mosquitto-kill-every-change', run: () => mosquittoKill({ bundles: 2 * N, durable: true, acked: false, settings: ['persistence true', 'autosave_on_changes true', 'autosave_interval 1'] }) },
  { name: 'mosquitto-kill-durable', run: () => mosquittoKill({ bundles: 2 * N, durable: true, acked: false }) },
  { name: 'mosquitto-kill-default-acked', run: () => mosquittoKill({ bundles: 2 * N, durable: false, acked: true }) },
  { name: 'mosquitto-kill-durable-acked', run: () => mosquittoKill({ bundles: 2 * N, durable: true, acked: true }) },
  { name: 's3-outage', run: () => s3Outage(N, 10000) },
  { name: 'duplicates', run: () => duplicatedChunks(N) },
  { name: 'camera-outage', run: () => longCameraOutage(Math.max(3, N / 10), 5) },
  { name: 'camera-outage-old-timeout', run: () => longCameraOutage(Math.max(3, N / 10), 5, 60000) },
  { name: 'withdrawal', run: () => withdrawalMidUpload(Math.max(10, N / 2)) },
];

function row(cells: (string | number)[]): string {
  return '| ' + cells.join(' | ') + ' |';
}

export async function main(): Promise<void> {
  const only = (process.env.FAULTS ?? '').split(',').filter(Boolean);
  console.log('\nfault matrix (figures from listing the bucket at the end)');
  console.log(row(['fault', 'published', 'in S3 exactly once', 'missing', 'duplicated', 'orphaned objects', 'recovery', 'note']));
  console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
  for (const f of FAULTS) {
    if (only.length && !only.some((o) => f.name.includes(o))) continue;
    try {
      const r = await f.run();
      console.log(row([r.fault, r.published, r.once, r.missing, r.duplicated, r.orphaned, r.recoveryMs < 0 ? 'never' : `${(r.recoveryMs / 1000).toFixed(1)} s`, r.note ?? '']));
    } catch (err) {
      console.log(row([f.name, '-', '-', '-', '-', '-', '-', `failed: ${(err as Error).message.split('\n')[0]}`]));
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  process.exit(0);
}
