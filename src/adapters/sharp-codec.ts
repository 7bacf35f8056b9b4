/**
 * Image codec adapter: sharp (libvips), on libuv's thread pool, so the event loop keeps
 * acknowledging chunks meanwhile. derive.ts reads the boards' 640x480 views and writes their
 * backgrounds itself (jpeg-dc.ts, background-jpeg.ts: ~0.9 ms of CPU together), so this is the
 * path for everything else: other JPEG kinds, views that are not 8x the background, backgrounds
 * that are not a whole multiple of it. Measured here per 640x480 image: JPEG decode to 80x60
 * ~2.4 ms, grey JPEG encode ~1.9-2.8 ms, each with ~0.5 ms of fixed per-call cost (option
 * marshalling on the main thread, pipeline set-up). (jimp: 30x slower, not used.)
 */
import sharp from 'sharp';
import type { ImageCodec } from '../relay/types.js';

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
