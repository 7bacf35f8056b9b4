/**
 * The simulator's door into the firmware: play a FrameSource (scene, video, CDnet folder) through
 * the device app, in Node or inside the desktop firmware runtime, on the source's virtual clock,
 * and get back exactly what a board would publish — event messages and chunked bundles — plus
 * the reassembled, decoded bundles. `quietcam sim --runtime embedded|node` calls this.
 *
 * The raw view of each frame is the native grey frame encoded as JPEG here (sharp: ~8 ms a
 * 320x240 frame where jpeg-js took ~100, and every frame needs one), once, and the same bytes go
 * to either runtime, so their bundles can be compared byte for byte.
 *
 * @example
 *   const source = await openSource('scene:busy', { seconds: 60 });
 *   const r = await runFirmwareOnSource(source, { runtime: 'embedded' });
 *   for (const b of r.bundles) console.log(b.bundleId, b.bytes.length);
 */
import sharp from 'sharp';
import { GridReducer } from './grid.ts';
import type { FrameSource } from './sources/types.ts';
import { decodeBundle, type Bundle } from '../src/protocol/bundle.ts';
import { decodeChunk } from '../src/protocol/chunk.ts';
import { configTopic } from '../src/protocol/topics.ts';
import { runFirmware, type FirmwareRun, type RuntimeName } from '../firmware/node/run.ts';
import { consentPayload, WALL_2025 } from '../firmware/node/synthetic.ts';
import type { FirmwareInput } from '../firmware/node/wire.ts';

export const FIRMWARE_SIM_DEFAULTS = {
  /** Working-grid width, px (the board's 80 or 160). */
  width: 80,
  cameraId: 'sim',
  /** Wall clock of the first frame: 2025-01-01T00:00:00Z (synced, so consent expiry applies). */
  wallStartMs: WALL_2025,
  /** Consent the simulated owner gave (retained config, delivered before the first frame). */
  consent: { purposes: 'both', placement: 'exterior', expires: '2099-01-01', consentVersion: 1 } as Record<string, unknown> | null,
  /** JPEG quality of the simulated raw view, 1-100. */
  jpegQuality: 80,
};

export interface FirmwareSimOptions {
  runtime: RuntimeName;
  width?: number;
  seconds?: number;
  maxFrames?: number;
  cameraId?: string;
  /** null: no config message (contributions off). */
  consent?: Record<string, unknown> | null;
  /** The retained config exactly as the broker delivered it (a paired camera's, signed by the owner pages); replaces `consent`. */
  configPayload?: Uint8Array;
  wallStartMs?: number;
  /** 'none' sends no raw view (faster; bundles then carry an empty view). */
  view?: 'jpeg' | 'none';
  jpegQuality?: number;
  /** More persistent settings (e.g. lastEventEnd, to make the first event eligible for a snapshot). */
  settings?: Record<string, string>;
  board?: string;
  quietLogs?: boolean;
}

export interface SimBundle {
  bundleId: string;
  bytes: Uint8Array;
  bundle: Bundle;
}

export interface FirmwareSimResult extends FirmwareRun {
  grid: { width: number; height: number };
  frames: number;
  /** Event messages, parsed. */
  events: Record<string, unknown>[];
  /** Bundles reassembled from the chunks, in completion order. */
  bundles: SimBundle[];
}

async function greyToJpeg(grey: Uint8Array, width: number, height: number, quality: number): Promise<Uint8Array> {
  return new Uint8Array(await sharp(grey, { raw: { width, height, channels: 1 } }).jpeg({ quality }).toBuffer());
}

/** Reassemble chunked bundles from publishes (all chunks of a bundle must be there). */
export function collectBundles(publishes: { topic: string; payload: Uint8Array }[]): SimBundle[] {
  const pending = new Map<string, (Uint8Array | undefined)[]>();
  const done: SimBundle[] = [];
  const seen = new Set<string>();
  for (const p of publishes) {
    if (!p.topic.endsWith('/bundle')) continue;
    const r = decodeChunk(p.payload);
    if (!r.ok) throw new Error(`firmware published a bad chunk: ${r.error.code}: ${r.error.message}`);
    const c = r.chunk;
    if (seen.has(c.bundleId)) continue; // sent again (no relay acked it): one copy counts
    const parts = pending.get(c.bundleId) ?? new Array(c.total).fill(undefined);
    parts[c.index] = c.payload;
    pending.set(c.bundleId, parts);
    if (parts.every((x) => x)) {
      pending.delete(c.bundleId);
      seen.add(c.bundleId);
      const bytes = new Uint8Array(Buffer.concat(parts as Uint8Array[]));
      const d = decodeBundle(bytes);
      if (!d.ok) throw new Error(`firmware published a bad bundle ${c.bundleId}: ${d.error.code}: ${d.error.message}`);
      done.push({ bundleId: c.bundleId, bytes, bundle: d.bundle });
    }
  }
  return done;
}

/** Play `source` through the device app in the chosen runtime. */
export async function runFirmwareOnSource(source: FrameSource, o: FirmwareSimOptions): Promise<FirmwareSimResult> {
  const reducer = new GridReducer(source.width, source.height, o.width ?? FIRMWARE_SIM_DEFAULTS.width);
  const { width, height } = reducer;
  const cameraId = o.cameraId ?? FIRMWARE_SIM_DEFAULTS.cameraId;
  const consent = o.consent === undefined ? FIRMWARE_SIM_DEFAULTS.consent : o.consent;
  const wall0 = o.wallStartMs ?? FIRMWARE_SIM_DEFAULTS.wallStartMs;
  const withView = (o.view ?? 'jpeg') === 'jpeg';
  const quality = o.jpegQuality ?? FIRMWARE_SIM_DEFAULTS.jpegQuality;
  const limitMs = (o.seconds ?? Infinity) * 1000;
  const maxFrames = o.maxFrames ?? Infinity;
  let frames = 0;

  async function* inputs(): AsyncGenerator<FirmwareInput> {
    if (o.configPayload) yield { kind: 'message', topic: configTopic(cameraId), payload: o.configPayload };
    else if (consent) yield { kind: 'message', topic: configTopic(cameraId), payload: consentPayload(consent, cameraId, o.settings?.secret) };
    let t0 = NaN;
    for await (const f of source.frames()) {
      if (frames >= maxFrames) break;
      if (frames === 0) t0 = f.timeMs;
      const t = f.timeMs - t0;
      if (t >= limitMs) break;
      const grey = new Uint8Array(width * height);
      reducer.reduce(f.grey, grey);
      const view = withView ? await greyToJpeg(f.grey, source.width, source.height, quality) : undefined;
      frames++;
      yield { kind: 'frame', wallMs: wall0 + t, ticksMs: t, grey, view };
    }
  }

  const run = await runFirmware(inputs(), {
    runtime: o.runtime, board: o.board, width, height,
    viewWidth: withView ? source.width : 0, viewHeight: withView ? source.height : 0,
    settings: { camera: cameraId, ...o.settings }, quietLogs: o.quietLogs,
  });
  const events = run.publishes.filter((p) => p.topic.endsWith('/event')).map((p) => JSON.parse(Buffer.from(p.payload).toString('utf8')));
  return { ...run, grid: { width, height }, frames, events, bundles: collectBundles(run.publishes) };
}
