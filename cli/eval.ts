/**
 * `quietcam eval <folder | video | scene:NAME ...> [--width 80] [--cell 4] [--fps N] [--json]
 *  [--write-masks DIR] [--masks DIR [--first-frame N]] [--sky FILE]`: scores the project detector and the naive frame-differencing baseline on
 * each source with the protocol of ../shared/EVAL.md, in the same run.
 *
 * Folders may follow the CDnet, UCSD or SBI layout, or hold one video and a masks folder
 * (sim/sources/layout.ts). `--masks` gives a video its per-frame masks (mask N = frame N +
 * --first-frame), `--sky` a hand-drawn sky mask (any source); the sky IoU column then has figures,
 * and the static IoU has them whenever the masks show something that stays 25 frames.
 *
 * Limits: sources are evaluated one after another; a source that fails to open or decode is
 * reported on stderr and counted, the others still run, and the exit code is then 1. `--json`
 * prints only the JSON document on stdout (no table, no progress bar).
 */
import { parseArgs } from 'node:util';
import { evaluateSource, expectedFrames, type SequenceResult } from '../sim/eval/evaluate.js';
import { formatSequence, formatSummary, summarize } from '../sim/eval/format.js';
import { MaskWriter } from '../sim/eval/masks.js';
import { defaultMethods } from '../sim/eval/methods.js';
import { PROTOCOL } from '../sim/eval/score.js';
import { createProgress } from '../sim/progress.js';
import { openSource } from '../sim/sources/open.js';

export const EVAL_DEFAULTS = {
  /** Working-grid width in pixels (EVAL.md scores at 80 or 160). */
  width: 80,
};

function positiveInt(name: string, text: string | undefined, def?: number): number | undefined {
  if (text === undefined) return def;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return v;
}

export { defaultMethods };

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      width: { type: 'string' },
      cell: { type: 'string' },
      fps: { type: 'string' },
      json: { type: 'boolean', default: false },
      'write-masks': { type: 'string' },
      masks: { type: 'string' },
      'first-frame': { type: 'string' },
      sky: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error('give at least one source: a CDnet folder, a video file or scene:NAME');
  const width = positiveInt('width', values.width, EVAL_DEFAULTS.width)!;
  const cellSize = positiveInt('cell', values.cell);
  const fps = values.fps === undefined ? undefined : Number(values.fps);
  if (fps !== undefined && !(fps > 0 && Number.isFinite(fps))) throw new Error(`--fps must be a positive number, got '${values.fps}'`);
  const json = values.json === true;
  const ff = values['first-frame'];
  const firstFrame = ff === undefined ? undefined : Number(ff);
  if (firstFrame !== undefined && !(Number.isInteger(firstFrame) && firstFrame >= 0)) throw new Error(`--first-frame must be a whole number, got '${ff}'`);
  if (firstFrame !== undefined && !values.masks) throw new Error('--first-frame needs --masks');
  const truthOpts = { masks: values.masks, firstFrame, sky: values.sky };
  const masks = values['write-masks'] ? new MaskWriter(values['write-masks']) : undefined;
  const methods = defaultMethods(cellSize);
  const quietProgress = json || !process.stderr.isTTY;

  const results: SequenceResult[] = [];
  const errors: { source: string; error: string }[] = [];
  if (!json) console.log(`quietcam eval: protocol v${PROTOCOL.version}, working grid ${width} wide, methods ${methods.map((m) => m.name).join(', ')}\n`);
  for (const spec of positionals) {
    let progress: ReturnType<typeof createProgress> | undefined;
    try {
      const source = await openSource(spec, { fps, ...truthOpts });
      progress = createProgress({ label: source.name, total: expectedFrames(source), silent: quietProgress });
      const onFrame = masks ? await masks.forSequence(source.name) : undefined;
      const r = await evaluateSource(source, { width, methods, onFrame, onProgress: (d, t) => progress!.update(d, t) });
      progress.stop();
      results.push(r);
      if (!json) console.log(formatSequence(r) + '\n');
    } catch (err) {
      progress?.stop();
      const msg = (err as Error).message;
      errors.push({ source: spec, error: msg });
      console.error(`quietcam eval: ${spec}: ${msg}`);
      if (process.env.QUIETCAM_DEBUG) console.error((err as Error).stack);
    }
  }
  const summary = summarize(results);
  if (json) {
    console.log(JSON.stringify({ protocol: PROTOCOL.version, width, cellSize: cellSize ?? null, sequences: results, summary, errors }, null, 2));
  } else {
    if (results.length > 1) console.log(formatSummary(summary));
    if (errors.length) console.log(`${errors.length} source(s) failed; see the messages above.`);
  }
  return errors.length ? 1 : 0;
}
