import type { CallEvents, SockrCall, SockrClient } from '@polysocket/sockr';
import type { IceCandidateInit, IceServer } from '@polysocket/sockr';
import type { CallMediaStream, PeerConnectionState, WebRTCEnvironment } from './dom-types';
import { PeerLink } from './peer-link';
import { Store, toError } from '../store';

/** sockr-client's call states. `calling`: we are calling out; `ringing`: a call is coming in. */
export type VoiceCallState = 'idle' | 'calling' | 'ringing' | 'active' | 'busy' | 'ended';

/** Why the last call ended (not in sockr-client: its `ended` says none of this). */
export type CallEndReason = 'hangup' | 'remote-hangup' | 'rejected' | 'unavailable' | 'busy' | 'error' | 'unmounted';

/** A call coming in, until it is answered, rejected or ended. */
export interface IncomingCallInfo {
  callId: string;
  /** The caller's userId. */
  from: string;
  /** The caller's SDP offer. */
  sdpOffer: string;
}

/** What `useVoiceCall` reads in one go. */
export interface VoiceCallSnapshot {
  readonly callState: VoiceCallState;
  readonly incomingCall: IncomingCallInfo | null;
  readonly remoteStream: CallMediaStream | null;
  readonly localStream: CallMediaStream | null;
  readonly currentCallId: string | null;
  /** The peer connection's `connectionState` (`new` … `connected`, `failed`, `closed`); null without one. */
  readonly connectionState: PeerConnectionState | null;
  readonly endReason: CallEndReason | null;
  /** A failure of the last call (no microphone, the SDP refused …); null otherwise. */
  readonly error: Error | null;
}

const IDLE: VoiceCallSnapshot = {
  callState: 'idle',
  incomingCall: null,
  remoteStream: null,
  localStream: null,
  currentCallId: null,
  connectionState: null,
  endReason: null,
  error: null,
};

/**
 * One user's 1:1 calls on a SockrClient (with `calls: sockrCalls`), on a real RTCPeerConnection: the external store
 * behind `useVoiceCall`. One call at a time; a call coming in while another is in progress is rejected.
 */
export class VoiceCallController extends Store<VoiceCallSnapshot> {
  private call: SockrCall | undefined;
  private link: PeerLink | undefined;
  /** Bumped by every new call and every end: an async step of an older call stops where it is. */
  private generation = 0;
  private detachCall: (() => void) | undefined;
  /** The incoming call being answered. */
  private answering: SockrCall | undefined;

  constructor(
    private readonly client: SockrClient,
    /** Whether a call also takes the camera: read when a call starts or is answered. */
    private readonly video: () => boolean,
    private readonly env: () => WebRTCEnvironment,
  ) {
    super(IDLE);
  }

  /** Listens for incoming calls; the returned function stops listening and ends a call in progress. */
  attach(): () => void {
    const onCall = (call: SockrCall): void => this.incoming(call);
    this.client.on('call', onCall);
    return () => {
      this.client.off('call', onCall);
      // Also a call still being set up (no call or connection yet): its next step sees it ended and stops.
      if (this.busy() || this.link !== undefined) this.end('unmounted', true);
    };
  }

  /** Calls `userId`: the microphone (and camera), an offer, the call. Rejects when a call is already in progress. */
  async startCall(userId: string): Promise<void> {
    if (this.busy()) throw new Error('useVoiceCall: busy (hang up first)');
    this.set({ ...IDLE, callState: 'calling' });
    await this.connect(
      ++this.generation,
      this.client.getIceServers().catch((): IceServer[] => []),
      async (link, live) => {
        // Candidates come from here on: the link keeps them until the call exists (the call keeps them until the
        // server names it with `call_ringing`), so none is lost — sockr-client drops these.
        const offer = await link.offer();
        if (live()) this.follow(this.client.call(userId, offer), link);
      },
    );
  }

  /** Answers the incoming call: the microphone (and camera), the answer. */
  async answerCall(): Promise<void> {
    const call = this.call;
    // Once per call: a second answer (a double click) while the first sets up would make a second connection.
    if (call?.direction !== 'incoming' || this.value.callState !== 'ringing' || this.answering === call) return;
    this.answering = call;
    await this.connect(this.generation, call.iceServers, async (link, live) => {
      this.follow(call, link);
      const answer = await link.answer(call.sdpOffer ?? '');
      if (live()) call.answer(answer);
    });
  }

  rejectCall(): void {
    const call = this.call;
    if (call === undefined || call.direction !== 'incoming' || call.state !== 'ringing') return;
    call.reject(); // its `rejected` state ends ours
  }

  /** Hangs up (also while calling or ringing): both sides end, the tracks stop, the connection closes. */
  hangUp(): void {
    if (!this.busy()) return;
    this.end('hangup', true);
  }

  private busy(): boolean {
    const state = this.value.callState;
    return state === 'calling' || state === 'ringing' || state === 'active';
  }

  private incoming(call: SockrCall): void {
    if (this.busy()) {
      // One call at a time (the server only knows the callee is busy while it rings or talks to this device).
      call.reject();
      return;
    }
    this.generation++;
    this.closeLink();
    this.follow(call);
    this.set({
      ...IDLE,
      callState: 'ringing',
      currentCallId: call.callId ?? null,
      incomingCall: { callId: call.callId ?? '', from: call.peer, sdpOffer: call.sdpOffer ?? '' },
    });
  }

  /**
   * A call's media and connection: the ICE servers, the microphone (and camera), a peer connection; then `signal`.
   * Each step stops when the call ended meanwhile (`live()` false); a failure ends the call as `error`.
   */
  private async connect(
    generation: number,
    iceServers: IceServer[] | Promise<IceServer[]>,
    signal: (link: PeerLink, live: () => boolean) => Promise<void>,
  ): Promise<void> {
    const live = (): boolean => generation === this.generation;
    try {
      const servers = await iceServers;
      if (!live()) return;
      const env = this.env();
      const stream = await env.mediaDevices.getUserMedia({ audio: true, video: this.video() });
      if (!live()) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      const link = (this.link = new PeerLink(env.RTCPeerConnection, servers as RTCIceServer[], stream, {
        remoteStream: (remote) => this.patch({ remoteStream: remote }),
        connectionState: (state) => this.patch({ connectionState: state }),
      }));
      this.patch({ localStream: stream, connectionState: link.connectionState });
      await signal(link, live);
    } catch (error) {
      if (live()) this.fail(error);
    }
  }

  /**
   * Follows a call's signalling: its state; with the link, the answer and the remote candidates (the call keeps
   * those that come before, while the callee rings: it delivers them when a listener comes), and the local
   * candidates go to the call.
   */
  private follow(call: SockrCall, link?: PeerLink): void {
    this.detachCall?.();
    this.call = call;
    const listeners: [keyof CallEvents, (...args: never[]) => void][] = [['state', () => this.callChanged(call)]];
    if (link) {
      listeners.push(
        ['answered', (sdp: string) => void link.accept(sdp).catch((error: unknown) => this.fail(error))],
        ['ice_candidate', (candidate: IceCandidateInit) => link.addRemoteCandidate(candidate)],
      );
      link.sendCandidatesTo((candidate) => call.addLocalCandidate(candidate));
    }
    // One listener type for the three events (each listener takes its own event's arguments).
    const each = (method: 'on' | 'off'): void => {
      for (const [event, listener] of listeners) call[method](event, listener as () => void);
    };
    each('on');
    this.detachCall = () => each('off');
    this.callChanged(call);
  }

  /** Sets the hook's state from the call's (after `follow` and on each change). */
  private callChanged(call: SockrCall): void {
    const { state, callId = null } = call;
    if (call !== this.call) return;
    if (state === 'active') this.patch({ callState: 'active', currentCallId: callId, incomingCall: null });
    else if (state === 'calling' || state === 'ringing') {
      if (call.direction === 'outgoing') this.patch({ currentCallId: callId });
    } else
      this.end(
        state === 'ended' ? (this.value.endReason ?? 'remote-hangup') : state,
        false,
        state === 'busy' ? 'busy' : 'ended',
      );
  }

  private fail(error: unknown): void {
    this.end('error', true);
    this.patch({ error: toError(error) });
  }

  /** Ends the call: signalled (`hangUp`) if asked, the tracks stopped, the connection closed. */
  private end(reason: CallEndReason, signal: boolean, state: 'ended' | 'busy' = 'ended'): void {
    this.generation++;
    const call = this.call;
    this.detachCall?.();
    this.detachCall = undefined;
    this.call = this.answering = undefined;
    if (signal && call !== undefined && !call.isOver) {
      if (call.direction === 'incoming' && call.state === 'ringing') call.reject();
      else call.hangUp();
    }
    this.closeLink();
    this.set({
      ...IDLE,
      callState: state,
      currentCallId: call?.callId ?? this.value.currentCallId,
      endReason: reason,
    });
  }

  private closeLink(): void {
    this.link?.close();
    this.link = undefined;
  }
}
