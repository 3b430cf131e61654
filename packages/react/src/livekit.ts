/**
 * `LiveKitClientAdapter`: sockr-client's `ISFUClientAdapter` on livekit-client, for `useConferenceCall` and
 * `client.joinConferenceWith`. A subpath of its own because it imports livekit-client (an optional peer dependency,
 * loaded with `import()` when the adapter first connects): an app that does not use LiveKit never bundles it, and
 * its bundler never has to resolve it.
 *
 * @module @polysocket/react/livekit
 */
export { LiveKitClientAdapter } from './sockr-calls/livekit-adapter';
export type {
  LiveKitAdapterOptions,
  LiveKitModuleLike,
  LiveKitParticipantLike,
  LiveKitRoomLike,
  LiveKitTrackLike,
} from './sockr-calls/livekit-adapter';
export type { CallMediaTrack, MediaTrackShape } from './sockr-calls/dom-types';
