/**
 * Running the device app from Node: in-process ('node') or inside the desktop firmware runtime
 * ('embedded': C + Duktape 2.7). For `quietcam sim --runtime node|embedded`, call
 * runFirmwareOnSource(source, { runtime, width, seconds }).
 */
export { runFirmware, firmwareBundle, FirmwareRunError, type FirmwareRun, type FirmwareRunOptions, type RuntimeName } from './run.ts';
export { runFirmwareOnSource, collectBundles, FIRMWARE_SIM_DEFAULTS, type FirmwareSimOptions, type FirmwareSimResult, type SimBundle } from './sim.ts';
export { ensureRuntime, runtimeMissing } from './runtime-binary.ts';
export type { FirmwareInput, FirmwareOutput } from './wire.ts';
