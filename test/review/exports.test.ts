/**
 * The exports: COCO JSON (checked against the format: categories, images, bbox as x, y, w, h in
 * image pixels) with only contributions whose consent allows ObjecTron at export time; the Motion
 * export as CDnet folders that the simulator's reader opens, with only Motion contributions under
 * consent; proposed boxes reach the annotation page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { sharpMaskCodec } from '../../src/adapters/sharp-watermark.js';
import { buildCoco } from '../../src/review/coco.js';
import { exportMotion } from '../../src/review/motion-export.js';
import { personProposals } from '../../src/review/person-proposals.js';
import { openCdnet } from '../../sim/sources/cdnet.js';
import { addCamera, signUp, type Owner } from '../web/helpers.js';
import { consentTo, H, porchAndGarden, reviewer, ReviewClient, seed, T0, W, world, type World } from './helpers.js';

interface Ctx { w: World; ann: Owner; porch: string; garden: string; shed: string; rc: ReviewClient; tmp: string }
const test = suite<Ctx>('review exports');
const DAY = 86400000;

test.before.each(async (c) => {
  c.tmp = mkdtempSync(join(tmpdir(), 'quietcam-review-export-'));
  c.w = world({ proposer: { propose: async () => [{ label: 'person', x: 10, y: 20, w: 30, h: 60 }] } });
  c.ann = await signUp(c.w.home, 'ann');
  c.porch = (await addCamera(c.ann, 'Porch')).cameraId;
  c.garden = (await addCamera(c.ann, 'Garden')).cameraId;
  c.shed = (await addCamera(c.ann, 'Shed')).cameraId;
  await porchAndGarden(c.w, c.ann, c.porch, c.garden);
  await consentTo(c.ann, c.shed, 'both');
  await seed(c.w, c.ann.id, c.shed, 's-1', 3, T0 - DAY);
  const rita = await reviewer(c.w, 'rita');
  c.rc = new ReviewClient(c.w);
  await c.rc.signIn('rita', rita.password, rita.totpSecret);
});
test.after.each(async (c) => {
  await c.w.close();
  rmSync(c.tmp, { recursive: true, force: true });
});

/** The COCO object-detection format, as far as a consumer (pycocotools, FiftyOne) relies on it. */
const cocoSchema = z.object({
  info: z.object({}).passthrough(),
  images: z.array(z.object({ id: z.number().int().positive(), file_name: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive(), contribution_id: z.string().regex(/^[^/]+\/[^/]+\/[^/]+$/) }).passthrough()),
  annotations: z.array(z.object({ id: z.number().int().positive(), image_id: z.number().int().positive(), category_id: z.number().int().positive(), bbox: z.tuple([z.number().min(0), z.number().min(0), z.number().positive(), z.number().positive()]), area: z.number().positive(), iscrowd: z.literal(0) }).strict()),
  categories: z.array(z.object({ id: z.number().int().positive(), name: z.string(), supercategory: z.string() }).strict()),
}).passthrough();

test('proposed boxes are on the annotation page, dashed, for the reviewer to accept', async (c) => {
  const page = await c.rc.request('GET', `/c/${c.ann.id}/${c.porch}/p-1`);
  assert.match(page.body, /Boxes proposed by the detector/);
  const boxes = JSON.parse(/data-boxes="([^"]*)"/.exec(page.body)![1].replace(/&#34;/g, '"'));
  assert.equal(boxes, [{ label: 'person', x: 10, y: 20, w: 30, h: 60, proposed: true }]);
});

test('a person detector\'s boxes become proposed person boxes, clipped to the image', async () => {
  const p = personProposals({ detect: async () => ({ boxes: [{ x: -4.4, y: 10.6, w: 50, h: 100, score: 0.9 }, { x: 300, y: 200, w: 80, h: 80, score: 0.5 }, { x: 319.5, y: 0, w: 5, h: 5, score: 0.4 }] }) });
  const item = { ownerId: 'o', cameraId: 'c', bundleId: 'b', prefix: '', captureTimeMs: 0, purposes: 2, width: W, height: H };
  assert.equal(await p.propose(new Uint8Array(0), item), [{ label: 'person', x: 0, y: 11, w: 46, h: 100 }, { label: 'person', x: 300, y: 200, w: 20, h: 40 }]);
});

test('COCO: valid format, pixel boxes, ids unique and linked, only consent in force at export time', async (c) => {
  await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-1/annotate`, { boxes: JSON.stringify([{ label: 'person', x: 40, y: 60, w: 80, h: 100 }, { label: 'bus/truck', x: 0, y: 0, w: W, h: H }]) });
  await c.rc.request('POST', `/c/${c.ann.id}/${c.porch}/p-2/annotate`, { none: 'yes' });
  await c.rc.request('POST', `/c/${c.ann.id}/${c.shed}/s-1/annotate`, { boxes: JSON.stringify([{ label: 'car', x: 5, y: 5, w: 50, h: 40 }]) });
  const res = await c.rc.request('GET', '/export/coco.json');
  assert.is(res.statusCode, 200);
  let coco = cocoSchema.parse(JSON.parse(res.body));
  assert.equal(coco.categories.map((k) => k.name), ['person', 'car', 'bicycle', 'motorbike', 'bus/truck', 'package', 'animal', 'other']);
  assert.equal(coco.categories.map((k) => k.id), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(coco.images.map((i) => i.contribution_id).sort(), [`${c.ann.id}/${c.porch}/p-1`, `${c.ann.id}/${c.porch}/p-2`, `${c.ann.id}/${c.shed}/s-1`].sort());
  for (const i of coco.images) assert.equal([i.width, i.height], [W, H]);
  const p1 = coco.images.find((i) => i.contribution_id.endsWith('/p-1'))!;
  const mine = coco.annotations.filter((a) => a.image_id === p1.id);
  assert.equal(mine.map((a) => [a.category_id, a.bbox, a.area]), [[1, [40, 60, 80, 100], 8000], [5, [0, 0, W, H], W * H]]);
  assert.is(new Set(coco.annotations.map((a) => a.id)).size, coco.annotations.length);
  for (const a of coco.annotations) {
    const img = coco.images.find((i) => i.id === a.image_id)!;
    assert.ok(a.bbox[0] + a.bbox[2] <= img.width && a.bbox[1] + a.bbox[3] <= img.height, 'inside its image');
  }
  // the shed's owner narrows to Motion: its answer leaves the next export
  await consentTo(c.ann, c.shed, 'motion');
  coco = cocoSchema.parse(await buildCoco(c.w.review));
  assert.equal(coco.images.map((i) => i.contribution_id).sort(), [`${c.ann.id}/${c.porch}/p-1`, `${c.ann.id}/${c.porch}/p-2`]);
  assert.not.ok(coco.annotations.some((a) => a.category_id === 2), 'the shed\'s car box is gone');
});

test('Motion export: CDnet folders the simulator reads, Motion contributions under consent only, each logged', async (c) => {
  await consentTo(c.ann, c.shed, 'objectron'); // no longer for Motion
  const r = await exportMotion(c.w.review, sharpMaskCodec, c.tmp, 'ops');
  assert.is(r.frames, 3, 'porch p-1, p-2 and garden g-1');
  assert.is(r.folders.length, 2);
  const porch = r.folders.find((f) => f.includes(c.porch))!;
  const src = await openCdnet(porch);
  assert.is(src.frameCount, 2);
  let n = 0;
  for await (const f of src.frames()) {
    n++;
    assert.equal([src.width, src.height, f.grey.length], [W, H, W * H]);
    const gt = f.truth!.motion!;
    assert.is(gt[70 * W + 80], 255, 'inside the motion box');
    assert.is(gt[10 * W + 10], 0, 'outside');
  }
  assert.is(n, 2);
  assert.not.ok(r.folders.some((f) => f.includes(c.shed)));
  const looks = await c.w.bucket.list(`access/${c.ann.id}/`);
  assert.is(looks.length, 3);
  const log = await c.ann.client.get('/access-log');
  assert.match(log.body, /ops \(reviewer\)/);
  assert.match(log.body, /motion-export/);
});

test.run();
