/**
 * The review console's watermark (src/review/ports.ts Watermarker) with sharp: the reviewer's name
 * and the time, white on a dark band at the bottom and faint across the middle, composited as an
 * SVG, re-encoded as JPEG (quality 85). A screenshot or a saved copy names who looked and when.
 */
import sharp from 'sharp';
import type { Watermarker } from '../review/ports.js';

const xml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const sharpWatermark: Watermarker = {
  async watermark(image: Uint8Array, text: string): Promise<Uint8Array> {
    const img = sharp(image);
    const { width = 320, height = 240 } = await img.metadata();
    const size = Math.max(10, Math.round(width / 28)); // ~11 px on a 320-wide view: readable, covers little
    const band = Math.round(size * 1.6);
    const t = xml(text);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect x="0" y="${height - band}" width="${width}" height="${band}" fill="black" fill-opacity="0.55"/>
<text x="${Math.round(size / 2)}" y="${height - Math.round(band / 3)}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="white">${t}</text>
<text x="${Math.round(width / 2)}" y="${Math.round(height / 2)}" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="${size * 1.4}" fill="white" fill-opacity="0.28" transform="rotate(-20 ${Math.round(width / 2)} ${Math.round(height / 2)})">${t}</text>
</svg>`;
    return new Uint8Array(await img.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).jpeg({ quality: 85 }).toBuffer());
  },
};

/** The Motion export's ground truth: any drawn pixel (> 0) becomes 255, single-channel PNG. */
export const sharpMaskCodec = {
  async binaryPng(png: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await sharp(png).greyscale().threshold(1).toColourspace('b-w').png().toBuffer());
  },
};
