/**
 * Progress on the terminal for long simulator runs.
 *
 * Limits: writes to stderr only (stdout stays clean for summaries and `--json`). On a TTY it draws
 * a cli-progress bar; otherwise (CI logs, pipes) it prints one plain line per ~10 % so logs stay
 * short. When the total is unknown (a video whose length ffmpeg did not report) it prints a frame
 * count instead of a percentage.
 */
import cliProgress from 'cli-progress';

export const PROGRESS_DEFAULTS = {
  /** Percentage between two plain lines when the stream is not a TTY (1–100 %). */
  plainStepPercent: 10,
  /** Frames between two plain lines when the total is unknown (≥ 1 frame). */
  plainStepFrames: 500,
  /** Bar redraws per second on a TTY; 10 keeps the terminal cheap even at 5k frames/s. */
  fps: 10,
};

export interface ProgressOptions {
  /** Text before the bar, e.g. the source name. */
  label?: string;
  /** Expected number of units (frames); undefined when unknown. */
  total?: number;
  /** Print nothing at all. */
  silent?: boolean;
  /** Where to write; defaults to process.stderr. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Override TTY detection (tests). */
  tty?: boolean;
  plainStepPercent?: number;
  plainStepFrames?: number;
}

export interface Progress {
  /** Report `done` units finished; `total` may be refined while running. */
  update(done: number, total?: number): void;
  /** Finish the bar (or print the last plain line). Safe to call twice. */
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };

/**
 * @example
 * const p = createProgress({ label: 'scene:busy', total: 900 });
 * for (let i = 1; i <= 900; i++) p.update(i);
 * p.stop();
 */
export function createProgress(opts: ProgressOptions = {}): Progress {
  if (opts.silent) return SILENT;
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean((stream as { isTTY?: boolean }).isTTY);
  return tty ? barProgress(stream, opts) : plainProgress(stream, opts);
}

function barProgress(stream: NodeJS.WritableStream, opts: ProgressOptions): Progress {
  const label = opts.label ? `${opts.label} ` : '';
  let total = opts.total;
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;
  // The bar is built on the first update: by then the runner knows whether the total is known,
  // and cli-progress fixes its format at construction. An unknown total is a bare counter.
  const create = () => {
    const format = total !== undefined
      ? `${label}[{bar}] {percentage}% | {value}/{total} frames | ETA {eta_formatted}`
      : `${label}{value} frames`;
    const b = new cliProgress.SingleBar(
      { stream: stream as NodeJS.WriteStream, format, fps: PROGRESS_DEFAULTS.fps, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    b.start(total ?? 0, 0);
    return b;
  };
  return {
    update(done, newTotal) {
      if (stopped) return;
      if (newTotal !== undefined && newTotal !== total) {
        total = newTotal;
        bar?.setTotal(newTotal);
      }
      bar ??= create();
      bar.update(done);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar?.stop();
    },
  };
}

function plainProgress(stream: NodeJS.WritableStream, opts: ProgressOptions): Progress {
  const label = opts.label ? `${opts.label}: ` : '';
  const stepPct = opts.plainStepPercent ?? PROGRESS_DEFAULTS.plainStepPercent;
  const stepFrames = opts.plainStepFrames ?? PROGRESS_DEFAULTS.plainStepFrames;
  let total = opts.total;
  let lastMark = 0; // last printed percentage step, or frame count when the total is unknown
  let done = 0;
  let stopped = false;
  const line = (s: string) => stream.write(`${label}${s}\n`);
  return {
    update(d, newTotal) {
      if (stopped) return;
      done = d;
      if (newTotal !== undefined) total = newTotal;
      if (total !== undefined && total > 0) {
        const pct = Math.min(100, Math.floor((100 * done) / total));
        const mark = pct - (pct % stepPct);
        if (mark > lastMark && mark < 100) {
          lastMark = mark;
          line(`${mark}% (${done}/${total} frames)`);
        }
      } else if (done - lastMark >= stepFrames) {
        lastMark = done - (done % stepFrames);
        line(`${done} frames`);
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // Always close with a final line so a log shows the run finished and how far it got.
      // An estimated total (ffprobe's guess) can be overshot: then the count alone is the truth.
      if (total !== undefined && total > 0 && done < total) line(`${Math.floor((100 * done) / total)}% (${done}/${total} frames), done`);
      else line(total !== undefined && total > 0 ? `100% (${done} frames), done` : `${done} frames, done`);
    },
  };
}
