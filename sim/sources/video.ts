/**
 * A video file as a frame source, decoded by ffmpeg in a pipe as raw 8-bit grey frames.
 *
 * Limits: needs `ffmpeg` and `ffprobe` on the PATH (Debian's ffmpeg package ships both). Frames
 * come at native size by default, so the reduction to the working grid is ours (sim/grid.ts) and
 * identical for every source; `scaleWidth` asks ffmpeg to area-scale instead. The frame rate is
 * the stream's r_frame_rate (see `chooseRate`); frames are what ffmpeg's constant-rate output
 * gives, so variable-rate files get repeated frames (tree.avi: 68 coded frames become ~449).
 * Videos carry no ground truth: every frame is scored (for the false-alarm figures). The exact
 * frame count is not known before decoding; `estimatedFrames` is ffprobe's guess, for progress
 * bars only.
 */
import { execFile, spawn } from 'node:child_process';
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { gridSize } from '../grid.js';
import type { FrameSource, NativeFrame } from './types.js';

export const VIDEO_DEFAULTS = {
  /** ffmpeg executable (name on the PATH or absolute path). */
  ffmpeg: 'ffmpeg',
  /** ffprobe executable, shipped with ffmpeg. */
  ffprobe: 'ffprobe',
  /** Frame rate (frames/s) used when the file does not state a usable one. */
  fallbackFps: 25,
  /** Characters of ffmpeg's stderr kept for error messages. */
  stderrTail: 2000,
};

export const INSTALL_HINT = 'sudo apt-get install -y ffmpeg';

export interface VideoOptions {
  /** Override the frame rate reported by ffprobe (frames/s, > 0). */
  fps?: number;
  /** Let ffmpeg area-scale to this width (height by the EVAL grid rule); default: native size. */
  scaleWidth?: number;
  ffmpeg?: string;
  ffprobe?: string;
}

export interface VideoSource extends FrameSource {
  /** ffprobe's frame-count guess (container count or duration x fps), for progress bars. */
  readonly estimatedFrames?: number;
  /** Frames of a video are named frame000000, frame000001, ... for mask files. */
  frames(): AsyncIterable<NativeFrame & { name: string }>;
}

interface Probe { width: number; height: number; fps?: number; estimatedFrames?: number }

function missingTool(tool: string): Error {
  return new Error(`${tool} is not installed (it comes with ffmpeg). Install it with: ${INSTALL_HINT}`);
}

/** Parses an ffprobe rate such as "30000/1001" or "10/1"; undefined when unusable ("0/0"). */
export function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [a, b] = rate.split('/');
  const v = b === undefined ? Number(a) : Number(a) / Number(b);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * The stream's r_frame_rate, unless it is clearly the container's time base rather than a frame
 * rate (a 2-frame Matroska file reports 1000/1 with an average of 5/1): then the average.
 */
export function chooseRate(r: number | undefined, avg: number | undefined): number | undefined {
  if (r !== undefined && avg !== undefined && r > 2 * avg) return avg;
  return r ?? avg;
}

function probe(path: string, ffprobe: string): Promise<Probe> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate,avg_frame_rate,nb_frames,duration', '-of', 'json', path];
  return new Promise((resolveP, reject) => {
    execFile(ffprobe, args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(missingTool('ffprobe'));
        return reject(new Error(`${path}: ffprobe cannot read it as a video: ${String(stderr).trim() || err.message}`));
      }
      let s: Record<string, string | number> | undefined;
      try {
        s = JSON.parse(stdout).streams?.[0];
      } catch {
        s = undefined;
      }
      if (!s || !(Number(s.width) > 0) || !(Number(s.height) > 0)) return reject(new Error(`${path}: no video stream found`));
      const fps = chooseRate(parseRate(String(s.r_frame_rate ?? '')), parseRate(String(s.avg_frame_rate ?? '')));
      const nb = Number(s.nb_frames);
      const dur = Number(s.duration);
      const estimatedFrames = nb > 0 ? nb : fps && dur > 0 ? Math.round(dur * fps) : undefined;
      resolveP({ width: Number(s.width), height: Number(s.height), fps, estimatedFrames });
    });
  });
}

/**
 * Opens a video file through ffprobe (size, rate) and returns a source that runs ffmpeg each time
 * `frames()` is iterated; stopping the iteration early kills that ffmpeg.
 *
 * @example
 * const src = await openVideo('../shared/footage/tree.avi'); // 320x240, ~15 fps
 */
export async function openVideo(path: string, opts: VideoOptions = {}): Promise<VideoSource> {
  const ffmpeg = opts.ffmpeg ?? VIDEO_DEFAULTS.ffmpeg;
  const ffprobe = opts.ffprobe ?? VIDEO_DEFAULTS.ffprobe;
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch {
    throw new Error(`${path}: no such video file`);
  }
  if (opts.fps !== undefined && !(opts.fps > 0 && Number.isFinite(opts.fps))) throw new RangeError(`fps must be a positive number, got ${opts.fps}`);
  const p = await probe(path, ffprobe);
  const fps = opts.fps ?? p.fps ?? VIDEO_DEFAULTS.fallbackFps;
  let width = p.width;
  let height = p.height;
  const args = ['-nostdin', '-v', 'error', '-i', path, '-map', '0:v:0', '-an', '-sn'];
  if (opts.scaleWidth !== undefined) {
    const g = gridSize(p.width, p.height, opts.scaleWidth);
    width = g.width;
    height = g.height;
    args.push('-vf', `scale=${width}:${height}:flags=area`);
  }
  args.push('-f', 'rawvideo', '-pix_fmt', 'gray', '-');
  const frameBytes = width * height;

  async function* frames(): AsyncGenerator<NativeFrame & { name: string }> {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-VIDEO_DEFAULTS.stderrTail);
    });
    // Resolves on exit or on a spawn failure (ENOENT), whichever comes first.
    const ended = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((res) => {
      child.once('error', (error: NodeJS.ErrnoException) => res({ code: null, error }));
      child.once('close', (code) => res({ code }));
    });
    let done = false;
    try {
      let frame = new Uint8Array(frameBytes);
      let fill = 0;
      let index = 0;
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        let off = 0;
        while (off < chunk.length) {
          const n = Math.min(frameBytes - fill, chunk.length - off);
          frame.set(chunk.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === frameBytes) {
            yield { index, timeMs: Math.round((index * 1000) / fps), grey: frame, scored: true, name: `frame${String(index).padStart(6, '0')}` };
            // A fresh buffer per frame: the consumer may keep the previous one (snapshots).
            frame = new Uint8Array(frameBytes);
            fill = 0;
            index++;
          }
        }
      }
      const end = await ended;
      if (end.error) throw end.error.code === 'ENOENT' ? missingTool('ffmpeg') : end.error;
      if (end.code !== 0) throw new Error(`${path}: ffmpeg failed (exit ${end.code}): ${stderr.trim()}`);
      done = true;
    } finally {
      // The consumer stopped early (break, error): don't leave ffmpeg decoding into a full pipe.
      if (!done && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  return {
    name: basename(path),
    width,
    height,
    fps,
    hasTruth: false,
    estimatedFrames: p.estimatedFrames,
    frames,
  };
}
