/**
 * Event frames as a board sends them, for the alerts load bench: the device app (sim/firmware.ts)
 * plays a stretch of a video and what it publishes on the frame topic is kept, JPEG and motion
 * boxes. Its own module: the device app is loaded only where the frames are made.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decodeEventFrame, type DecodedMotion } from '../src/protocol/index.ts';
import { runFirmwareOnSource } from '../sim/firmware.ts';
import { openSource } from '../sim/sources/open.ts';

/** One event as a board sends it: its event frames (JPEG + the motion boxes the frame carries). */
export interface BoardEvent { clip: string; frames: { index: number; offsetMs: number; jpeg: Uint8Array; width: number; height: number; motion: DecodedMotion | null }[] }

/**
 * The events the device app (sim/firmware.ts) sends while playing `seconds` of a video from
 * `fromS` (trimmed by ffmpeg into a temp file, removed after): its event frames as published,
 * with the detector's motion boxes. The simulated camera's view is the clip's own frame, grey.
 */
export async function boardEvents(file: string, fromS: number, seconds: number, jpegQuality = 60): Promise<BoardEvent[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-board-events-'));
  try {
    const clip = join(dir, 'clip.avi');
    execFileSync('ffmpeg', ['-v', 'error', '-ss', String(fromS), '-i', file, '-t', String(seconds), '-c:v', 'mjpeg', '-q:v', '3', clip]);
    const fw = await runFirmwareOnSource(await openSource(clip), { runtime: 'node', quietLogs: true, jpegQuality });
    const byEvent = new Map<number, BoardEvent>();
    for (const p of fw.publishes) {
      if (!p.topic.endsWith('/frame')) continue;
      const d = decodeEventFrame(p.payload);
      if (!d.frame) continue;
      const f = d.frame;
      const ev = byEvent.get(f.eventId) ?? { clip: `${basename(file)} ${fromS}+${seconds} s`, frames: [] };
      ev.frames.push({ index: f.index, offsetMs: f.offsetMs, jpeg: new Uint8Array(f.jpeg), width: f.width, height: f.height, motion: f.motion });
      byEvent.set(f.eventId, ev);
    }
    return [...byEvent.values()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
