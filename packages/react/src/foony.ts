/**
 * Foony hooks for `@polysocket/react`: `useChannel(name)` and `usePresence(channel)`, inside a
 * `PolySocketProvider` whose client is a `FoonyClient` (or `createClient({ protocol: 'foony' })`).
 *
 * @module @polysocket/react/foony
 */
export { useChannel, useChannelState } from './foony/use-channel';
export type { ChannelView, UseChannelOptions } from './foony/use-channel';
export { usePresence } from './foony/use-presence';
export type { PresenceView } from './foony/use-presence';
