/**
 * Image codec adapter: sharp (libvips), on libuv's thread pool, so the event loop keeps
 * acknowledging chunks meanwhile. CPU measured here per 640x480 image: grey JPEG ~1-1.4 ms, JPEG
 * decode to 80x60 ~2 ms; each call also costs ~0.1-0.4 ms on the main thread (option
 * marshalling) and ~0.5 ms of fixed pipeline cost, so the derive stage makes two calls per bundle
 * and does the rest itself: the 80x60 blur and upscale (background.ts) and the flat PNG drawings
 * (png.ts, ~0.1 ms each against ~1 ms through sharp). (jimp: 30x slower, not used.)
 */
import sharp from 'sharp';
import type { ImageCodec } from '../types.js';

export interface SharpCodecOptions {
  /** JPEG quality of the background, 1-100. */
  jpegQuality: number;
}

// Every input is new: libvips' operation cache would only hold memory.
sharp.cache(false);

const grey = (pixels: Uint8Array, width: number, height: number) =>
  sharp(pixels, { raw: { width, height, channels: 1 } });

const view = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);

export function sharpCodec(options: SharpCodecOptions): ImageCodec {
  return {
    async jpegToGrey(jpeg, width, height) {
      // failOn 'error': a corrupt or truncated JPEG rejects instead of decoding to grey filler
      // (mostly: a scan cut short but closed by an EOI still decodes, with a libjpeg warning; only
      // 'warning' would refuse it, and that also refuses the harmless warnings some cameras cause).
      // Decoded straight to the small size (libjpeg's DCT scaling: shrink-on-load), then made grey
      // here with the Rec. 601 luma weights (the JPEG's own Y): libvips' greyscale() goes through
      // linear light in floats and cost ~0.5 ms more per call than these 4,800 multiply-adds.
      const { data, info } = await sharp(jpeg, { failOn: 'error' }).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
      const c = info.channels;
      if (c === 1) return view(data);
      const out = new Uint8Array(width * height);
      for (let i = 0, p = 0; i < out.length; i++, p += c) {
        out[i] = c >= 3 ? (77 * data[p] + 150 * data[p + 1] + 29 * data[p + 2] + 128) >> 8 : data[p];
      }
      return out;
    },
    async greyJpeg(pixels, width, height) {
      // Huffman tables are not optimised per image (a second pass): pixels are the same, the file
      // ~2-3 KB larger, and the encode ~0.5 ms cheaper.
      return view(await grey(pixels, width, height).toColourspace('b-w').jpeg({ quality: options.jpegQuality, optimiseCoding: false }).toBuffer());
    },
  };
}
