/**
 * The relay's public surface: MQTT bundles in, five encrypted contribution images in S3 out.
 * Limits and setup: README.md.
 */
export { Relay, type RelayPorts, type RelayEvents } from './relay.js';
export { startRelay, type StartRelayOptions } from './main.js';
export { startStack, demoCamera, type Stack, type StackOptions } from './stack.js';
export { loadConfig, resolveConfig, configFromEnv, RELAY_DEFAULTS, describeConfig, type RelayConfig, type RelayConfigInput, type CameraSeed } from './config.js';
export { MemoryCameraRegistry, purposesInForce, purposeNames, purposeBits, seedRegistry } from './consent.js';
export { MemoryRelayStore } from './memory-store.js';
export { keyPrefix, objectTags, KEY_ROOT } from './s3-keys.js';
export { OBJECT_NAMES } from './derive.js';
export type { RelayStatus } from './status.js';
export type * from './types.js';
export { PURPOSE_BITS } from './types.js';
