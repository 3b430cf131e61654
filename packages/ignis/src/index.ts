/**
 * PolySocket adapter for the Ignis WebSocket helper: {event, data, id?} envelope, rooms, heartbeat; ECDH
 * encryption as an optional module (`encryption: ignisEncryption()`).
 *
 * @packageDocumentation
 * @module @polysocket/ignis
 */
export { IgnisClient } from './client';
export type { IgnisEmitName } from './client';
export type {
  AnyListener,
  AppListener,
  AuthPayload,
  IgnisClientOptions,
  IgnisConnection,
  IgnisEncryption,
  IgnisLifecycleEvents,
  IgnisSecureSide,
  IgnisSession,
} from './options';
export {
  checkEnvelope,
  decodeEnvelope,
  encodeAppEnvelope,
  HEARTBEAT_FRAME,
  SYSTEM_EVENTS,
  utf8Length,
} from './envelope';
export type { IgnisEnvelope, SystemEventName } from './envelope';
export { classifyIgnisClose, CloseCode, errorFromMessage } from './errors';
export { ignisEncryption } from './secure-session';
export { DEFAULT_HKDF_INFO, EcdhSession, fromBase64, toBase64 } from './encryption';
export type { EncryptionOptions, SealedPayload } from './encryption';
export { validateRoomName, validateRooms } from './rooms';
