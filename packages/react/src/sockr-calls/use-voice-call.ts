import { useEffect, useInsertionEffect, useMemo, useRef } from '../react-api';
import { useStore } from '../store';
import type { SockrClient } from '@polysocket/sockr';
import { useSockrClient } from './sockr-client';
import type { WebRTCEnvironment } from './dom-types';
import { VoiceCallController, type VoiceCallSnapshot } from './voice-call';

export interface VoiceCallOptions {
  /** A camera track as well as the microphone (default false: audio only). */
  video?: boolean;
  /** The SockrClient (with `calls: sockrCalls`); default the `PolySocketProvider`'s. */
  client?: SockrClient;
  /** WebRTC to use instead of the browser's `RTCPeerConnection` and `navigator.mediaDevices` (tests, React Native). */
  webrtc?: WebRTCEnvironment;
}

/** What `useVoiceCall` returns: sockr-client's shape, plus the connection state, why a call ended, and its error. */
export interface VoiceCallView extends VoiceCallSnapshot {
  /** Calls `userId`. Rejects (nothing sent) while another call is in progress; other failures are `error`. */
  startCall(userId: string): Promise<void>;
  /** Answers `incomingCall`. */
  answerCall(): Promise<void>;
  /** Rejects `incomingCall`. */
  rejectCall(): void;
  /** Hangs up: both sides end, the tracks stop, the connection closes. */
  hangUp(): void;
}

function browserWebRTC(): WebRTCEnvironment {
  const { RTCPeerConnection: Peer, navigator: nav } = globalThis as Partial<typeof globalThis>;
  if (Peer === undefined || nav?.mediaDevices === undefined)
    throw new Error('useVoiceCall: no WebRTC here (pass `webrtc`)');
  return { RTCPeerConnection: Peer, mediaDevices: nav.mediaDevices };
}

/**
 * 1:1 calls on a real RTCPeerConnection (audio, optionally video), signalled through the SockrClient's calls module
 * with the ICE servers the server hands out. sockr-client's `useVoiceCall`, without its bug: local ICE candidates
 * gathered before `call_ringing` are kept and sent, not dropped. Unmounting ends a call in progress.
 */
export function useVoiceCall(options: VoiceCallOptions = {}): VoiceCallView {
  const client = useSockrClient(options.client, 'useVoiceCall');
  // Read when a call starts or is answered: an inline `webrtc` object does not make a new controller per render,
  // and a changed `video` does not end the call in progress.
  const media = useRef(options);
  useInsertionEffect(() => {
    media.current = options;
  });
  // A controller holds nothing until its effect attaches it, so one made in a render React throws away costs nothing.
  const current = useMemo(
    () =>
      new VoiceCallController(
        client,
        () => media.current.video === true,
        () => media.current.webrtc ?? browserWebRTC(),
      ),
    [client],
  );
  useEffect(() => current.attach(), [current]);
  const actions = useMemo(
    () => ({
      startCall: (userId: string) => current.startCall(userId),
      answerCall: () => current.answerCall(),
      rejectCall: () => current.rejectCall(),
      hangUp: () => current.hangUp(),
    }),
    [current],
  );
  return { ...useStore(current), ...actions };
}
