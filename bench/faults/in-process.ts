/**
 * The faults run against a relay in this process (embedded aedes with the camera logins, s3rver,
 * SQLite in a temp dir, a clock the scenario can move): S3 outage, duplicated and reordered chunks,
 * a long camera outage mid-bundle, consent withdrawn mid-upload.
 */
import { startBroker } from '../../src/adapters/aedes-broker.ts';
import { connectPublisher } from '../../src/adapters/mqtt-publisher.ts';
import { silentLogger } from '../../src/log.ts';
import { bundleTopic, chunkBundle, demoCameraSecret, encodeBundle, macKey, type Bundle } from '../../src/protocol/index.ts';
import type { RelayConfigInput } from '../../src/relay/config.ts';
import { startRelay } from '../../src/relay/main.ts';
import type { Relay } from '../../src/relay/relay.ts';
import { sleep, tempDir } from '../../test/relay/helpers/env.ts';
import { slowProxy } from '../../test/relay/helpers/proxy.ts';
import { camera } from '../../test/relay/helpers/relay.ts';
import { startTestS3, testConfig } from '../../test/relay/helpers/world.ts';
import { bundles, CAMERAS, logins, metaCount, publishers, result, settle, type FaultResult } from './world.ts';

type Env = Awaited<ReturnType<typeof setUp>>;

async function setUp(extra: RelayConfigInput = {}, s3DelayMs = 0) {
  const tmp = tempDir('quietcam-fault-');
  const l = logins(tmp.dir);
  const broker = await startBroker({ port: 0, auth: l.auth() });
  let s3 = await startTestS3(tmp.dir);
  const proxy = s3DelayMs ? await slowProxy(s3.port, s3DelayMs) : null;
  const endpoint = proxy ? `http://127.0.0.1:${proxy.port}` : s3.endpoint;
  const config = testConfig(tmp.dir, broker.url, endpoint, CAMERAS.map((id) => camera(id)), { ...extra, broker: { ...l.services.relay } });
  const clock = { offsetMs: 0 };
  const relay: Relay = await startRelay({ config, log: silentLogger, clock: () => Date.now() + clock.offsetMs });
  const pubs = await publishers(broker.url, l, true);
  const raw = await connectPublisher({ url: broker.url, ...l.cameras[CAMERAS[0]], clientId: CAMERAS[0] + '-raw' });
  return {
    tmp, l, broker, config, relay, pubs, raw, clock,
    s3: { stop: () => s3.stop(), start: async () => void (s3 = await startTestS3(tmp.dir, s3.port)) },
    async close() {
      await pubs.close();
      await raw.close();
      await relay.stop();
      await broker.stop();
      await proxy?.stop();
      await s3.stop().catch(() => undefined);
      tmp.cleanup();
    },
  };
}

async function run(name: string, extra: RelayConfigInput, s3DelayMs: number, body: (e: Env) => Promise<{ published: Bundle[]; faultEndMs: number; note?: string }>): Promise<FaultResult> {
  const e = await setUp(extra, s3DelayMs);
  try {
    const r = await body(e);
    const s = await settle(() => metaCount(e.config), r.published.length, 4000, 30000);
    return await result(name, e.config, r.published, r.faultEndMs, s.lastChangeMs, r.note);
  } finally {
    await e.close();
  }
}

/** S3 down for `outageMs` while `n` bundles arrive; uploads retry until it is back. */
export function s3Outage(n: number, outageMs: number): Promise<FaultResult> {
  return run(`S3 outage ${outageMs / 1000} s`, { upload: { retryBaseMs: 200, retryMaxMs: 2000 } }, 0, async (e) => {
    const list = await bundles(n, 's3o');
    await e.s3.stop();
    const down = Date.now();
    await Promise.all(list.map((b) => e.pubs.publish(b))); // acked: stored in the outbox while S3 is down
    await sleep(Math.max(0, outageMs - (Date.now() - down)));
    await e.s3.start();
    return { published: list, faultEndMs: Date.now() };
  });
}

/** Every bundle's chunks reversed and each sent twice, cameras interleaved, then the whole bundle again. */
export function duplicatedChunks(n: number): Promise<FaultResult> {
  return run('duplicated + reordered chunks, bundles sent twice', {}, 0, async (e) => {
    const list = await bundles(n, 'dup');
    const twice = (count: number) => Array.from({ length: count }, (_, i) => count - 1 - i).flatMap((i) => [i, i]);
    // each bundle through its camera's QoS 1 client with the odd order, and again through the board-like one
    const plain = await Promise.all(CAMERAS.map((id) => connectPublisher({ url: e.broker.url, chunkSize: 512, ...e.l.cameras[id], clientId: `${id}-dup` })));
    try {
      await Promise.all(list.map((b) => plain[CAMERAS.indexOf(b.cameraId)].publish(b, { order: twice })));
      await Promise.all(list.map((b) => e.pubs.publish(b)));
    } finally {
      for (const p of plain) await p.close();
    }
    return { published: list, faultEndMs: Date.now(), note: 'each chunk 3 times (reversed, doubled, then the board re-sends the bundle)' };
  });
}

/**
 * Half of each bundle's chunks, then the camera's link is down for `outageMin` minutes (the relay's
 * clock is moved on, its expiry sweeps run meanwhile), then the rest. `timeoutMs` = the relay's
 * reassembly timeout (default: the config's, a day; 60000 = before issue 19).
 */
export function longCameraOutage(n: number, outageMin: number, timeoutMs?: number): Promise<FaultResult> {
  const extra: RelayConfigInput = { reassembly: { expireEveryMs: 100, ...(timeoutMs ? { timeoutMs } : {}) } };
  const name = `camera link down ${outageMin} min mid-bundle${timeoutMs ? ` (timeout ${timeoutMs / 1000} s)` : ''}`;
  return run(name, extra, 0, async (e) => {
    const cam = CAMERAS[0];
    const list = await bundles(n, 'lco', [cam]);
    const chunks = list.map((b) => chunkBundle(encodeBundle(b, undefined, macKey(demoCameraSecret(cam))), { cameraId: cam, bundleId: b.bundleId, chunkSize: 1024 }));
    for (const cs of chunks) for (const c of cs.slice(0, cs.length >> 1)) await e.raw.publishRaw(bundleTopic(cam), c);
    for (let m = 0; m < outageMin; m++) {
      e.clock.offsetMs += 60_000;
      await sleep(150); // a sweep sees each minute go by
    }
    for (const cs of chunks) for (const c of cs.slice(cs.length >> 1)) await e.raw.publishRaw(bundleTopic(cam), c);
    return { published: list, faultEndMs: Date.now() };
  });
}

/** Consent withdrawn while uploads are in flight (S3 slowed by a proxy). Bundles not yet uploaded must leave nothing behind. */
export function withdrawalMidUpload(n: number): Promise<FaultResult> {
  return run('consent withdrawn mid-upload', { upload: { concurrency: 2 } }, 60, async (e) => {
    const cam = CAMERAS[0];
    const list = await bundles(n, 'wd', [cam]);
    const sent = list.map((b) => e.pubs.publish(b));
    const start = Date.now();
    while (e.relay.status().counts.uploaded < 1 && Date.now() - start < 15000) await sleep(10);
    const rec = e.relay.registry.get(cam)!;
    e.relay.registry.put({ ...rec, consent: { ...rec.consent!, purposes: 0, version: rec.consent!.version + 1 } });
    const withdrawnAt = Date.now();
    void sent; // bundles refused after the withdrawal are never acked: the boards give them up (slots are bounded)
    await sleep(1000);
    await e.relay.whenIdle();
    const uploaded = e.relay.status().counts.uploaded;
    // Only what was uploaded before the withdrawal is expected: the rest must be absent, not orphaned.
    const keep = list.filter((b) => e.relay.contributions({ cameraId: cam }).some((c) => c.bundleId === b.bundleId));
    return { published: keep, faultEndMs: withdrawnAt, note: `${uploaded} of ${n} uploaded before the withdrawal; the rest must leave no object` };
  });
}
