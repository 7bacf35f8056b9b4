/**
 * The five images a report row shows for one sampled frame — the same five a snapshot bundle
 * carries: (1) the camera's view, (2) the sky mask, (3) the static mask, (4) the box drawing,
 * (5) the detector's background.
 *
 * Masks are drawn as colour tints over the view rather than as bare black/white masks, so a
 * reader sees at a glance *what* was marked as sky or static.
 */
import { encodeGreyPng, encodeRgbPng } from '../image-io.js';
import { drawBoxes, greyToRgb, resampleGrey, tintCells, type Rgb } from './draw.js';
import type { FrameSample } from './sampler.js';

/** Colours and blend strengths, shared with the HTML legend. */
export const PANEL_STYLE = {
  sky: { colour: [40, 120, 255] as Rgb, alpha: 0.5 },
  static: { colour: [255, 140, 0] as Rgb, alpha: 0.55 },
  motion: { colour: [255, 40, 40] as Rgb, alpha: 0.35 },
  box: { colour: [0, 255, 90] as Rgb, thickness: 2 /* px: visible at 320 px without hiding the object */ },
};

export interface Panel {
  /** File-name suffix and CSS hook: raw, sky, static, boxes, background. */
  kind: 'raw' | 'sky' | 'static' | 'boxes' | 'background';
  title: string;
  /** One line under the image: what is in it (counts, "empty"). */
  caption: string;
  width: number;
  height: number;
  png: Buffer;
}

function cellsLabel(n: number, total: number): string {
  return n === 0 ? 'empty' : `${n} of ${total} cells`;
}

/** Render the five panels of one sample as PNG buffers. */
export function renderPanels(s: FrameSample): Panel[] {
  const w = s.viewWidth;
  const h = s.viewHeight;
  const cellPx = s.cellSize * s.scale;
  const cells = s.cols * s.rows;
  const overlay = (mask: Uint8Array, style: { colour: Rgb; alpha: number }) => {
    const rgb = greyToRgb(s.view);
    tintCells(rgb, w, h, mask, s.cols, s.rows, cellPx, style.colour, style.alpha);
    return encodeRgbPng(rgb, w, h);
  };

  const boxes = greyToRgb(s.view);
  tintCells(boxes, w, h, s.motion, s.cols, s.rows, cellPx, PANEL_STYLE.motion.colour, PANEL_STYLE.motion.alpha);
  drawBoxes(boxes, w, h, s.boxes, s.boxCount, cellPx, PANEL_STYLE.box.colour, PANEL_STYLE.box.thickness);

  const background = resampleGrey(s.background, s.gridWidth, s.gridHeight, w, h);
  return [
    { kind: 'raw', title: 'camera view', caption: `frame ${s.index}`, width: w, height: h, png: encodeGreyPng(s.view, w, h) },
    { kind: 'sky', title: 'sky mask', caption: cellsLabel(s.skyCells, cells), width: w, height: h, png: overlay(s.sky, PANEL_STYLE.sky) },
    { kind: 'static', title: 'static mask', caption: cellsLabel(s.staticCells, cells), width: w, height: h, png: overlay(s.staticMask, PANEL_STYLE.static) },
    {
      kind: 'boxes', title: 'motion boxes',
      caption: s.boxCount ? `${s.boxCount} box${s.boxCount > 1 ? 'es' : ''}, ${s.motionCells} moving cells` : s.motionCells ? `${s.motionCells} moving cells, no box` : 'no motion',
      width: w, height: h, png: encodeRgbPng(boxes, w, h),
    },
    { kind: 'background', title: 'background', caption: `detector model, ${s.gridWidth}x${s.gridHeight} upscaled ×${s.scale}`, width: w, height: h, png: encodeGreyPng(background, w, h) },
  ];
}
