/**
 * FrameSource adapter for generated scenes (sim/scenes): `scene:NAME`, ground truth on every
 * frame (motion and sky), every frame scored.
 *
 * Buffers are reused: each `frames()` iteration renders every frame into the same grey and
 * motion arrays, and `truth.sky` is the scene's one static mask. A consumer that keeps a frame
 * past the next step of the iterator must copy it (`grey.slice()`), and must not write into them.
 * Each `frames()` call has its own buffers and starts again at frame 0 with identical bytes.
 */
import type { Scene } from '../scenes/scene.js';
import type { FrameSource, NativeFrame } from './types.js';

export class SceneSource implements FrameSource {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  readonly hasTruth = true;

  /** `scene` stays reachable for its timeline, expectations, background and sky mask. */
  constructor(readonly scene: Scene, readonly name: string) {
    this.width = scene.width;
    this.height = scene.height;
    this.fps = scene.fps;
    this.frameCount = scene.frameCount;
  }

  async *frames(): AsyncGenerator<NativeFrame> {
    const n = this.width * this.height;
    const grey = new Uint8Array(n);
    const motion = new Uint8Array(n);
    const truth = { motion, sky: this.scene.sky };
    for (let index = 0; index < this.frameCount; index++) {
      this.scene.render(index, grey, motion);
      yield { index, timeMs: Math.round((index * 1000) / this.fps), grey, truth, scored: true };
    }
  }
}
