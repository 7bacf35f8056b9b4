/**
 * Smart alerts on a clip: play a FrameSource through the device app (sim/firmware.ts), then hand
 * what it published on the frame and event topics to the relay's alert stage (src/relay/alerts.ts)
 * with a person detector, a throw-away event history (in-memory SQLite, frames in a temp dir
 * removed afterwards) and a virtual clock. `quietcam sim SOURCE --alerts` and bench/alerts.ts use it.
 *
 * @example
 *   const r = await runAlertsOnSource(await openSource('../shared/footage/vtest.avi'), { runtime: 'node', detector });
 *   r.events[0] // { event: 1, startS: 0.1, endS: 12.3, verdict: 'person', bestScore: 0.81, frames: [...] }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventHistory } from '../src/adapters/sqlite-alerts.ts';
import { openDatabase } from '../src/adapters/sqlite-schema.ts';
import type { FrameRegion, PersonBox, PersonDetector, Verdict } from '../src/alerts/types.ts';
import { ALERT_DEFAULTS, type AlertPolicy } from '../src/alerts/verdict.ts';
import { silentLogger } from '../src/log.ts';
import { bytesToHex, demoCameraSecret, hexToBytes } from '../src/protocol/index.ts';
import { AlertStage } from '../src/relay/alerts.ts';
import { MemoryCameraRegistry } from '../src/relay/consent.ts';
import { FIRMWARE_SIM_DEFAULTS, runFirmwareOnSource, type FirmwareSimOptions, type FirmwareSimResult } from './firmware.ts';
import type { FrameSource } from './sources/types.ts';

export interface SimAlertEvent {
  /** The board's event number. */
  event: number;
  /** Seconds from the clip's start (virtual time); end null when the clip ended first. */
  startS: number;
  endS: number | null;
  verdict: Verdict;
  bestScore: number;
  /** Index of the frame with the best score (-1: none scored). */
  bestFrame: number;
  alert: boolean;
  /** region: the part scored (around the board's motion), null: the whole frame or not scored. */
  frames: { index: number; offsetMs: number; score: number; region: FrameRegion | null; boxes: PersonBox[] }[];
}

export interface SimAlertsResult {
  source: string;
  frames: number;
  events: SimAlertEvent[];
  detector: string;
  firmware: FirmwareSimResult;
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Play `source` through the device app and its event frames through the alert stage. */
export async function runAlertsOnSource(source: FrameSource, o: FirmwareSimOptions & { detector: PersonDetector; policy?: Partial<AlertPolicy> }): Promise<SimAlertsResult> {
  const cameraId = o.cameraId ?? FIRMWARE_SIM_DEFAULTS.cameraId;
  const wall0 = o.wallStartMs ?? FIRMWARE_SIM_DEFAULTS.wallStartMs;
  const fw = await runFirmwareOnSource(source, { ...o, cameraId });
  const secret = o.settings?.secret ? hexToBytes(o.settings.secret, 32)! : demoCameraSecret(cameraId);
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-sim-alerts-'));
  const db = openDatabase(':memory:');
  try {
    const history = new SqliteEventHistory(db, dir);
    history.setEnrolled(cameraId, true, 'sim', wall0);
    const registry = new MemoryCameraRegistry();
    registry.put({ cameraId, ownerId: 'sim', placement: 'exterior', secret: bytesToHex(secret, 0, 32), consent: null });
    const clock = { ms: wall0 };
    const stage = new AlertStage({ detector: o.detector, history, registry, channels: [], log: silentLogger, clock: () => clock.ms, policy: o.policy, maxQueue: Infinity });
    for (const p of fw.publishes) {
      if (!p.topic.endsWith('/frame') && !p.topic.endsWith('/event')) continue;
      stage.handle({ topic: p.topic, payload: p.payload, receivedMs: clock.ms });
    }
    await stage.whenIdle();
    clock.ms = wall0 + fw.frames * 1000 + (o.policy?.openEventMs ?? ALERT_DEFAULTS.openEventMs) + 3600000;
    stage.tick(); // events the clip ended in the middle of: closed with what they had
    const events = history.list({ limit: 100000 }).reverse().map((e) => ({
      event: e.boardEventId, startS: round((e.startMs - wall0) / 1000, 2), endS: e.endMs === null ? null : round((e.endMs - wall0) / 1000, 2),
      verdict: e.verdict, bestScore: round(e.bestScore), bestFrame: e.bestFrame, alert: e.alertMs !== null,
      frames: e.frames.map((f) => ({ index: f.index, offsetMs: f.offsetMs, score: round(f.score), region: f.region ?? null, boxes: f.boxes.map((b) => ({ ...b, score: round(b.score) })) })),
    }));
    return { source: source.name, frames: fw.frames, events, detector: o.detector.name, firmware: fw };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
