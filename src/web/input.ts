/** Input checking with zod: a failed check is a 400 with a message that names the field. */
import { z } from 'zod';
import { isValidBundleId, isValidCameraId } from '../protocol/ids.js';
import { HttpError } from './context.js';

export function parse<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
  const r = schema.safeParse(data ?? {});
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const field = first.path.filter((p) => p !== '_csrf').join('.') || 'input';
  throw new HttpError(400, `Invalid ${field}: ${first.message}.`);
}

/** Form fields are strings; every route schema allows the CSRF field. */
export const form = <S extends z.ZodRawShape>(shape: S) => z.object({ ...shape, _csrf: z.string().optional() }).strict();

export const cameraId = z.string().max(32).refine(isValidCameraId, 'not a camera id');
export const bundleId = z.string().max(64).refine(isValidBundleId, 'not a contribution id');
export const username = z.string().trim().toLowerCase().min(3).max(40).regex(/^[a-z0-9._@-]+$/, 'use 3-40 of a-z 0-9 . _ - @');
/** `camera/bundle`, as the checkboxes of the Data Integrity Zone send it. */
export const contributionRef = z.string().max(100).transform((s, c) => {
  const i = s.indexOf('/');
  const cam = s.slice(0, i);
  const b = s.slice(i + 1);
  if (i < 0 || !isValidCameraId(cam) || !isValidBundleId(b)) {
    c.addIssue({ code: 'custom', message: 'expected camera/contribution' });
    return z.NEVER;
  }
  return { cameraId: cam, bundleId: b };
});
/** One value or a list (repeated form fields), at most `max`. */
export const many = <T extends z.ZodType>(item: T, max: number) =>
  z.union([item.transform((v) => [v]), z.array(item).max(max)]);
