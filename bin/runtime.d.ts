/** bin/runtime.js: which code `quietcam` runs (the prebuilt runtime or the sources through tsx). */
export function runtimeFresh(dir?: string): boolean;
export function loadCli(env?: Record<string, string | undefined>, dist?: string): Promise<{ main(argv: string[]): Promise<number>; commands: Record<string, unknown> }>;
