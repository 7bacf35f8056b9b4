/**
 * The COCO export (https://cocodataset.org/#format-data, "Object Detection"): `images`,
 * `annotations` (bbox = [x, y, width, height] in pixels of the image, top-left origin; area =
 * w*h; iscrowd 0), `categories` (the fixed label list, ids 1-8). Each image carries its
 * `contribution_id` (owner/camera/bundle) and a `file_name` relative to the bucket's
 * contributions root. Only answered contributions whose consent allows ObjecTron at export time,
 * still in S3 and not flagged; an image answered "no objects" is listed with no annotations.
 */
import { PURPOSE_OBJECTRON } from '../protocol/consent.js';
import { CONTRIBUTIONS_ROOT } from '../operator/keys.js';
import { VIEW_OBJECT } from './actions.js';
import { LABELS, type ReviewPorts } from './ports.js';
import { ConsentReader, scanItems } from './queue.js';

export interface CocoFile {
  info: { description: string; version: string; date_created: string };
  licenses: { id: number; name: string }[];
  images: { id: number; file_name: string; width: number; height: number; date_captured: string; contribution_id: string; license: number }[];
  annotations: { id: number; image_id: number; category_id: number; bbox: [number, number, number, number]; area: number; iscrowd: 0 }[];
  categories: { id: number; name: string; supercategory: string }[];
}

export const COCO_CATEGORIES = LABELS.map((name, i) => ({ id: i + 1, name, supercategory: name === 'person' ? 'person' : name === 'animal' ? 'animal' : name === 'package' || name === 'other' ? 'object' : 'vehicle' }));

export async function buildCoco(p: ReviewPorts): Promise<CocoFile> {
  const consent = new ConsentReader(p);
  const coco: CocoFile = {
    info: { description: 'quietcam ObjecTron annotations (contributions given for object annotation, consent in force at export)', version: '1', date_created: new Date(p.clock()).toISOString() },
    licenses: [{ id: 1, name: "contributed by the camera's owner for ObjecTron; see the owner's consent record" }],
    images: [], annotations: [], categories: COCO_CATEGORIES,
  };
  for (const it of await scanItems(p)) {
    const a = p.store.annotation(it.ownerId, it.cameraId, it.bundleId);
    if (!a || !(await consent.allows(it, PURPOSE_OBJECTRON))) continue;
    const imageId = coco.images.length + 1;
    coco.images.push({
      id: imageId, file_name: it.prefix.slice(CONTRIBUTIONS_ROOT.length) + VIEW_OBJECT, width: it.width, height: it.height,
      date_captured: new Date(it.captureTimeMs).toISOString(), contribution_id: `${it.ownerId}/${it.cameraId}/${it.bundleId}`, license: 1,
    });
    for (const b of a.boxes) {
      coco.annotations.push({ id: coco.annotations.length + 1, image_id: imageId, category_id: LABELS.indexOf(b.label) + 1, bbox: [b.x, b.y, b.w, b.h], area: b.w * b.h, iscrowd: 0 });
    }
  }
  return coco;
}
