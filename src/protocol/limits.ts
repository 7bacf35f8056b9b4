/**
 * Hard limits of the bundle and chunk formats. Every decoder checks them before it allocates,
 * so a hostile or corrupted input can never make the board or the relay allocate more than
 * about MAX_BUNDLE_BYTES (plus the unpacked masks, at most 3 x MAX_GRID_CELLS bytes).
 * ES5-safe: plain numbers only.
 */

/** Longest camera id, in ASCII characters. It is an MQTT topic level and an S3 key segment. */
export const MAX_CAMERA_ID_LENGTH = 32;
/** Longest bundle id, in ASCII characters (an S3 key segment). */
export const MAX_BUNDLE_ID_LENGTH = 64;
/** Longest detector version string ("0.1.0", "core-3+fixedpoint"). */
export const MAX_DETECTOR_VERSION_LENGTH = 32;
/** Longest detector config hash (64 = a hex SHA-256; most boards send 8 hex digits). */
export const MAX_CONFIG_HASH_LENGTH = 64;

/** Working-grid width and height, pixels, 1-1024 (boards use 80x60 or 160x120). */
export const MAX_WORK_DIM = 1024;
/** Cell size in pixels, 1-64 (the detector uses 4 or 8). */
export const MAX_CELL_SIZE = 64;
/**
 * Cells in the grid (cols x rows), at most 32768: 160x120 at cellSize 1 is 19200. It keeps
 * each packed mask <= 4 KB and every box area inside a uint16.
 */
export const MAX_GRID_CELLS = 32768;
/** Motion boxes per bundle (the detector's default capacity is 32). */
export const MAX_BOXES = 256;

/**
 * Raw view (JPEG) bytes: 256 KiB. An ESP32-CAM VGA JPEG at quality 10-12 is 20-60 KB; even
 * UXGA rarely passes 200 KB, and the board must hold the whole bundle in PSRAM.
 */
export const MAX_RAW_VIEW_BYTES = 262144;
/** Raw view width and height, pixels (UXGA is 1600x1200). */
export const MAX_RAW_DIM = 4096;

/** Background estimate width and height, pixels (it is low-res: the working grid or less). */
export const MAX_BACKGROUND_DIM = 256;
/** Background estimate bytes (one grey byte per pixel): 64 KiB = 256x256. */
export const MAX_BACKGROUND_BYTES = 65536;

/**
 * Whole encoded bundle: 384 KiB. The worst case allowed by the limits above is ~343 KB
 * (header 50 + ids 192 + masks 12 KiB + boxes 2.5 KiB + background 64 KiB + raw 256 KiB + CRC).
 */
export const MAX_BUNDLE_BYTES = 393216;

/** Chunk size (one MQTT publish, header included) used when none is given: 4 KiB. */
export const DEFAULT_CHUNK_SIZE = 4096;
/**
 * Smallest chunk: 256 bytes. The chunk header is at most 124 bytes with the longest ids, so a
 * chunk still carries >= 132 payload bytes and a max-size bundle needs < 3000 chunks.
 */
export const MIN_CHUNK_SIZE = 256;
/** Largest chunk: 64 KiB (the per-chunk stride and payload length are uint16). */
export const MAX_CHUNK_SIZE = 65536;
