/** Moved to src/adapters/s3-objects.ts (shared with the review console); kept so existing imports work. */
export { s3Objects, type S3Objects } from '../../adapters/s3-objects.js';
