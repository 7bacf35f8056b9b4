/**
 * Image codec adapter: sharp (libvips), on libuv's thread pool, so the event loop keeps
 * acknowledging chunks meanwhile. CPU measured here per 640x480 image: mask PNG ~0.5 ms, grey
 * JPEG ~1 ms, JPEG decode to 80x60 ~1.8 ms; each call also costs ~0.1-0.3 ms on the main thread
 * (option marshalling) and ~0.5 ms of fixed pipeline cost, so the derive stage makes four calls
 * per bundle and does the tiny 80x60 blur itself (background.ts). (jimp: 30x slower, not used.)
 */
import sharp from 'sharp';
import type { ImageCodec } from '../types.js';

export interface SharpCodecOptions {
  /** zlib level of the mask PNGs, 0-9. */
  pngCompression: number;
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
      // failOn 'error': a corrupt or truncated JPEG rejects instead of decoding to grey filler.
      return view(await sharp(jpeg, { failOn: 'error' }).greyscale().resize(width, height, { fit: 'fill' }).raw().toBuffer());
    },
    async greyPng(pixels, width, height) {
      // b-w keeps it single-channel; flat masks need no row filters
      return view(await grey(pixels, width, height).toColourspace('b-w').png({ compressionLevel: options.pngCompression, adaptiveFiltering: false }).toBuffer());
    },
    async greyJpeg(pixels, width, height) {
      return view(await grey(pixels, width, height).toColourspace('b-w').jpeg({ quality: options.jpegQuality }).toBuffer());
    },
  };
}
