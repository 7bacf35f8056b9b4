/**
 * deletion.ts counts exactly while its workers run at once: two contributions of 6 objects each,
 * in a bucket whose calls take real time (as S3's do), report 12 objects, not 6 (the
 * `rep.objects += await …` race read the count before the await).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deleteContributions, reportText } from '../../src/web/deletion.js';
import { addCamera, seedContribution, signUp, T0, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; ann: Owner; cam: string }
const test = suite<Ctx>('web deletion counts');

test.before.each(async (c) => {
  c.web = testWeb();
  c.ann = await signUp(c.web, 'ann');
  c.cam = (await addCamera(c.ann, 'Porch')).cameraId;
  for (const b of ['b-1', 'b-2', 'b-3']) seedContribution(c.web, c.ann.id, c.cam, b, T0);
  // a second version of one object in b-2: 13 objects in all under b-1..b-3 (6 + 7), b-3 kept
  const rec = c.web.ports.contributions.get(c.ann.id, c.cam, 'b-2')!;
  c.web.objects.put(rec.objects[0].key, new Uint8Array([1]), 'image/jpeg');
  // every bucket call waits, the second worker's more briefly, so their awaits interleave
  const { deleteAll, list } = c.web.objects;
  let calls = 0;
  const later = <T>(f: () => Promise<T>) => new Promise<T>((done) => setTimeout(() => done(f()), 20 - 10 * (calls++ % 2)));
  c.web.objects.deleteAll = (p) => later(() => deleteAll.call(c.web.objects, p));
  c.web.objects.list = (p) => later(() => list.call(c.web.objects, p));
});
test.after.each(async (c) => { await c.web.close(); });

test('two contributions deleted at once: every object counted', async (c) => {
  const r = await deleteContributions(c.web.ports, c.ann.id, [{ cameraId: c.cam, bundleId: 'b-1' }, { cameraId: c.cam, bundleId: 'b-2' }]);
  assert.equal(r, { deleted: 2, objects: 13, remaining: 0, notFound: 0, failed: 0 });
  assert.match(reportText(r), /^Deleted 2 contribution\(s\): 13 object\(s\) removed/);
  assert.is((await c.web.objects.list(`contributions/${c.ann.id}/`)).length, 6, 'b-3 is untouched');
});

test('objects left behind by a bucket that ignores deletes are counted per contribution', async (c) => {
  c.web.objects.deleteAll = async () => 0;
  const r = await deleteContributions(c.web.ports, c.ann.id, [{ cameraId: c.cam, bundleId: 'b-1' }, { cameraId: c.cam, bundleId: 'b-2' }, { cameraId: c.cam, bundleId: 'nope' }]);
  assert.equal(r, { deleted: 2, objects: 0, remaining: 12, notFound: 1, failed: 0 });
});

test.run();
