/** The detector's public surface. */
export { createDetector, FixedPointDetector, DETECTOR_VERSION } from './detector.js';
export { DEFAULT_CONFIG, CONFIG_FIELDS, validateConfig, configHash } from './config.js';
export type { DetectorConfig } from './config.js';
export { createOutput, EVENT_IDLE, EVENT_START, EVENT_ACTIVE, EVENT_END } from './types.js';
export type { DetectorOutput, MotionDetector } from './types.js';
export { JS_KERNELS } from './kernels.js';
export type { PixelKernels } from './kernels.js';
export { checkKernels } from './kernels-check.js';
