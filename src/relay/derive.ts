/**
 * Stage 5, derive: a stored bundle in, the contribution's objects out.
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
 * Runs after the bundle is in the outbox (off the MQTT ack path), and again after a restart.
 * ~1.9 ms of CPU per 640x480 bundle here, all of it in this thread: the raw view is read at 1/8
 * scale from its DC coefficients (jpeg-dc.ts), the drawings are PNG-encoded by png.ts and the
 * background is written as a JPEG in the DCT domain (background-jpeg.ts). sharp (the ImageCodec)
 * takes over where those do not apply: JPEGs the DC reader refuses, views that are not 8x the
 * background, backgrounds that are not a whole multiple of it (counted in `counts`).
 */
import type { Bundle } from '../protocol/index.js';
import { BackgroundEvidence, gaussianBlur, upscaleBilinear } from './background.js';
import { upscaledGreyJpeg } from './background-jpeg.js';
import type { RelayConfig } from './config.js';
import { purposeNames } from './consent.js';
import { jpegSize } from './jpeg-size.js';
import { jpegLumaDc } from './jpeg-dc.js';
import { boxesJson, MASK_ON, motionFreeMask, renderBoxes, renderMask } from './masks.js';
import { greyPng } from './png.js';
import type { ImageCodec, OutboxEntry } from './types.js';

/** Largest drawing canvas a Deriver keeps between bundles (UXGA). */
const CANVAS_KEEP_BYTES = 1600 * 1200;

/** Version of the relay's derivation, written to meta.json. */
export const DERIVE_VERSION = 'relay-derive-1';

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

/** The deriver could not take the bundle now (its thread was lost): the uploader tries again later. */
export class DeriveUnavailable extends Error {}

function json(name: string, value: unknown): DerivedObject {
  return { name, body: new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n'), contentType: 'application/json' };
}

/** What upload.ts needs of the derive stage: Deriver here, or WorkerDeriver (adapters/worker-deriver.ts) on its own thread. */
export interface BundleDeriver {
  derive(b: Bundle, entry: OutboxEntry, purposes: number, nowMs: number): Promise<DerivedObject[]>;
  /** Images that went through sharp (the fallbacks), shown in the relay's status. */
  readonly counts: DeriveCounts;
  close?(): Promise<void>;
}

export interface DeriveCounts {
  viewsDecodedBySharp: number;
  backgroundsEncodedBySharp: number;
}

export class Deriver implements BundleDeriver {
  readonly counts: DeriveCounts = { viewsDecodedBySharp: 0, backgroundsEncodedBySharp: 0 };
  private readonly evidence: BackgroundEvidence;
  /** The drawings are rendered here one at a time (PNG encoding is synchronous): no 300 KB buffer per image. */
  private canvas = new Uint8Array(0);

  constructor(private readonly codec: ImageCodec, private readonly images: RelayConfig['images']) {
    this.evidence = new BackgroundEvidence(images.evidenceMaxAgeMs);
  }

  /** A scratch canvas of `n` bytes: kept for raw views up to UXGA, a one-off beyond. */
  private canvasFor(n: number): Uint8Array {
    if (n > CANVAS_KEEP_BYTES) return new Uint8Array(n);
    if (this.canvas.length < n) this.canvas = new Uint8Array(n);
    return this.canvas;
  }

  /** Image 5 when the raw view is not a whole multiple of the background: upscale here, encode with sharp. */
  private async upscaleAndEncode(blurred: Uint8Array, gw: number, gh: number, W: number, H: number): Promise<Uint8Array> {
    this.counts.backgroundsEncodedBySharp++;
    return this.codec.greyJpeg(upscaleBilinear(blurred, gw, gh, W, H), W, H);
  }

  /**
   * @param purposes the purposes in force now (may be narrower than when accepted)
   * @example const objects = await deriver.derive(bundle, entry, entry.purposes, Date.now());
   */
  async derive(b: Bundle, entry: OutboxEntry, purposes: number, nowMs: number): Promise<DerivedObject[]> {
    const jpeg = b.rawView.jpeg;
    const W = b.rawView.width;
    const H = b.rawView.height;
    const size = jpegSize(jpeg);
    if (!size) throw new DeriveError('bad-image', 'raw view is not a JPEG (no SOF header)');
    if (size.width !== W || size.height !== H) {
      throw new DeriveError('bad-image', `raw view JPEG is ${size.width}x${size.height}, the bundle says ${W}x${H}`);
    }
    const hasDevice = b.background.width > 0;
    const gw = hasDevice ? b.background.width : b.width;
    const gh = hasDevice ? b.background.height : b.height;
    // The raw view's luma at 1/8 scale straight from its DC coefficients (jpeg-dc.ts, ~0.35 ms,
    // bit-exact with libjpeg's scaled decode) when that is the size wanted, as it is for the
    // boards' VGA views over an 80x60 background; otherwise, or for any JPEG that reader does not
    // fully accept, sharp decodes it (~2.4 ms here).
    const dc = jpegLumaDc(jpeg);
    let frame: Uint8Array;
    if (dc && dc.width === gw && dc.height === gh) {
      frame = dc.pixels;
    } else {
      this.counts.viewsDecodedBySharp++;
      try {
        frame = await this.codec.jpegToGrey(jpeg, gw, gh);
      } catch (err) {
        throw new DeriveError('bad-image', `raw view JPEG does not decode: ${(err as Error).message}`);
      }
    }
    const bg = this.evidence.refine(b.cameraId, b.background, frame, motionFreeMask(b, gw, gh), gw, gh, nowMs);
    // sigma in background pixels for a blur of blurPercent of the width (at least 0.3 px)
    const sigma = Math.max(0.3, (this.images.blurPercent / 100) * gw);
    // Blur at the background's low resolution, then scale up: like blurring at the raw view's
    // resolution with sigma * W / gw, at a fraction of the cost (libvips spends 5-9 ms of CPU on
    // either step at 640x480). The upscale happens inside the JPEG encoding (background-jpeg.ts:
    // ~1-2 ms for 640x480, against ~3 ms for a JS upscale plus sharp's encode).
    const blurred = gaussianBlur(bg.pixels, gw, gh, sigma);
    // The drawings are drawn (~0.05 ms each) and encoded here (png.ts: flat images, ~0.13 ms each;
    // a sharp call costs more than that in fixed overhead alone), one after the other on one
    // reused canvas.
    const canvas = this.canvasFor(W * H);
    const sky = greyPng(renderMask(b.sky, b, W, H, MASK_ON, canvas), W, H);
    const stat = greyPng(renderMask(b.staticMask, b, W, H, MASK_ON, canvas), W, H);
    const motion = greyPng(renderBoxes(b, W, H, canvas), W, H);
    const background = upscaledGreyJpeg(blurred, gw, gh, W, H, this.images.backgroundJpegQuality) ?? (await this.upscaleAndEncode(blurred, gw, gh, W, H));
    const meta = {
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
      background: { width: W, height: H, from: `${gw}x${gh}`, source: bg.source, refinedShare: Math.round(bg.refined * 1000) / 1000, blurSigmaPx: Math.round(sigma * (W / gw) * 10) / 10 },
      objects: [...OBJECT_NAMES],
      // The boxes ride in meta.json rather than in an object of their own: every PutObject costs
      // ~0.5 ms of SDK work here and more at a local S3, and the boxes are a few hundred bytes.
      boxes: boxesJson(b, W, H),
    };
    return [
      { name: '1-view.jpg', body: jpeg, contentType: 'image/jpeg' },
      { name: '2-sky.png', body: sky, contentType: 'image/png' },
      { name: '3-static.png', body: stat, contentType: 'image/png' },
      { name: '4-motion.png', body: motion, contentType: 'image/png' },
      { name: '5-background.jpg', body: background, contentType: 'image/jpeg' },
      json('meta.json', meta),
    ];
  }
}
