/**
 * PolySocket adapter for Foony realtime (the service's binary records, or the seed's JSON frames): channels,
 * presence, history, gap-free resume.
 *
 * @packageDocumentation
 * @module @polysocket/foony
 */
export { FoonyClient, keepAliveInterval, pongDeadline } from './client';
export type {
  FoonyClientEvents,
  FoonyClientOptions,
  FoonyConnectOptions,
  FoonyCredentials,
  FoonySession,
} from './client';
export { FoonyChannel } from './channel';
export type {
  BatchMessage,
  ChannelEvents,
  ChannelState,
  FoonyMessage,
  MessageListener,
  PublishOptions,
  ChannelHost,
} from './channel';
export type { HistoryOptions, HistoryPage } from './history';
// Optional modules: each is passed in an option of the client, and stays out of a bundle that does not import it.
export { FoonyPresence, foonyPresence } from './presence';
export type { PresenceChange, PresenceEvents, PresenceMember, PresenceModule } from './presence';
export { looseChannelNames, strictChannelNames, validateChannelName } from './channel-name';
export type { ChannelNameRules } from './channel-name';
export { webStorageCursors } from './persist-cursors';
// The wires: the binary records by default; the seed's JSON frames as a module.
export { foonyBinaryWire } from './binary/wire';
export { foonySeedWire } from './seed-wire';
export { foonyCipher } from './binary/cipher';
export type { CipherModule, FoonyCipherKey, FoonyCipherOptions } from './binary/cipher';
export type { FoonyWire } from './wire-module';
export { foonyLongPoll } from './long-poll/fallback';
export type { FoonyLongPollOptions } from './long-poll/fallback';
export type { FallbackContext, FoonyFallback } from './fallback-module';
export type { LongPollFetch, LongPollResponse } from './long-poll/transport';
export type { CursorPersistence, WebStorageCursorsOptions } from './persist-cursors';
export { decodeFrame, encodeFrame } from './codec';
// The binary records of the Foony service today, as a codec of their own.
export { decodeBinary, encodeBinary } from './binary/codec';
export type * from './binary/frames';
export { coreCodeOf, errorFromFrame } from './errors';
export { ErrorCode } from './wire';
export type * from './wire';
