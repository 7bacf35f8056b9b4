/**
 * Relays sharing one SQLite file reassemble through its journal (src/relay/shared-reassemble.ts):
 * `maxPerCamera` bounds one camera's partial bundles there too, counted over every relay's chunks;
 * a new bundle beyond it evicts that camera's least recently fed one (reported), never another
 * camera's, never the bundle just fed.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openRelayDb, SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { chunkBundle, demoCameraSecret, encodeBundle, macKey } from '../../src/protocol/index.js';
import { SharedReassembleStage } from '../../src/relay/shared-reassemble.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { tempDir } from './helpers/env.js';

async function chunksOf(cameraId: string, bundleId: string): Promise<Uint8Array[]> {
  const bytes = encodeBundle(makeBundle({ cameraId, bundleId, jpeg: await testJpeg() }), undefined, macKey(demoCameraSecret(cameraId)));
  return chunkBundle(bytes, { cameraId, bundleId, chunkSize: 2048 });
}

test('shared journal: a camera holds at most maxPerCamera partial bundles over all relays; the least recently fed goes first', async () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'relay.db');
  const open = (n: number) => new SqliteRelayStore(openRelayDb(file), { ownsDb: true, lease: { owner: `r${n}`, ms: 1000 } });
  const stores = [open(1), open(2)];
  const relays = stores.map((s) => new SharedReassembleStage(s as never, { timeoutMs: 60000, maxPerCamera: 2 }));
  try {
    const a = await Promise.all(['a1', 'a2', 'a3', 'a4'].map((id) => chunksOf('porch', id)));
    const y = await chunksOf('yard', 'y1');
    assert.is(relays[0].push(y[0], 0, 1).kind, 'partial');
    assert.equal(relays[0].push(a[0][0], 0, 2), { kind: 'partial', incomplete: [] });
    assert.equal(relays[1].push(a[1][0], 0, 3), { kind: 'partial', incomplete: [] }, 'two per camera fit');
    relays[0].push(a[0][1], 0, 4); // a1 fed again: a2 is now the least recently fed
    const r = relays[1].push(a[2][0], 0, 5);
    if (r.kind !== 'partial') return assert.unreachable(r.kind);
    assert.equal(r.incomplete.map((e) => [e.bundleId, e.reason, e.received]), [['a2', 'evicted', 1]], 'the other relay\'s chunk counts too');
    const r2 = relays[0].push(a[3][0], 0, 6);
    assert.equal(r2.kind === 'partial' && r2.incomplete.map((e) => e.bundleId), ['a1']);
    const held = (stores[0].journal()).length;
    assert.is(held, 3, 'y1, a3, a4: one chunk each');
    assert.is(stores[1].journalled().bundles, 3);
    // the evicted bundle's chunks come again (the broker redelivers, the board re-sends): it is a new partial, evicting the oldest
    const again = relays[0].push(a[1][1], 0, 7);
    assert.equal(again.kind === 'partial' && again.incomplete.map((e) => e.bundleId), ['a3']);
    // a complete bundle still completes
    let last = relays[0].push(y[1], 0, 8);
    for (const c of y.slice(2)) last = relays[1].push(c, 0, 9);
    assert.is(last.kind, 'complete');
  } finally {
    for (const s of stores) s.close();
    tmp.cleanup();
  }
});

test.run();
