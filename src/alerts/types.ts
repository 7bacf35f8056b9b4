/**
 * Smart alerts: the types shared by the event-frame stage, the person detector port, the verdict
 * logic, the event history and the alert channels (MQTT/Home Assistant, webhook, Web Push, pages).
 */

/** One person box, in the event frame's own pixels; score 0..1. */
export interface PersonBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

/** What a person detector says about one frame. `person` is left to the verdict (false here). */
export interface PersonResult {
  person: boolean;
  /** Best person score in the frame, 0..1 (0 when nothing person-like). */
  score: number;
  /** Person boxes above the detector's box score, best first (frame pixels, also when a region was scored). */
  boxes: PersonBox[];
}

/** A rectangle in a frame's own pixels (the region scored: regions.ts). */
export interface FrameRegion { x: number; y: number; w: number; h: number }

/**
 * The person detector port: one JPEG in, a person score and boxes out. Implementations are sibling
 * adapters (src/adapters/person-*.ts); tests pass a fake. No face recognition, no identification.
 */
export interface PersonDetector {
  /** Short name recorded with each verdict (e.g. 'nanodet-416'). */
  readonly name: string;
  /**
   * Score the JPEG, or only `region` of it (frame pixels, inside the frame) when given: the region
   * is scored at `inputs.region`, the whole frame at `inputs.full`.
   */
  detect(jpeg: Uint8Array, region?: FrameRegion | null): Promise<PersonResult>;
  /** The model's input sizes; absent: the detector scores whole frames only (a region is ignored). */
  readonly inputs?: { full: { width: number; height: number }; region: { width: number; height: number } };
  close(): Promise<void>;
}

/** "person" once a frame scored at or above the threshold; "no-person" when the event ended without one. */
export type Verdict = 'pending' | 'person' | 'no-person';

/** One stored event frame. `score` -1: not scored (the event had already alerted). */
export interface HistoryFrame {
  index: number;
  /** Board wall clock when the frame was taken, ms. */
  atMs: number;
  /** ms since the event started. */
  offsetMs: number;
  width: number;
  height: number;
  score: number;
  boxes: PersonBox[];
  /** The region the detector scored, frame pixels (around the board's motion: regions.ts); null: the whole frame, or not scored. */
  region?: FrameRegion | null;
  /** Absolute path of the JPEG under the data dir (readable by the owner's pages only). */
  path: string;
}

/** One event in the 7-day history. */
export interface HistoryEvent {
  /** History id (the SQLite row id): what the pages, the alert and "delete" use. */
  id: number;
  cameraId: string;
  ownerId: string;
  /** The board's own event number (restarts at boot). */
  boardEventId: number;
  startMs: number;
  endMs: number | null;
  verdict: Verdict;
  bestScore: number;
  /** The person boxes of the best frame. */
  boxes: PersonBox[];
  /** Index of the best-scoring frame (-1: none scored). */
  bestFrame: number;
  detector: string;
  /** When the alert went out (null: none), and where (channel names, comma-separated, written by the channels). */
  alertMs: number | null;
  alertTo: string;
  frames: HistoryFrame[];
}

/** The event history port (src/adapters/sqlite-alerts.ts: rows in the home database, frames as files). */
export interface EventHistory {
  create(e: { cameraId: string; ownerId: string; boardEventId: number; startMs: number; detector: string }): number;
  /** Store a frame: its JPEG as a file, its row. Returns it with its path. */
  addFrame(eventId: number, frame: Omit<HistoryFrame, 'path'>, jpeg: Uint8Array): HistoryFrame;
  /** Record a stored frame's score and boxes, and the region scored (null: the whole frame). */
  scoreFrame(eventId: number, index: number, score: number, boxes: PersonBox[], region?: FrameRegion | null): void;
  update(eventId: number, patch: Partial<Pick<HistoryEvent, 'endMs' | 'verdict' | 'bestScore' | 'boxes' | 'bestFrame' | 'alertMs' | 'alertTo'>>): void;
  get(eventId: number): HistoryEvent | null;
  /** Newest first. */
  list(filter?: { ownerId?: string; cameraId?: string; peopleOnly?: boolean; limit?: number }): HistoryEvent[];
  /** Delete one event (rows and files); with ownerId, only if it is that owner's. True when deleted. */
  delete(eventId: number, ownerId?: string): boolean;
  /** Delete all of an owner's events (rows and files). Returns how many. */
  deleteAll(ownerId: string): number;
  /** Delete every event that started before `beforeMs` (rows and files). Returns how many. */
  prune(beforeMs: number): number;
  /** Smart alerts on for this camera (enrolment is written by the owner pages). */
  enrolled(cameraId: string): boolean;
  setEnrolled(cameraId: string, on: boolean, byAccount: string, atMs: number): void;
}

/**
 * What the alert channels get (MQTT/Home Assistant, webhook, Web Push, the owner's page): at most
 * one per event, only for "person". `imagePath` is the best frame's file, for the owner only.
 */
export interface PersonAlert {
  cameraId: string;
  ownerId: string;
  /** History id (EventHistory.get). */
  eventId: number;
  /** Event start (board wall clock), ms. */
  atMs: number;
  verdict: 'person';
  score: number;
  boxes: PersonBox[];
  imagePath: string;
  /** The frame that decided: its board time, and when the relay received and decided it (ms). */
  frameAtMs: number;
  receivedMs: number;
  decidedMs: number;
  detector: string;
}

/** An alert channel. Called without awaiting by the stage: a slow channel never blocks scoring. */
export interface AlertChannel {
  readonly name: string;
  onAlert(alert: PersonAlert): void | Promise<void>;
  /** Every event once its verdict is final (for the owner's page); optional. */
  onEvent?(event: HistoryEvent): void | Promise<void>;
}
