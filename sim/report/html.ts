/**
 * The report page: one self-contained HTML file (inline CSS and SVG, images as relative PNG
 * links, no scripts, no external assets) so a report folder can be zipped, mailed and opened
 * offline.
 */
import { CONFIG_FIELDS, EVENT_ACTIVE, EVENT_END, type DetectorConfig } from '../../src/core/index.js';
import type { RunResult } from '../runner.js';
import { escapeXml as esc } from './escape.js';
import { PANEL_STYLE } from './panels.js';
import type { FrameSample } from './sampler.js';
import { TIMELINE_COLOURS } from './timeline-svg.js';

export interface PageImage {
  kind: string;
  title: string;
  caption: string;
  /** Path relative to the page. */
  file: string;
  width: number;
  height: number;
}

export interface PageModel {
  result: RunResult;
  svg: string;
  rows: { sample: FrameSample; images: PageImage[] }[];
  /** When the report was written (wall clock, for the reader only). */
  generatedAt: Date;
  detectorVersion?: string;
  /** The command line that produced the run, when known. */
  command?: string;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rgb = (c: readonly number[]) => `rgb(${c.join(', ')})`;

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1720px; }
h1 { font-size: 1.4em; margin: 0 0 .4em; } h2 { font-size: 1.15em; margin: 1.4em 0 .5em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1em; margin: 1.2em 0 .4em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .15em 1em; margin: 0; }
dl.facts dt { color: #666; } dl.facts dd { margin: 0; }
table { border-collapse: collapse; } th, td { border: 1px solid #ddd; padding: .2em .6em; text-align: right; }
th { background: #f3f3f3; } td.l, th.l { text-align: left; }
.timeline { width: 100%; height: auto; max-width: 1000px; }
.legend span { display: inline-block; margin-right: 1.2em; }
.sw { display: inline-block; width: 1.4em; height: .8em; vertical-align: middle; margin-right: .3em; border: 1px solid #999; }
.panels { display: flex; flex-wrap: wrap; gap: 8px; }
figure { margin: 0; } figure img { display: block; image-rendering: pixelated; border: 1px solid #ccc; max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #444; max-width: 320px; }
.tag { display: inline-block; font-size: 12px; padding: 0 .5em; border-radius: .8em; background: #eee; margin-left: .4em; font-weight: normal; }
.tag.ev { background: #ffe2b0; } .tag.start { background: #ffb347; } .tag.cal { background: #ddd; } .tag.glob { background: #cfe3f7; }
details { margin-top: .6em; } code { font-size: 12px; }
`;

export function renderPage(m: PageModel): string {
  const r = m.result;
  const title = `quietcam sim: ${r.source.name}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<h1>${esc(title)}</h1>`,
    header(m),
    '<h2>Timeline</h2>',
    m.svg,
    legend(),
    `<h2>Events (${r.events.length})</h2>`,
    eventsTable(r, m.rows.map((row) => row.sample)),
    `<h2>Sampled frames (${m.rows.length})</h2>`,
    `<p class="legend">Each row: the camera view; the sky mask <span class="sw" style="background:${rgb(PANEL_STYLE.sky.colour)}"></span>;`
      + ` the static mask <span class="sw" style="background:${rgb(PANEL_STYLE.static.colour)}"></span>;`
      + ` motion cells <span class="sw" style="background:${rgb(PANEL_STYLE.motion.colour)}"></span> and boxes <span class="sw" style="background:${rgb(PANEL_STYLE.box.colour)}"></span>;`
      + ' the detector\'s background model. The view is the native frame resampled; masks are per cell.</p>',
    ...m.rows.map(sampleRow),
    '</body></html>',
    '',
  ].join('\n');
}

function header(m: PageModel): string {
  const r = m.result;
  const g = r.grid;
  const facts: [string, string][] = [
    ['source', r.source.name],
    ['native size', `${r.source.width}x${r.source.height} at ${+r.source.fps.toFixed(2)} fps${r.source.hasTruth ? ', with ground truth' : ''}`],
    ['working grid', `${g.width}x${g.height} px, cells of ${g.cellSize}x${g.cellSize} px (${g.cols}x${g.rows} cells)`],
    ['frames', `${r.frames} over ${secs(r.durationMs)} of virtual time`],
    ['events', String(r.events.length)],
    ['detector cost', `${r.detectorMsPerFrame.toFixed(3)} ms/frame (grid reduction ${r.reduceMsPerFrame.toFixed(3)} ms/frame; whole run ${(r.wallMs / 1000).toFixed(1)} s wall clock)`],
    ['detector state', `${r.stateBytes.toLocaleString('en')} bytes${m.detectorVersion ? `, detector ${m.detectorVersion}` : ''}`],
    ['written', m.generatedAt.toISOString()],
  ];
  if (m.command) facts.push(['command', m.command]);
  const dl = `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
  return dl + configTable(r.config);
}

function configTable(cfg?: DetectorConfig): string {
  if (!cfg) return '<p>Detector supplied by the caller: config not known.</p>';
  const fields = CONFIG_FIELDS as Record<string, { def: number; min: number; max: number; unit: string; why: string }>;
  const rows = Object.keys(cfg).map((k) => {
    const v = (cfg as unknown as Record<string, number>)[k];
    const f = fields[k];
    // width and height always follow the source, so only other fields are flagged as changed.
    const changed = f && f.def !== v && k !== 'width' && k !== 'height' ? ' <b>(changed)</b>' : '';
    return `<tr><td class="l"><code>${esc(k)}</code></td><td>${v}${changed}</td><td class="l">${esc(f?.unit ?? '')}</td>`
      + `<td>${f ? `${f.min}–${f.max}` : ''}</td><td class="l">${esc(f?.why ?? '')}</td></tr>`;
  });
  return `<details><summary>detector config (${Object.keys(cfg).length} values)</summary><table>`
    + '<tr><th class="l">field</th><th>value</th><th class="l">unit</th><th>range</th><th class="l">why</th></tr>'
    + rows.join('') + '</table></details>';
}

function legend(): string {
  const c = TIMELINE_COLOURS;
  return '<p class="legend">'
    + `<span><span class="sw" style="background:${c.motion};opacity:.6"></span>moving cells</span>`
    + `<span><span class="sw" style="background:${c.static}"></span>static cells</span>`
    + `<span><span class="sw" style="background:${c.event}"></span>motion event (number above)</span>`
    + `<span><span class="sw" style="background:${c.global}"></span>global change (dashed line)</span>`
    + `<span><span class="sw" style="background:${c.calibrating}"></span>calibrating (band on top)</span>`
    + `<span>▲ sampled frame (red: an event's first frame; click to jump)</span>`
    + '</p>';
}

function eventsTable(r: RunResult, samples: FrameSample[]): string {
  if (!r.events.length) return '<p>No motion events.</p>';
  const sampleOf = new Map(samples.filter((s) => s.eventStart).map((s) => [s.eventStart, s.step]));
  const rows = r.events.map((e) => {
    const link = sampleOf.has(e.id) ? `<a href="#f${sampleOf.get(e.id)}">frame</a>` : '';
    return `<tr><td>${e.id}</td><td>${(e.startMs / 1000).toFixed(2)}</td><td>${(e.endMs / 1000).toFixed(2)}${e.open ? ' (open)' : ''}</td>`
      + `<td>${((e.endMs - e.startMs) / 1000).toFixed(2)}</td><td>${e.startIndex}</td><td>${e.endIndex}</td>`
      + `<td>${e.peakCells}</td><td>${e.maxBoxes}</td><td class="l">${link}</td></tr>`;
  });
  return '<table><tr><th>#</th><th>start (s)</th><th>end (s)</th><th>duration (s)</th><th>start frame</th><th>end frame</th>'
    + '<th>peak moving cells</th><th>max boxes</th><th class="l">first frame</th></tr>' + rows.join('') + '</table>';
}

function tags(s: FrameSample): string {
  const t: string[] = [];
  if (s.eventStart) t.push(`<span class="tag start">event ${s.eventStart} starts</span>`);
  else if (s.eventState === EVENT_ACTIVE) t.push(`<span class="tag ev">event ${s.eventId} in progress</span>`);
  else if (s.eventState === EVENT_END) t.push(`<span class="tag ev">event ${s.eventId} ends</span>`);
  if (s.calibrating) t.push('<span class="tag cal">calibrating</span>');
  if (s.globalChange) t.push('<span class="tag glob">global change</span>');
  return t.join('');
}

function sampleRow(row: { sample: FrameSample; images: PageImage[] }): string {
  const s = row.sample;
  const figures = row.images.map((im) =>
    `<figure class="${esc(im.kind)}"><img src="${esc(im.file)}" width="${im.width}" height="${im.height}" alt="${esc(`${im.title}, ${secs(s.timeMs)}`)}">`
    + `<figcaption><b>${esc(im.title)}</b> · ${esc(im.caption)}</figcaption></figure>`);
  return `<section class="sample" id="f${s.step}"><h3>${secs(s.timeMs)} · frame ${s.index}${tags(s)}</h3>`
    + `<div class="panels">${figures.join('')}</div></section>`;
}
