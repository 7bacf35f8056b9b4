/**
 * An HTML report for one simulator run: `index.html` plus a `frames/` folder of PNGs, nothing
 * else — the folder works offline and can be copied anywhere.
 *
 * Limits: images are written at the display size chosen by the sampler (~320 px wide); a report
 * of 24 sampled frames holds 120 small PNGs (~2–6 MB in all).
 *
 * @example
 * const sampler = new FrameSampler({ samples: 16 });
 * const result = await runSource(source, { onFrame: sampler.onFrame });
 * const { index } = await writeReport(result, sampler.samples(), { dir: defaultReportDir(source.name) });
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DETECTOR_VERSION } from '../../src/core/index.js';
import type { RunResult } from '../runner.js';
import { renderPage, type PageImage } from './html.js';
import { renderPanels } from './panels.js';
import type { FrameSample } from './sampler.js';
import { timelineSvg } from './timeline-svg.js';

export { FrameSampler, SAMPLER_DEFAULTS, type FrameSample, type SamplerOptions } from './sampler.js';

export const REPORT_DEFAULTS = {
  /** Parent folder of reports; each run gets `<source>-<timestamp>/` inside it. */
  root: 'reports',
};

export interface ReportOptions {
  /** Folder to write; created when missing. Default: defaultReportDir(result.source.name). */
  dir?: string;
  /** Shown in the header so a reader can re-run it. */
  command?: string;
  /** Wall-clock time of writing (tests pass a fixed one). */
  now?: Date;
}

export interface WrittenReport {
  dir: string;
  /** Path of index.html. */
  index: string;
  /** Every file written, relative to `dir`. */
  files: string[];
}

/** `reports/<source name made file-safe>-<YYYYMMDD-HHMMSS>`, e.g. reports/scene-busy-20250101-120000. */
export function defaultReportDir(sourceName: string, now = new Date(), root = REPORT_DEFAULTS.root): string {
  const safe = sourceName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return join(root, `${safe}-${stamp}`);
}

export async function writeReport(result: RunResult, samples: FrameSample[], opts: ReportOptions = {}): Promise<WrittenReport> {
  const now = opts.now ?? new Date();
  const dir = opts.dir ?? defaultReportDir(result.source.name, now);
  await mkdir(join(dir, 'frames'), { recursive: true });
  const files: string[] = [];
  const rows: { sample: FrameSample; images: PageImage[] }[] = [];
  for (const sample of samples) {
    const images: PageImage[] = [];
    for (const panel of renderPanels(sample)) {
      const file = `frames/f${String(sample.step).padStart(6, '0')}-${panel.kind}.png`;
      await writeFile(join(dir, file), panel.png);
      files.push(file);
      images.push({ kind: panel.kind, title: panel.title, caption: panel.caption, file, width: panel.width, height: panel.height });
    }
    rows.push({ sample, images });
  }
  const svg = timelineSvg(result, samples);
  const html = renderPage({ result, svg, rows, generatedAt: now, detectorVersion: DETECTOR_VERSION, command: opts.command });
  const index = join(dir, 'index.html');
  await writeFile(index, html);
  files.push('index.html');
  return { dir, index, files };
}
