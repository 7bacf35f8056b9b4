/** The fault matrix's tally (bench/faults/tally.ts): every figure from a bucket listing. */
// test-timeout: 90 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OBJECT_NAMES, tallyBucket } from '../../bench/faults/tally.ts';

const copy = (cam: string, id: string, day = '23', names = OBJECT_NAMES) => names.map((n) => `contributions/alice/${cam}/2026/11/${day}/${id}/${n}`);

test('once, missing, duplicated and orphaned from the keys alone', () => {
  const keys = [
    ...copy('porch', 'a'), // once
    ...copy('porch', 'b'), ...copy('porch', 'b', '24'), // twice under two dates: duplicated
    ...copy('porch', 'c', '23', ['1-view.jpg', '2-sky.png']), // no meta.json: 2 orphaned objects, missing
    ...copy('yard', 'x'), // never published: counted as an extra copy
    'contributions/alice/porch/notakey',
  ];
  const published = ['a', 'b', 'c', 'd'].map((bundleId) => ({ cameraId: 'porch', bundleId }));
  assert.equal(tallyBucket(keys, published), { published: 4, once: 1, missing: 2, duplicated: 2, orphaned: 2 });
});

test.run();
