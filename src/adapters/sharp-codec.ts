/**
 * Image codec adapter: sharp (libvips) does every pixel job of the derive stage, on libuv's thread
 * pool, so the event loop keeps acknowledging chunks meanwhile.
 *
 * Memory: libvips' operation cache is off (every input is new: it would only hold memory) and it
 * uses one thread per image (`concurrency(1)`): the relay's images are small (VGA), and each
 * libvips worker thread keeps buffers of its own.
 */
import sharp from 'sharp';
import type { ImageCodec } from '../relay/types.js';

export interface SharpCodecOptions {
  /** JPEG quality of the background, 1-100. */
  jpegQuality: number;
}

sharp.cache(false);
sharp.concurrency(1);

const grey = (pixels: Uint8Array, width: number, height: number) =>
  sharp(pixels, { raw: { width, height, channels: 1 } });

const view = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);

/** @example const codec = sharpCodec({ jpegQuality: 85 }); const png = await codec.greyPng(mask, 640, 480); */
export function sharpCodec(options: SharpCodecOptions): ImageCodec {
  return {
    async jpegToGrey(jpeg, width, height) {
      // failOn 'error': a corrupt or truncated JPEG rejects instead of decoding to grey filler.
      // Decoded straight to the small size (libjpeg's DCT scaling: shrink-on-load), then made grey
      // here with the Rec. 601 luma weights (the JPEG's own Y, as the boards' grey frames are).
      const { data, info } = await sharp(jpeg, { failOn: 'error' }).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
      const c = info.channels;
      if (c === 1) return view(data);
      const out = new Uint8Array(width * height);
      for (let i = 0, p = 0; i < out.length; i++, p += c) {
        out[i] = c >= 3 ? (77 * data[p] + 150 * data[p + 1] + 29 * data[p + 2] + 128) >> 8 : data[p];
      }
      return out;
    },
    async greyPng(pixels, width, height) {
      // flat drawings: level 6 makes them a few KB; palette-free 8-bit grey, as the README says
      return view(await grey(pixels, width, height).toColourspace('b-w').png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer());
    },
    async blurredGreyJpeg(pixels, width, height, sigma, outWidth, outHeight) {
      // Nearest-neighbour upscale, then the blur at the output size (which also smooths the
      // blocks away: derive.ts keeps sigma >= half the scale factor): ~2.8 ms of CPU for
      // 80x60 -> 640x480 here, against ~5.5 ms for libvips' bilinear upscale alone.
      return view(await grey(pixels, width, height).resize(outWidth, outHeight, { fit: 'fill', kernel: 'nearest' }).blur(sigma)
        .toColourspace('b-w').jpeg({ quality: options.jpegQuality, optimiseCoding: false }).toBuffer());
    },
  };
}
