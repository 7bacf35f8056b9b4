/**
 * Fault: mosquitto (Debian's, with the logins, ACL and durability settings `quietcam broker-config`
 * writes) is SIGKILLed twice mid-run and restarted, while three board-like cameras publish and wait
 * for the relay's end-to-end ack: every bundle is in S3 exactly once (from listing the bucket). The
 * variants without the settings or without the ack are measured by `npm run bench -- faults`.
 */
// test-timeout: 90 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mosquittoFiles, MOSQUITTO_DURABILITY } from '../../src/adapters/mosquitto-config.js';
import { mosquittoKill } from '../../bench/faults/mosquitto-kill.ts';

test('the generated mosquitto config saves its store every 100 changes', () => {
  const { conf } = mosquittoFiles({ cameras: [], services: { relay: { username: 'quietcam-relay', password: 'x' }, web: { username: 'quietcam-web', password: 'y' } }, dir: '/tmp/qc' });
  for (const line of [...MOSQUITTO_DURABILITY, 'max_queued_messages 0']) assert.match(conf, new RegExp(`^${line}$`, 'm'));
});

test('mosquitto kill -9 twice mid-run, durable settings, board-like cameras: every bundle in S3 exactly once', async () => {
  const r = await mosquittoKill({ bundles: 24, durable: true, acked: true, ackTimeoutMs: 2000, maxWaitMs: 18000 });
  assert.equal({ once: r.once, missing: r.missing, duplicated: r.duplicated, orphaned: r.orphaned }, { once: 24, missing: 0, duplicated: 0, orphaned: 0 }, JSON.stringify(r));
});

test.run();
