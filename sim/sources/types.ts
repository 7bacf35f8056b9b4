/**
 * Frame sources for the simulator and the evaluation: synthetic scenes, video files, CDnet-layout
 * image folders. All of them yield native-resolution grey frames; the runner reduces them to the
 * working grid (sim/grid.ts) exactly as the board's 1/8-scale JPEG decode would.
 */

/** Ground truth for one native frame, at native resolution (width*height bytes each). */
export interface FrameTruth {
  /** CDnet values: 255 moving/stopped foreground, 0 or 50 background, 85 outside ROI, 170 unknown. */
  motion?: Uint8Array;
  /** Hand-drawn style sky mask: 255 sky, 0 not sky, 128 uncertain (ignored). */
  sky?: Uint8Array;
}

export interface NativeFrame {
  /** Frame number N: CDnet's trailing digits, or a 0-based sequence index for videos/scenes. */
  index: number;
  /** Virtual capture time in milliseconds from the start of the source. */
  timeMs: number;
  /** Luma, width*height bytes, row-major. */
  grey: Uint8Array;
  truth?: FrameTruth;
  /** False when the frame is outside the temporal ROI (fed to the detector, not scored). */
  scored: boolean;
}

export interface FrameSource {
  /** Short name for reports (file or folder name, or `scene:NAME`). */
  readonly name: string;
  /** Native frame size. */
  readonly width: number;
  readonly height: number;
  /** Nominal frames per second (for the virtual clock). */
  readonly fps: number;
  /** Frame count when known in advance (for progress bars), else undefined. */
  readonly frameCount?: number;
  /** Spatial ROI at native resolution (1 = inside), when the source has one. */
  readonly roi?: Uint8Array;
  /** True when the source carries per-frame ground truth. */
  readonly hasTruth: boolean;
  /** Frames in increasing index order. Each call starts from the beginning. */
  frames(): AsyncIterable<NativeFrame>;
}
