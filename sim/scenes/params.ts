/**
 * Element parameters: each module declares its numeric options once, with default, range and unit
 * (the comment next to each entry), and reads a spec through `readParams`, which rejects values
 * out of range with a message naming the element and the field.
 */

export interface Param {
  def: number;
  min: number;
  max: number;
}
export type Params = Record<string, Param>;

export function readParams<T extends Params>(spec: object, params: T, what: string): { [K in keyof T]: number } {
  const out = {} as { [K in keyof T]: number };
  const given = spec as Record<string, unknown>;
  for (const key of Object.keys(params) as (keyof T & string)[]) {
    const p = params[key];
    const v = given[key];
    if (v === undefined) {
      out[key] = p.def;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < p.min || v > p.max) {
      throw new Error(`${what}.${key} must be a number in [${p.min}, ${p.max}], got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/** Direction of travel: 1 left to right, -1 right to left. */
export function readDir(v: unknown, what: string): 1 | -1 {
  if (v === undefined || v === 1) return 1;
  if (v === -1) return -1;
  throw new Error(`${what}.dir must be 1 or -1, got ${JSON.stringify(v)}`);
}

export function readChoice<T extends string>(v: unknown, choices: readonly T[], what: string): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  throw new Error(`${what} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
}
