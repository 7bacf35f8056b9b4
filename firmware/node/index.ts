/**
 * Running the device app from Node: in-process ('node') or inside the desktop firmware runtime
 * ('embedded': C + Duktape 2.7). The simulator's glue (a FrameSource played through the app, for
 * `quietcam sim --runtime node|embedded`) is sim/firmware.ts: firmware/ never imports sim/.
 */
export { runFirmware, firmwareBundle, FirmwareRunError, type FirmwareRun, type FirmwareRunOptions, type RuntimeName } from './run.ts';
export { ensureRuntime, runtimeMissing } from './runtime-binary.ts';
export type { FirmwareInput, FirmwareOutput } from './wire.ts';
