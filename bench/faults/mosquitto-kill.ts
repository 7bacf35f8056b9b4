/**
 * Fault: Debian's mosquitto (with the broker-config logins and ACL) is SIGKILLed twice mid-run and
 * started again; cameras keep publishing. Variants:
 * - `durable`: the generated config's MOSQUITTO_DURABILITY (a save every 100 changes) or
 *   mosquitto's default autosave (every 1800 s: a kill loses what it PUBACKed since its last save);
 * - `acked`: board-like publishers that keep each bundle until the relay's end-to-end ack, or plain
 *   QoS 1 publishers that forget a bundle once the broker PUBACKed its chunks.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MOSQUITTO_DURABILITY } from '../../src/adapters/mosquitto-config.ts';
import { camera } from '../../test/relay/helpers/relay.ts';
import { sleep, tempDir } from '../../test/relay/helpers/env.ts';
import { startMosquitto } from '../../test/relay/helpers/mosquitto.ts';
import { startTestRelay, startTestS3, testConfig } from '../../test/relay/helpers/world.ts';
import { bundles, CAMERAS, listBucket, logins, metaCount, publishers, result, settle, type FaultResult } from './world.ts';

export interface MosquittoKillOptions {
  bundles: number;
  durable: boolean;
  acked: boolean;
  /** ms between two bundles (default 40). */
  gapMs?: number;
  /** Board-like cameras: ms before a bundle is sent again (default 5000, doubling up to 8x). */
  ackTimeoutMs?: number;
  /** Other persistence lines instead (measuring other settings). */
  settings?: string[];
  /** Give up waiting after this (default 30 s). */
  maxWaitMs?: number;
}

export async function mosquittoKill(o: MosquittoKillOptions): Promise<FaultResult> {
  const tmp = tempDir('quietcam-fault-');
  const l = logins(tmp.dir);
  const broker = await startMosquitto(tmp.dir, { listener: l.mosquittoListener(tmp.dir), extra: o.settings ?? (o.durable ? MOSQUITTO_DURABILITY : ['autosave_interval 1800']) });
  const s3 = await startTestS3(tmp.dir);
  const config = testConfig(tmp.dir, broker.url, s3.endpoint, CAMERAS.map((id) => camera(id)), { broker: { ...l.services.relay } });
  const { relay } = await startTestRelay(config);
  const pubs = await publishers(broker.url, l, o.acked, o.ackTimeoutMs);
  const list = await bundles(o.bundles, 'mk');
  let faultEnd = Date.now();
  try {
    const sent: Promise<void>[] = [];
    const acked = new Set<string>(); // every chunk PUBACKed by the broker (plain), or acked by the relay (board-like)
    const failed: Record<string, string> = {};
    const kills = [Math.floor(o.bundles / 3), Math.floor((2 * o.bundles) / 3)];
    for (let i = 0; i < list.length; i++) {
      const b = list[i];
      sent.push(pubs.publish(b).then(() => void acked.add(b.bundleId), (err: Error) => void (failed[b.bundleId] = err.message)));
      await sleep(o.gapMs ?? 40);
      if (kills.includes(i)) {
        await broker.kill();
        await sleep(300);
        await broker.start();
        faultEnd = Date.now();
      }
    }
    // Board-like cameras are done when the relay acked every bundle (they re-send until then, backing off up to 40 s).
    if (o.acked) await Promise.race([Promise.all(sent), sleep(o.maxWaitMs ?? 60000)]);
    const s = await settle(() => metaCount(config), o.bundles, 4000, o.maxWaitMs ?? 30000);
    const name = `mosquitto kill -9 x2, ${o.settings ? o.settings.join(', ') : o.durable ? 'generated (save every 100 changes)' : 'default autosave'}, ${o.acked ? 'end-to-end ack' : 'QoS 1 only'}`;
    const log = readFileSync(join(tmp.dir, 'mosquitto.log'), 'utf8');
    const saves = log.split('Saving in-memory database').length - 1;
    const db = join(tmp.dir, 'mosquitto.db');
    const note = `${saves} store saves (last ${existsSync(db) ? Math.round(statSync(db).size / 1024) : 0} KB)${o.acked ? `, ${pubs.resent()} bundles re-sent, ${o.bundles - acked.size} never acked` : ''}`;
    const keys = await listBucket(config);
    const lostAcked = list.filter((b) => acked.has(b.bundleId) && !keys.some((k) => k.endsWith(`/${b.bundleId}/meta.json`))).length;
    const why = [...new Set(Object.values(failed))].join('; ');
    const r = await result(name, config, list, faultEnd, s.lastChangeMs,
      `${note}${lostAcked ? `; ${lostAcked} of the missing were acknowledged by the broker` : ''}${Object.keys(failed).length ? `, ${Object.keys(failed).length} publishes failed at the client (${why})` : ''}`);
    if (process.env.FAULT_DEBUG) {
      const gone = list.map((b, i) => (keys.some((k) => k.endsWith(`/${b.bundleId}/meta.json`)) ? -1 : i)).filter((i) => i >= 0);
      console.error(`debug: kills after bundles ${kills}, missing bundles ${gone}, partial at the relay ${relay.status().counts.partial}`);
    }
    return r;
  } finally {
    await pubs.close();
    await relay.stop();
    await broker.stop();
    await s3.stop();
    tmp.cleanup();
  }
}
