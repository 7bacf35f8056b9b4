/**
 * The report's timeline as an inline SVG: moving cells (and static cells) over virtual time, event
 * spans shaded, global changes as vertical lines, calibration as a band along the top, sampled
 * frames as clickable ticks under the axis.
 *
 * Limits: the curves are reduced to one max per horizontal pixel, so an hour-long run stays a few
 * KB and a one-frame spike is never lost. Element classes (event-span, global-change,
 * calibrating, sample-tick) are stable: tests and readers' stylesheets rely on them.
 */
import type { RunResult } from '../runner.js';
import { escapeXml } from './escape.js';

export const TIMELINE_DEFAULTS = {
  /** Drawing size (px); the page scales it to its width. */
  width: 1000,
  height: 240,
  /** Room for the y labels, the calibration band, and the x labels plus sample ticks (px). */
  marginLeft: 48,
  marginRight: 12,
  marginTop: 18,
  marginBottom: 46,
  /** Aim for about this many x ticks. */
  xTicks: 10,
};

export const TIMELINE_COLOURS = {
  motion: '#d62728',
  static: '#8c3cc8',
  event: 'rgba(255, 170, 0, 0.22)',
  global: '#1f77b4',
  calibrating: '#9a9a9a',
  sample: '#333333',
  sampleEvent: '#d62728',
};

export interface TimelineSample {
  step: number;
  timeMs: number;
  /** Event number when the sample is an event's first frame. */
  eventStart: number;
}

/** A round step (1, 2 or 5 times a power of ten) giving about `target` intervals over `span`. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, target);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

/** The plot's frame: margins, scales and the axis ranges every part draws against. */
interface Plot {
  o: typeof TIMELINE_DEFAULTS;
  x0: number;
  yBase: number;
  plotW: number;
  plotH: number;
  frameMs: number;
  spanMs: number;
  yMax: number;
  yStep: number;
  x: (ms: number) => number;
  y: (v: number) => number;
}

function plotFor(result: RunResult, o: typeof TIMELINE_DEFAULTS): Plot {
  const tl = result.timeline;
  const plotW = o.width - o.marginLeft - o.marginRight;
  const plotH = o.height - o.marginTop - o.marginBottom;
  const x0 = o.marginLeft;
  const yBase = o.marginTop + plotH;
  // One frame's duration extends the axis so the last frame and events ending on it stay visible.
  const frameMs = result.source.fps > 0 ? 1000 / result.source.fps : 100;
  const spanMs = Math.max(frameMs, result.durationMs + frameMs);
  let yMax = 1;
  for (let i = 0; i < tl.timeMs.length; i++) yMax = Math.max(yMax, tl.motionCells[i], tl.staticCells[i]);
  const yStep = niceStep(yMax, 4);
  yMax = Math.ceil(yMax / yStep) * yStep;
  return {
    o, x0, yBase, plotW, plotH, frameMs, spanMs, yMax, yStep,
    x: (ms: number) => x0 + (ms / spanMs) * plotW,
    y: (v: number) => yBase - (v / yMax) * plotH,
  };
}

/** Event spans (drawn first, so the curves go over them), calibration runs and global changes. */
function spans(p: Plot, result: RunResult, parts: string[]): void {
  const { o, x, frameMs } = p;
  const tl = result.timeline;
  for (const e of result.events) {
    const xa = x(e.startMs);
    const xb = Math.max(xa + 2, x(e.endMs + frameMs));
    const label = `event ${e.id}: ${(e.startMs / 1000).toFixed(2)}–${(e.endMs / 1000).toFixed(2)} s${e.open ? ' (still open at the end)' : ''}, peak ${e.peakCells} cells`;
    parts.push(`<rect class="event-span" x="${fmt(xa)}" y="${o.marginTop}" width="${fmt(xb - xa)}" height="${p.plotH}" fill="${TIMELINE_COLOURS.event}"><title>${escapeXml(label)}</title></rect>`);
    parts.push(`<text x="${fmt(xa + 2)}" y="${o.marginTop + 11}" fill="#a06000">${e.id}</text>`);
  }
  // Calibration runs: a band above the plot.
  for (const [a, b] of runs(tl.calibrating)) {
    const xa = x(tl.timeMs[a]);
    const xb = Math.max(xa + 1, x(tl.timeMs[b] + frameMs));
    parts.push(`<rect class="calibrating" x="${fmt(xa)}" y="${o.marginTop - 8}" width="${fmt(xb - xa)}" height="6" fill="${TIMELINE_COLOURS.calibrating}"><title>calibrating ${(tl.timeMs[a] / 1000).toFixed(2)}–${(tl.timeMs[b] / 1000).toFixed(2)} s</title></rect>`);
  }
  for (let i = 0; i < tl.timeMs.length; i++) {
    if (!tl.globalChange[i]) continue;
    const xg = fmt(x(tl.timeMs[i]));
    parts.push(`<line class="global-change" x1="${xg}" y1="${o.marginTop}" x2="${xg}" y2="${p.yBase}" stroke="${TIMELINE_COLOURS.global}" stroke-width="1.5" stroke-dasharray="4 2"><title>global change at ${(tl.timeMs[i] / 1000).toFixed(2)} s</title></line>`);
  }
}

/** Motion cells (filled) and static cells (line), the max per pixel column. */
function curves(p: Plot, tl: RunResult['timeline'], parts: string[]): void {
  const { x0, yBase, y } = p;
  const motion = columnMax(tl.timeMs, tl.motionCells, p.plotW, p.spanMs);
  const stat = columnMax(tl.timeMs, tl.staticCells, p.plotW, p.spanMs);
  if (motion.length) {
    const pts = motion.map(([c, v]) => `${fmt(x0 + c + 0.5)},${fmt(y(v))}`);
    const first = motion[0][0];
    const last = motion[motion.length - 1][0];
    parts.push(`<path class="motion-cells" d="M${fmt(x0 + first + 0.5)},${yBase} L${pts.join(' L')} L${fmt(x0 + last + 0.5)},${yBase} Z" fill="${TIMELINE_COLOURS.motion}" fill-opacity="0.35" stroke="${TIMELINE_COLOURS.motion}" stroke-width="1"/>`);
  }
  if (stat.some(([, v]) => v > 0)) {
    parts.push(`<polyline class="static-cells" points="${stat.map(([c, v]) => `${fmt(x0 + c + 0.5)},${fmt(y(v))}`).join(' ')}" fill="none" stroke="${TIMELINE_COLOURS.static}" stroke-width="1.5"/>`);
  }
}

function axes(p: Plot, parts: string[]): void {
  const { o, x0, yBase, plotW, plotH, x, y } = p;
  for (let v = 0; v <= p.yMax; v += p.yStep) {
    const yy = fmt(y(v));
    parts.push(`<line x1="${x0 - 4}" y1="${yy}" x2="${x0 + plotW}" y2="${yy}" stroke="#e2e2e2"/>`);
    parts.push(`<text x="${x0 - 6}" y="${yy}" dy="4" text-anchor="end">${v}</text>`);
  }
  parts.push(`<text x="12" y="${o.marginTop + plotH / 2}" transform="rotate(-90 12 ${o.marginTop + plotH / 2})" text-anchor="middle">cells</text>`);
  const xStep = niceStep(p.spanMs / 1000, o.xTicks);
  for (let s = 0; s <= p.spanMs / 1000 + 1e-9; s += xStep) {
    const xx = fmt(x(s * 1000));
    parts.push(`<line x1="${xx}" y1="${yBase}" x2="${xx}" y2="${yBase + 4}" stroke="#555"/>`);
    parts.push(`<text x="${xx}" y="${yBase + 15}" text-anchor="middle">${fmt(s)}</text>`);
  }
  parts.push(`<text x="${x0 + plotW}" y="${o.height - 2}" text-anchor="end">time (s, virtual clock)</text>`);
}

export function timelineSvg(result: RunResult, samples: TimelineSample[] = [], opts: Partial<typeof TIMELINE_DEFAULTS> = {}): string {
  const o = { ...TIMELINE_DEFAULTS, ...opts };
  const p = plotFor(result, o);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${o.width} ${o.height}" width="${o.width}" height="${o.height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect x="${p.x0}" y="${o.marginTop}" width="${p.plotW}" height="${p.plotH}" fill="#fafafa" stroke="#ccc"/>`);
  spans(p, result, parts);
  curves(p, result.timeline, parts);
  axes(p, parts);
  // Sampled frames: ticks linking to their rows.
  for (const s of samples) {
    const xs = p.x(s.timeMs);
    const colour = s.eventStart ? TIMELINE_COLOURS.sampleEvent : TIMELINE_COLOURS.sample;
    const ty = p.yBase + 20;
    parts.push(`<a href="#f${s.step}"><path class="sample-tick" d="M${fmt(xs)},${ty} l-4,8 h8 Z" fill="${colour}"><title>sample at ${(s.timeMs / 1000).toFixed(2)} s${s.eventStart ? ` (start of event ${s.eventStart})` : ''}</title></path></a>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** [first, last] index pairs of consecutive non-zero entries. */
function runs(flags: number[]): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= flags.length; i++) {
    const on = i < flags.length && flags[i] !== 0;
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  return out;
}

/** [column, max value] for each plot column that holds at least one frame. */
function columnMax(timeMs: number[], values: number[], plotW: number, spanMs: number): [number, number][] {
  const cols = new Map<number, number>();
  for (let i = 0; i < timeMs.length; i++) {
    const c = Math.min(plotW - 1, Math.floor((timeMs[i] / spanMs) * plotW));
    const prev = cols.get(c);
    if (prev === undefined || values[i] > prev) cols.set(c, values[i]);
  }
  return [...cols.entries()].sort((a, b) => a[0] - b[0]);
}
