/**
 * Sockr's call hooks for `@polysocket/react`: `useVoiceCall` (1:1 calls on an RTCPeerConnection) and
 * `useConferenceCall` (SFU conferences through an `ISFUClientAdapter`), and `LiveKitClientAdapter`.
 * Re-exported by `@polysocket/react/sockr`.
 */
export { useVoiceCall } from './use-voice-call';
export type { VoiceCallOptions, VoiceCallView } from './use-voice-call';
export type {
  CallEndReason,
  IncomingCallInfo,
  VoiceCallSnapshot,
  VoiceCallState,
  WebRTCEnvironment,
} from './voice-call';
export type { MediaDevicesLike, PeerConnectionFactory } from './peer-link';
