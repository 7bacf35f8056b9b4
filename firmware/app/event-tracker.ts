/**
 * What an event message summarises, per frame of a motion event, in cells only (no pixels):
 * this frame's union of boxes (for the start message), the union over the whole event, the most
 * boxes in one frame and the most motion cells. Two Int32Array(4) allocated once. ES5-safe.
 */
import type { DetectorOutput } from '../../src/core/index.js';

export class EventTracker {
  /** This frame's union of boxes: x0, y0, x1, y1 in cells (x1 = -1: no box). */
  readonly frameUnion: Int32Array;
  /** The union since the event started. */
  readonly eventUnion: Int32Array;
  /** Most boxes in one frame of the event. */
  maxBoxes: number;
  /** Most motion cells in one frame of the event. */
  peakCells: number;

  constructor() {
    this.frameUnion = new Int32Array(4);
    this.eventUnion = new Int32Array(4);
    this.maxBoxes = 0;
    this.peakCells = 0;
  }

  /** Take one frame of an event (`first`: the frame it started on). */
  frame(out: DetectorOutput, first: boolean): void {
    const fu = this.frameUnion;
    const eu = this.eventUnion;
    fu[0] = out.cols;
    fu[1] = out.rows;
    fu[2] = -1;
    fu[3] = -1;
    for (let i = 0; i < out.boxCount; i++) {
      const b = i * 4;
      if (out.boxes[b] < fu[0]) fu[0] = out.boxes[b];
      if (out.boxes[b + 1] < fu[1]) fu[1] = out.boxes[b + 1];
      if (out.boxes[b + 2] > fu[2]) fu[2] = out.boxes[b + 2];
      if (out.boxes[b + 3] > fu[3]) fu[3] = out.boxes[b + 3];
    }
    if (first) {
      eu[0] = out.cols;
      eu[1] = out.rows;
      eu[2] = -1;
      eu[3] = -1;
      this.maxBoxes = 0;
      this.peakCells = 0;
    }
    if (fu[2] >= 0) {
      if (fu[0] < eu[0]) eu[0] = fu[0];
      if (fu[1] < eu[1]) eu[1] = fu[1];
      if (fu[2] > eu[2]) eu[2] = fu[2];
      if (fu[3] > eu[3]) eu[3] = fu[3];
    }
    if (out.boxCount > this.maxBoxes) this.maxBoxes = out.boxCount;
    let cells = 0;
    const m = out.motion;
    for (let c = 0; c < m.length; c++) cells += m[c];
    if (cells > this.peakCells) this.peakCells = cells;
  }
}
