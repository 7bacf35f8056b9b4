/**
 * Stage 5, derive: a stored bundle in, the contribution's objects out. A pure function of the
 * bundle, its outbox entry and the purposes in force: deriving again (after a restart, a purpose
 * change, on another relay) writes the same bytes under the same deterministic keys.
 *
 * | name              | what                                                                 |
 * |-------------------|----------------------------------------------------------------------|
 * | 1-view.jpg        | the camera's view, the JPEG bytes exactly as received                |
 * | 2-sky.png         | sky mask, single-channel 0/255, raw view resolution                  |
 * | 3-static.png      | mask of motion that became static, same                              |
 * | 4-motion.png      | box drawing: motion cells grey (96), box outlines white, same        |
 * | 5-background.jpg  | background, greyscale, Gaussian-blurred, raw view resolution         |
 * | meta.json         | camera, owner, times, purposes, detector and consent versions, and   |
 * |                   | `boxes`: the motion boxes in cells and raw pixels (masks.ts)         |
 *
 * The image work (JPEG decode, blur, resize, PNG and JPEG encoding) is the ImageCodec's (sharp).
 */
import type { Bundle } from '../protocol/index.js';
import { backgroundPixels } from './background.js';
import type { RelayConfig } from './config.js';
import { purposeNames } from './consent.js';
import { jpegSize } from './jpeg-size.js';
import { boxesJson, MASK_ON, motionFreeMask, renderBoxes, renderMask } from './masks.js';
import type { ImageCodec, OutboxEntry } from './types.js';

/** Version of the relay's derivation, written to meta.json. */
export const DERIVE_VERSION = 'relay-derive-2';

/** Object names, in upload order (meta.json last: once it exists, the set is complete). */
export const OBJECT_NAMES = ['1-view.jpg', '2-sky.png', '3-static.png', '4-motion.png', '5-background.jpg', 'meta.json'] as const;

export interface DerivedObject {
  name: string;
  body: Uint8Array;
  contentType: string;
}

/** The bundle's images cannot be derived (an unreadable or mis-sized JPEG): it is discarded. */
export class DeriveError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

function json(name: string, value: unknown): DerivedObject {
  return { name, body: new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n'), contentType: 'application/json' };
}

/** The raw view's size, checked against what the bundle announces. */
function checkedViewSize(b: Bundle): { W: number; H: number } {
  const size = jpegSize(b.rawView.jpeg);
  if (!size) throw new DeriveError('bad-image', 'raw view is not a JPEG (no SOF header)');
  if (size.width !== b.rawView.width || size.height !== b.rawView.height) {
    throw new DeriveError('bad-image', `raw view JPEG is ${size.width}x${size.height}, the bundle says ${b.rawView.width}x${b.rawView.height}`);
  }
  return { W: size.width, H: size.height };
}

function metaJson(b: Bundle, entry: OutboxEntry, purposes: number, background: object): DerivedObject {
  const W = b.rawView.width;
  const H = b.rawView.height;
  return json('meta.json', {
    cameraId: b.cameraId,
    ownerId: entry.ownerId,
    bundleId: b.bundleId,
    captureTime: new Date(b.captureTimeMs).toISOString(),
    captureTimeMs: b.captureTimeMs,
    receivedTime: new Date(entry.firstChunkMs).toISOString(),
    acceptedTime: new Date(entry.acceptedMs).toISOString(),
    purposes: purposeNames(purposes),
    consentVersion: entry.consentVersion,
    deviceConsentVersion: b.consentVersion,
    detectorVersion: b.detectorVersion,
    detectorConfigHash: b.configHash,
    deriveVersion: DERIVE_VERSION,
    rawView: { width: W, height: H },
    grid: { width: b.width, height: b.height, cellSize: b.cellSize, cols: b.cols, rows: b.rows },
    background,
    objects: [...OBJECT_NAMES],
    // The boxes ride in meta.json rather than in an object of their own: a few hundred bytes.
    boxes: boxesJson(b, W, H),
  });
}

export class Deriver {
  constructor(private readonly codec: ImageCodec, private readonly images: RelayConfig['images']) {}

  /** Image 5: the bundle's background evidence, scaled up to the raw view's size, blurred, JPEG. */
  private async background(b: Bundle, W: number, H: number): Promise<{ jpeg: Uint8Array; meta: object }> {
    const hasDevice = b.background.width > 0;
    const gw = hasDevice ? b.background.width : b.width;
    const gh = hasDevice ? b.background.height : b.height;
    let view: Uint8Array;
    try {
      view = await this.codec.jpegToGrey(b.rawView.jpeg, gw, gh);
    } catch (err) {
      throw new DeriveError('bad-image', `raw view JPEG does not decode: ${(err as Error).message}`);
    }
    const bg = backgroundPixels(b.background, view, motionFreeMask(b, gw, gh));
    // sigma in raw-view pixels for a blur of blurPercent of the width, and at least half the
    // upscale factor: the blur also smooths the blocks of the codec's nearest-neighbour upscale
    const sigma = Math.max(0.3, (this.images.blurPercent / 100) * W, W / gw / 2);
    const jpeg = await this.codec.blurredGreyJpeg(bg.pixels, gw, gh, sigma, W, H);
    const meta = { width: W, height: H, from: `${gw}x${gh}`, source: bg.source, refinedShare: Math.round(bg.refined * 1000) / 1000, blurSigmaPx: Math.round(sigma * 10) / 10 };
    return { jpeg, meta };
  }

  /**
   * @param purposes the purposes in force now (may be narrower than when accepted)
   * @example const objects = await deriver.derive(bundle, entry, entry.purposes);
   */
  async derive(b: Bundle, entry: OutboxEntry, purposes: number): Promise<DerivedObject[]> {
    const { W, H } = checkedViewSize(b);
    const [sky, stat, motion, background] = await Promise.all([
      this.codec.greyPng(renderMask(b.sky, b, W, H, MASK_ON), W, H),
      this.codec.greyPng(renderMask(b.staticMask, b, W, H, MASK_ON), W, H),
      this.codec.greyPng(renderBoxes(b, W, H), W, H),
      this.background(b, W, H),
    ]);
    return [
      { name: '1-view.jpg', body: b.rawView.jpeg, contentType: 'image/jpeg' },
      { name: '2-sky.png', body: sky, contentType: 'image/png' },
      { name: '3-static.png', body: stat, contentType: 'image/png' },
      { name: '4-motion.png', body: motion, contentType: 'image/png' },
      { name: '5-background.jpg', body: background.jpeg, contentType: 'image/jpeg' },
      metaJson(b, entry, purposes, background.meta),
    ];
  }
}
