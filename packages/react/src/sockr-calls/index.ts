/**
 * Sockr's call hooks for `@polysocket/react`: `useVoiceCall` (1:1 calls on an RTCPeerConnection) and
 * `useConferenceCall` (SFU conferences through an `ISFUClientAdapter`). Re-exported by `@polysocket/react/sockr`;
 * `LiveKitClientAdapter` is `@polysocket/react/livekit`.
 */
export { useVoiceCall } from './use-voice-call';
export type { VoiceCallOptions, VoiceCallView } from './use-voice-call';
export type { CallEndReason, IncomingCallInfo, VoiceCallSnapshot, VoiceCallState } from './voice-call';
export type {
  CallMediaStream,
  CallMediaTrack,
  MediaDevicesLike,
  MediaStreamShape,
  MediaTrackShape,
  PeerConnectionFactory,
  PeerConnectionState,
  WebRTCEnvironment,
} from './dom-types';
export { useConferenceCall } from './use-conference-call';
export type { ConferenceCallOptions, ConferenceCallView } from './use-conference-call';
export type { ConferenceCallState, ConferenceParticipant, ConferenceSnapshot, RemoteTrackHandler } from './conference';
// LiveKitClientAdapter is `@polysocket/react/livekit` (it imports livekit-client, an optional peer dependency).
