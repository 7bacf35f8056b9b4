/**
 * Text log lines, shared by every service (relay, owner pages, review console): an interface,
 * a stderr default and a silent one. Services take a Logger; none imports another's logging.
 */

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** The default logger: one line to stderr per message, ISO timestamp and service name first. */
export function consoleLogger(prefix = 'relay'): Logger {
  const line = (level: string, msg: string) => process.stderr.write(`${new Date().toISOString()} ${prefix} ${level} ${msg}\n`);
  return { info: (m) => line('info', m), warn: (m) => line('warn', m), error: (m) => line('error', m) };
}

/** A logger that drops everything (tests, bench). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
