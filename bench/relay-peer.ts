/**
 * The relay benchmark's other side, run as child processes so the relay has its process to
 * itself (as on a home server, where the broker and S3 are elsewhere):
 *   relay-peer.ts s3 DIR     s3rver with data under DIR
 *   relay-peer.ts cameras    aedes broker + N simulated cameras publishing paced bundles
 * Talks JSON over IPC: { ready: {...} } first; cameras takes { prepare: RunSpec } (encodes and
 * chunks the bundles ahead, answering { prepared }: on a board each camera encodes its own, on its
 * own CPU, so that work stays out of the measured run) and then { run: true } (publishes them,
 * answering { ran } with each bundle's publish time); both answer { cpu: true } with { cpuMs }.
 */
import { startBroker } from '../src/adapters/aedes-broker.ts';
import { connectPublisher, type BundlePublisher } from '../src/adapters/mqtt-publisher.ts';
import { startS3 } from '../src/adapters/s3rver-endpoint.ts';
import { bundleTopic, chunkBundle, encodeBundle } from '../src/protocol/index.ts';
import { makeBundle, testJpeg } from '../test/relay/helpers/bundles.ts';

export interface RunSpec {
  /** Bundle ids `b-<from>` .. `b-<from + count - 1>`, spread round-robin over the cameras. */
  from: number;
  count: number;
  /** Offered bundles/s over all cameras; 0 = as fast as the broker takes them. */
  rate: number;
}

const send = (m: unknown) => process.send!(m);
// { cpu: true } asks for this process's CPU time so far (user + system, ms): both roles answer.
process.on('message', (m: { cpu?: boolean }) => {
  if (!m.cpu) return;
  const u = process.cpuUsage();
  send({ cpuMs: (u.user + u.system) / 1000 });
});
// Exit cleanly on SIGTERM (the bench's stop), so --cpu-prof and other exit hooks still run.
process.on('SIGTERM', () => process.exit(0));
const [role, arg] = process.argv.slice(2);

if (role === 's3') {
  const s3 = await startS3({ directory: arg, buckets: ['quietcam-contributions'] });
  send({ ready: { endpoint: s3.endpoint } });
} else if (role === 'cameras') {
  const cameras = Number(process.env.BENCH_CAMERAS ?? 8);
  const rawWidth = Number(process.env.BENCH_RAW_WIDTH ?? 640);
  const rawHeight = Math.round((rawWidth * 3) / 4);
  const broker = await startBroker({ port: 0 });
  const jpeg = await testJpeg(rawWidth, rawHeight);
  const ids = Array.from({ length: cameras }, (_, i) => `cam-${i}`);
  const pubs: BundlePublisher[] = await Promise.all(ids.map(() => connectPublisher({ url: broker.url })));
  const bundleBytes = { jpeg: jpeg.length };
  let prepared: { spec: RunSpec; bundles: { camera: number; chunks: Uint8Array[] }[] } | null = null;
  process.on('message', async (m: { prepare?: RunSpec; run?: boolean }) => {
    if (m.prepare) {
      const { from, count } = m.prepare;
      const bundles = [];
      for (let k = 0; k < count; k++) {
        const c = (from + k) % cameras;
        const b = makeBundle({ cameraId: ids[c], bundleId: `b-${from + k}`, jpeg, rawWidth, rawHeight, captureTimeMs: Date.now() });
        bundles.push({ camera: c, chunks: chunkBundle(encodeBundle(b), { cameraId: b.cameraId, bundleId: b.bundleId }) });
      }
      prepared = { spec: m.prepare, bundles };
      send({ prepared: count });
      return;
    }
    if (!m.run || !prepared) return;
    const { spec, bundles } = prepared;
    prepared = null;
    const t0 = performance.now();
    const pending: Promise<void>[] = [];
    const sentAt: number[] = []; // wall clock (Date.now) as each bundle's first chunk is published
    for (let k = 0; k < bundles.length; k++) {
      if (spec.rate > 0) {
        const due = t0 + (k * 1000) / spec.rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      } else if (pending.length >= 64) {
        await Promise.race(pending);
      }
      const { camera, chunks } = bundles[k];
      bundles[k] = null!; // published: let it go
      const topic = bundleTopic(ids[camera]);
      sentAt.push(Date.now());
      const p = Promise.all(chunks.map((c) => pubs[camera].publishRaw(topic, c)));
      const tracked: Promise<void> = p.then(() => {
        pending.splice(pending.indexOf(tracked), 1);
      });
      pending.push(tracked);
    }
    await Promise.all(pending);
    send({ ran: { count: bundles.length, ms: performance.now() - t0, sentAt } });
  });
  send({ ready: { url: broker.url, cameras: ids, jpegBytes: bundleBytes.jpeg, rawWidth, rawHeight } });
} else {
  console.error('usage: relay-peer.ts s3 DIR | cameras');
  process.exit(2);
}
