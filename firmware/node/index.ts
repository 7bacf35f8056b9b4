/**
 * Running the device app from Node: in-process ('node') or inside the desktop firmware runtime
 * ('embedded': C + Duktape 2.7). The simulator's glue (a FrameSource played through the app, for
 * `quietcam sim --runtime node|embedded`) is sim/firmware.ts: firmware/ never imports sim/.
 */
export { runFirmware, FirmwareRunError, type FirmwareRun, type FirmwareRunOptions, type RuntimeName } from './run.ts';
/** The ES5 bundle builder; loads typescript and esbuild (~85 MB): import it only where a bundle is built. */
export { firmwareBundle } from './bundle.ts';
export { ensureRuntime, runtimeMissing } from './runtime-binary.ts';
export type { FirmwareInput, FirmwareOutput } from './wire.ts';
