/**
 * What the review console needs from the outside: its own database (reviewers, sessions, its
 * cache of contribution metadata, annotations, flags), the bucket (src/operator/bucket.ts), a
 * watermarker (sharp) and an optional proposer of boxes (an object detector). Adapters:
 * src/adapters/sqlite-review.ts, src/adapters/s3-operator.ts, src/adapters/sharp-watermark.ts.
 */
import type { OperatorBucket } from '../operator/bucket.js';

/** The fixed label list (issue 15), in keyboard order: key 1 = person ... key 8 = other. */
export const LABELS = ['person', 'car', 'bicycle', 'motorbike', 'bus/truck', 'package', 'animal', 'other'] as const;
export type Label = (typeof LABELS)[number];

export interface Reviewer {
  id: number;
  /** Sign-in name, 3-40 of a-z 0-9 . _ -; shown in the watermark and the owners' access logs. */
  name: string;
  passwordHash: string;
  totpSecret: string;
  /** Last accepted TOTP time step (each code works once). */
  totpLastStep: number;
  createdMs: number;
  /** Set by `quietcam review revoke`: nothing works for this reviewer from then on. */
  revokedMs: number | null;
}

export interface ReviewSession {
  /** SHA-256 hex of the cookie's token. */
  id: string;
  /** null: not signed in (the session only carries the sign-in form's CSRF token). */
  reviewerId: number | null;
  csrf: string;
  createdMs: number;
  expiresMs: number;
}

/** A contribution as the console knows it (from its meta.json in S3). */
export interface Item {
  ownerId: string;
  cameraId: string;
  bundleId: string;
  /** `contributions/<owner>/<camera>/<y>/<m>/<d>/<bundle>/` */
  prefix: string;
  captureTimeMs: number;
  /** PURPOSE_* bits the contribution was uploaded for. */
  purposes: number;
  width: number;
  height: number;
}

/** A box in pixels of the camera view (1-view.jpg). */
export interface Box {
  label: Label;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Annotation {
  ownerId: string;
  cameraId: string;
  bundleId: string;
  reviewerId: number;
  /** [] = the reviewer answered "no objects" (a valid answer). */
  boxes: Box[];
  atMs: number;
}

export interface ReviewStore {
  addReviewer(r: Omit<Reviewer, 'id' | 'totpLastStep' | 'revokedMs'>): Reviewer | 'taken';
  reviewer(id: number): Reviewer | null;
  reviewerByName(name: string): Reviewer | null;
  listReviewers(): Reviewer[];
  setTotpStep(id: number, step: number): void;
  /** Revoke and end every session of the reviewer at once; false when unknown. */
  revoke(name: string, nowMs: number): boolean;
  putSession(s: ReviewSession): void;
  session(id: string): ReviewSession | null;
  deleteSession(id: string): void;
  /** Cached metadata of a contribution (by its key prefix). */
  item(prefix: string): Item | null;
  putItem(i: Item): void;
  annotation(ownerId: string, cameraId: string, bundleId: string): Annotation | null;
  saveAnnotation(a: Annotation): void;
  annotations(): Annotation[];
  /** Record a flag and forget the contribution's cached metadata and annotation (one transaction). */
  flag(f: { ownerId: string; cameraId: string; bundleId: string; reviewerId: number; reason: string; atMs: number }): void;
  isFlagged(ownerId: string, cameraId: string, bundleId: string): boolean;
  /** Per owner: answered contributions, boxes in them, flags. */
  ownerCounts(ownerId: string): { annotated: number; boxes: number; flagged: number };
}

/** Writes the reviewer's name and the time across an image (sharp in production). */
export interface Watermarker {
  /** The image with the text drawn on it, as JPEG; same width and height. */
  watermark(image: Uint8Array, text: string): Promise<Uint8Array>;
}

/** Proposed boxes for a camera view (an object detector); the default proposes none. */
export interface Proposer {
  propose(image: Uint8Array, item: Item): Promise<Box[]>;
}

export const noProposals: Proposer = { propose: async () => [] };

export interface ReviewPorts {
  store: ReviewStore;
  bucket: OperatorBucket;
  watermark: Watermarker;
  proposer: Proposer;
  clock: () => number;
}
