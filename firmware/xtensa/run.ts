/**
 * Runs the firmware app on inputs in the lx106 build under QEMU (firmware/xtensa/build.ts), with the
 * same command line and input records as the desktop runtime (firmware/node/run.ts), so the two
 * outputs can be compared byte for byte and the instructions per frame read off CCOUNT.
 */
import { readFileSync } from 'node:fs';
import { firmwareBundle } from '../node/bundle.ts';
import { profileOf, runtimeArgs, withSecret, type FirmwareRunOptions } from '../node/run.ts';
import { encodeInput, OutputDecoder, type DecodedOutput, type FirmwareInput } from '../node/wire.ts';
import { ensureXtensaRuntime, runXtensa, type XtensaBuildOptions, type XtensaRun } from './build.ts';

export interface XtensaFirmwareRun extends XtensaRun {
  args: string[];
  input: Buffer;
  decoded: DecodedOutput;
}

/** `qemuArgs`: extra QEMU arguments (bench/firmware-profile.ts loads its instruction-count plugin). */
export function runFirmwareXtensa(inputs: FirmwareInput[], o: Omit<FirmwareRunOptions, 'runtime' | 'wrap'>, build: XtensaBuildOptions = {}, qemuArgs: string[] = []): XtensaFirmwareRun {
  const board = profileOf(o.board);
  const bundle = o.bundleFile ?? firmwareBundle(board.name);
  readFileSync(bundle);
  const args = runtimeArgs({ ...o, runtime: 'embedded', settings: withSecret(o.settings) }, board, bundle);
  const input = Buffer.concat(inputs.map((r) => encodeInput(r, o.width, o.height)));
  const r = runXtensa(ensureXtensaRuntime(build), args, input, 600_000, qemuArgs);
  const decoder = new OutputDecoder();
  decoder.push(r.stdout);
  return { ...r, args, input, decoded: decoder.result };
}
