/**
 * PolySocket adapter for the Foony realtime frame wire: channels, presence, history, gap-free resume.
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
  ChannelEvents,
  ChannelState,
  FoonyMessage,
  HistoryOptions,
  HistoryPage,
  MessageListener,
  PublishOptions,
} from './channel';
export { FoonyPresence } from './presence';
export type { PresenceChange, PresenceEvents, PresenceMember } from './presence';
export { validateChannelName } from './channel-name';
export { decodeFrame, encodeFrame } from './codec';
export { coreCodeOf, errorFromFrame } from './errors';
export { ErrorCode } from './wire';
export type * from './wire';
