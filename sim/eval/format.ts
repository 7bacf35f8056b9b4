/**
 * Plain-text tables for `quietcam eval`: one block per sequence (a row per method), then a summary
 * when several sequences were scored. Figures with no meaning for a sequence (P/R/F without
 * ground truth) print as "-".
 */
import type { SequenceResult } from './evaluate.js';
import type { SequenceScore } from './score.js';

const DASH = '-';

function num(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || Number.isNaN(v) ? DASH : v.toFixed(digits);
}

function pct(v: number | undefined): string {
  return v === undefined ? DASH : `${(100 * v).toFixed(1)} %`;
}

interface Column { title: string; value: (s: SequenceScore, stepMs: number) => string }

const COLUMNS: Column[] = [
  { title: 'cell P', value: (s) => num(s.cell?.precision) },
  { title: 'cell R', value: (s) => num(s.cell?.recall) },
  { title: 'cell F', value: (s) => num(s.cell?.f) },
  { title: 'pix P', value: (s) => num(s.pixel?.precision) },
  { title: 'pix R', value: (s) => num(s.pixel?.recall) },
  { title: 'pix F', value: (s) => num(s.pixel?.f) },
  { title: 'static last/mean', value: (s) => (s.static ? `${num(s.static.last, 2)}/${num(s.static.mean, 2)}` : DASH) },
  { title: 'sky last/mean', value: (s) => (s.sky ? `${num(s.sky.last, 2)}/${num(s.sky.mean, 2)}` : DASH) },
  { title: 'alarm frames', value: (s) => pct(s.falseAlarm.rate) },
  { title: 'cells marked', value: (s) => pct(s.falseAlarm.meanMarkedFraction) },
  { title: 'ms/step', value: (_s, ms) => ms.toFixed(3) },
];

function table(rows: string[][], indent: string): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => indent + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
    .join('\n');
}

/** One sequence: a heading line, a row per method, and the run's throughput. */
export function formatSequence(r: SequenceResult): string {
  const truth = r.hasTruth ? 'ground truth' : 'no ground truth (false alarms only)';
  const head = `${r.name}  ${r.native.width}x${r.native.height} -> ${r.grid.width}x${r.grid.height}, ${r.frames} frames (${r.scoredFrames} scored), ${truth}${r.hasRoi ? ', ROI' : ''}`;
  const rows = [['method', ...COLUMNS.map((c) => c.title)]];
  for (const m of r.methods) rows.push([m.name, ...COLUMNS.map((c) => c.value(m.score, m.stepMs))]);
  const speed = `  ${r.frames} frames in ${(r.wallMs / 1000).toFixed(2)} s (${r.framesPerSecond.toFixed(0)} frames/s, all methods, decoding included)`;
  return `${head}\n${table(rows, '  ')}\n${speed}`;
}

export interface Summary {
  /** Per method: mean cell F over sequences with ground truth, mean false-alarm rate over those without. */
  methods: { name: string; meanCellF: number | null; truthSequences: number; meanAlarmRate: number | null; alarmSequences: number }[];
}

export function summarize(results: SequenceResult[]): Summary {
  if (results.length === 0) return { methods: [] };
  return {
    methods: results[0].methods.map((m, k) => {
      const withTruth = results.filter((r) => r.methods[k].score.cell);
      const without = results.filter((r) => !r.methods[k].score.cell);
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
      return {
        name: m.name,
        meanCellF: mean(withTruth.map((r) => r.methods[k].score.cell!.f)),
        truthSequences: withTruth.length,
        meanAlarmRate: mean(without.map((r) => r.methods[k].score.falseAlarm.rate)),
        alarmSequences: without.length,
      };
    }),
  };
}

export function formatSummary(s: Summary): string {
  const rows = [['method', 'mean cell F', 'sequences', 'mean alarm frames', 'sequences']];
  for (const m of s.methods) {
    rows.push([m.name, num(m.meanCellF), String(m.truthSequences), m.meanAlarmRate === null ? DASH : pct(m.meanAlarmRate), String(m.alarmSequences)]);
  }
  return `summary (mean cell F over sequences with ground truth; alarm rate over those without)\n${table(rows, '  ')}`;
}
