/**
 * Times in the owner's time zone (an IANA name kept with the account, 'UTC' by default).
 * @example formatTime(Date.UTC(2026, 4, 1, 12), 'Europe/Paris') // '2026-05-01 14:00:00 CEST'
 */

/** Every zone this Node knows, UTC first. */
export const TIME_ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
const KNOWN = new Set(TIME_ZONES);

export const isTimeZone = (z: string): boolean => KNOWN.has(z);

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    formats.set(tz, f);
  }
  return f;
}

/** 'YYYY-MM-DD HH:MM:SS ZONE' in `tz` (an unknown zone falls back to UTC). */
export function formatTime(ms: number, tz: string): string {
  const p: Record<string, string> = {};
  for (const part of format(isTimeZone(tz) ? tz : 'UTC').formatToParts(ms)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

/** The calendar day of `ms` in `tz`, YYYY-MM-DD. */
export const formatDay = (ms: number, tz: string): string => formatTime(ms, tz).slice(0, 10);

/**
 * The instant (ms) at which calendar day `day` (YYYY-MM-DD) starts in `tz`: the zone's offset is
 * read at a first guess and once more at the result, which settles days that begin next to a
 * daylight-saving change.
 * @example dayStartMs('2026-05-01', 'Europe/Paris') // Date.UTC(2026, 3, 30, 22)
 */
export function dayStartMs(day: string, tz: string): number {
  const utcMidnight = Date.parse(day + 'T00:00:00Z');
  const offset = (ms: number) => Date.parse(formatTime(ms, tz).slice(0, 19).replace(' ', 'T') + 'Z') - ms;
  let t = utcMidnight - offset(utcMidnight);
  t = utcMidnight - offset(t);
  return t;
}
