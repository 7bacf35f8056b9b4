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
  /** Person boxes above the detector's box score, best first. */
  boxes: PersonBox[];
}

/**
 * The person detector port: one JPEG in, a person score and boxes out. Implementations are sibling
 * adapters (src/adapters/person-*.ts); tests pass a fake. No face recognition, no identification.
 */
export interface PersonDetector {
  /** Short name recorded with each verdict (e.g. 'nanodet-416'). */
  readonly name: string;
  detect(jpeg: Uint8Array): Promise<PersonResult>;
  close(): Promise<void>;
}
