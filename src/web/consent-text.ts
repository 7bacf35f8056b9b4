/**
 * The consent wording an owner agrees to. Changing the wording means a new TEXT_VERSION: every
 * consent record keeps the version its owner saw.
 */
import { CONSENT_CHOICES, choiceBits, type ConsentChoice } from '../protocol/consent.js';

export const CONSENT_TEXT_VERSION = '2026-05.1';

export const CONSENT_TEXT = {
  motion: 'Motion only: snapshots (your camera view, sky and static-motion masks, a box drawing of where motion was, and a blurred greyscale background) are used to train and test the motion detector.',
  objectron: 'ObjecTron only: the same snapshots may be looked at by a reviewer who marks objects (people, cars, packages). Every look is logged and shown to you.',
  common: 'Snapshots are stored encrypted in S3 (eu-west-1). You can see and delete them at any time in the Data Integrity Zone. Your consent ends after 365 days unless you confirm it again; nothing is uploaded after that.',
  interior: 'This camera looks inside a home. Indoor images can show people, rooms and private moments. Only allow contributions if everyone who may be seen agrees. Exterior cameras are recommended.',
};

const LABELS: Record<ConsentChoice, string> = { off: 'Off', motion: 'Motion only', objectron: 'ObjecTron only', both: 'Motion and ObjecTron' };

/** Choices on the page, as purpose bits (choices and bits: src/protocol/consent.ts). */
export const CHOICES: { value: ConsentChoice; bits: number; label: string }[] =
  CONSENT_CHOICES.map((value) => ({ value, bits: choiceBits(value), label: LABELS[value] }));

export function choiceLabel(bits: number): string {
  return CHOICES.find((c) => c.bits === bits)?.label ?? 'Off';
}
