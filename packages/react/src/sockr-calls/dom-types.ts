import type { IceServer } from '@polysocket/sockr';

// The browser types the call hooks show in their API, without needing TypeScript's DOM lib: with it (a React app
// has it) they ARE the DOM's `MediaStream`, `MediaStreamTrack` and `RTCPeerConnection`; without it (a server build
// that only imports the package) they are the small shapes below, so the package's types compile either way.

/** The global `K`'s instance type (`MediaStream`) when the DOM lib declares it, else `Fallback`. */
type DomInstance<K extends string, Fallback> =
  typeof globalThis extends Record<K, { prototype: infer T }> ? T : Fallback;
/** The global `K` itself (a constructor) when the DOM lib declares it, else `Fallback`. */
type DomValue<K extends string, Fallback> = typeof globalThis extends Record<K, infer V> ? V : Fallback;

/** The part of a media track the hooks' users read without the DOM lib. */
export interface MediaTrackShape {
  readonly kind: string;
  readonly id: string;
  readonly readyState: string;
  stop(): void;
}

/** The part of a media stream the hooks' users read without the DOM lib. */
export interface MediaStreamShape {
  readonly id: string;
  getTracks(): MediaTrackShape[];
  getAudioTracks(): MediaTrackShape[];
  getVideoTracks(): MediaTrackShape[];
}

/** A browser `MediaStream` (the DOM's type where the DOM lib is loaded). */
export type CallMediaStream = DomInstance<'MediaStream', MediaStreamShape>;
/** A browser `MediaStreamTrack` (the DOM's type where the DOM lib is loaded). */
export type CallMediaTrack = DomInstance<'MediaStreamTrack', MediaTrackShape>;

/** An RTCPeerConnection's `connectionState`. */
export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** `RTCPeerConnection` (the constructor): the browser's, or a stand-in with its API. */
export type PeerConnectionFactory = DomValue<
  'RTCPeerConnection',
  new (config?: { iceServers?: IceServer[] }) => object
>;

/** `navigator.mediaDevices` (the part the calls use). */
export interface MediaDevicesLike {
  getUserMedia(constraints: { audio: boolean; video: boolean }): Promise<CallMediaStream>;
}

/** The browser's WebRTC, replaceable (tests, React Native's `react-native-webrtc`). */
export interface WebRTCEnvironment {
  RTCPeerConnection: PeerConnectionFactory;
  mediaDevices: MediaDevicesLike;
}
