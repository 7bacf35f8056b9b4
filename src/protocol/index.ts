/**
 * quietcam's wire protocol, shared by the board (ES5, JerryScript/Duktape) and the relay (Node):
 * the bundle codec, chunking, reassembly and the MQTT topic scheme. Limits: README.md.
 */
export { crc32 } from './crc32.js';
export { protocolError, type ProtocolError, type ProtocolErrorCode } from './errors.js';
export {
  isValidBundleId, isValidCameraId, isValidConfigHash, isValidDetectorVersion,
} from './ids.js';
export {
  DEFAULT_CHUNK_SIZE, MAX_BACKGROUND_BYTES, MAX_BACKGROUND_DIM, MAX_BOXES, MAX_BUNDLE_BYTES, MAX_BUNDLE_ID_LENGTH,
  MAX_CAMERA_ID_LENGTH, MAX_CELL_SIZE, MAX_CHUNK_SIZE, MAX_CONFIG_HASH_LENGTH, MAX_DETECTOR_VERSION_LENGTH,
  MAX_GRID_CELLS, MAX_RAW_DIM, MAX_RAW_VIEW_BYTES, MAX_WORK_DIM, MIN_CHUNK_SIZE,
} from './limits.js';
export {
  BUNDLE_HEADER_BYTES, BUNDLE_MAGIC, BUNDLE_VERSION, PURPOSE_MOTION, PURPOSE_OBJECTRON,
  bundleSize, checkBundle, decodeBundle, encodeBundle, verifyBundleMac,
  type Bundle, type DecodeBundleResult, type GreyImage, type RawView,
} from './bundle.js';
export {
  CLOCK_SYNCED_FROM_MS, CONSENT_CHOICES, CONSENT_ON, PURPOSES_ALL, PURPOSE_BY_NAME,
  choiceBits, choiceOf, consentAllows, consentPurposes, consentReason, consentStatus, purposeBits, purposeNames,
  type ConsentChoice, type ConsentTerms, type PurposeName,
} from './consent.js';
export {
  CONFIG_FORMAT_VERSION, MAX_CONFIG_BYTES, asciiToBytes, bytesToAscii, decodeConfig, decodeConfigText, encodeConfig, encodeConfigText,
  openConfig, parseDateMs, type ConfigTerms, type DecodeConfigResult, type OpenConfigResult,
} from './consent-config.js';
export { HmacSha256, SHA256_BLOCK_BYTES, SHA256_BYTES, Sha256, hmacSha256, sha256 } from './sha256.js';
export {
  BUNDLE_MAC_DOMAIN, MAC_BYTES, SECRET_BYTES, SECRET_DERIVATION_PREFIX,
  bytesToHex, configMacDomain, demoCameraSecret, eventMacDomain, demoCameraToken, deriveCameraSecret, hexToBytes, macKey, macOf, openJson, sameBytes, signJson,
} from './mac.js';
export {
  CHUNK_HEADER_BYTES, CHUNK_MAGIC, CHUNK_VERSION, MIN_SEALED_BYTES, Chunker, chunkBundle, chunkOverhead, decodeChunk,
  type Chunk, type ChunkOptions, type DecodeChunkResult,
} from './chunk.js';
export {
  REASSEMBLER_DEFAULTS, Reassembler,
  type IncompleteBundle, type PushResult, type ReassemblerOptions, type ReassemblyError, type ReassemblyErrorCode,
} from './reassembler.js';
export {
  BUNDLE_SUBSCRIPTION, CONFIG_SUBSCRIPTION, EVENT_SUBSCRIPTION, FRAME_SUBSCRIPTION, LIVE_SUBSCRIPTION, STATUS_SUBSCRIPTION, TOPIC_ROOT,
  ackTopic, bundleTopic, commandTopic, configTopic, eventTopic, frameTopic, liveTopic, parseTopic, statusTopic, type TopicKind,
} from './topics.js';
export { ACK_FORMAT_VERSION, MAX_ACK_BYTES, MAX_REFUSAL_LENGTH, ackMacDomain, encodeAck, isValidRefusal, openAck, type OpenAckResult } from './ack.js';
export {
  EVENT_FRAME_OVERHEAD, EVENT_FRAME_VERSION, MAX_FRAME_BOXES, decodeEventFrame, encodeEventFrame, encodeFrameMessage, eventFrameHeaderSize,
  eventFrameMacOk, eventFrameSize, frameBoxesOnAir, frameMacDomain, frameMessageMacOk, type DecodedMotion, type EventFrame, type EventFrameHeader,
  type FrameMotion,
} from './event-frame.js';
export { MAX_STATUS_BYTES, STATUS_VERSION, openStatus, statusMacDomain, statusText, type CameraStatus } from './camera-status.js';
export {
  LIVE_LIMITS, encodeLiveFrame, liveFrameMacDomain, liveRequestMacDomain, openLiveFrame, openLiveRequest, signLiveRequest,
  type LiveRequest, type OpenLiveResult,
} from './live-view.js';
