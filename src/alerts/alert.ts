/**
 * The alert that the verdict stage (A1: event frames -> person detector -> verdict -> history)
 * hands to the channels, and the one method it calls. Kept apart from ./types.ts (the detector's
 * types) so the two halves of smart alerts meet in one small interface.
 */

/** A box in 0..1 of the frame (x, y: top left). */
export interface AlertBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One "person" verdict of one motion event: at most one alert per event. */
export interface Alert {
  cameraId: string;
  ownerId: string;
  /** The event's id in the history store (unique per camera). */
  eventId: string;
  /** When the event started (the board's clock as the relay received it), ms since the epoch. */
  atMs: number;
  verdict: 'person';
  /** The best person score of the event, 0..1. */
  score: number;
  boxes: AlertBox[];
  /** The frame file on the home server (the history store's); never sent anywhere, only served to the owner. */
  imagePath: string;
}

/** Where the verdict stage sends a "person" verdict. */
export interface AlertSink {
  /** Never blocks, never throws: the alert is queued (or dropped and counted when the queue is full). */
  send(alert: Alert): void;
}
