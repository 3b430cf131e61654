import { PolySocketError, SafeEmitter } from '@polysocket/core';
import type { IceCandidateInit, IceServer } from './types';

export type CallState = 'calling' | 'ringing' | 'active' | 'ended' | 'rejected' | 'busy' | 'unavailable';

export type CallEvents = {
  state: [state: CallState, previous: CallState];
  /** The peer's SDP answer (outgoing calls). */
  answered: [sdpAnswer: string];
  /** A remote ICE candidate to add to the peer connection. */
  ice_candidate: [candidate: IceCandidateInit];
};

/** What a call needs from its client. */
export interface CallHost {
  emit(event: string, payload: unknown): void;
  forget(call: SockrCall): void;
  reportListenerError(error: unknown): void;
}

const FINAL: ReadonlySet<CallState> = new Set(['ended', 'rejected', 'busy', 'unavailable']);

/** Remote candidates kept for a listener that is not there yet (the newest win). */
const MAX_EARLY_CANDIDATES = 32;

/**
 * One P2P call's signalling. Outgoing: `calling` until the server names it (`call_ringing` gives the
 * callId; local ICE candidates are buffered until then), `active` on the answer. Incoming: `ringing`
 * until `answer()` or `reject()`. Final states: `ended`, `rejected`, `busy`, `unavailable`.
 */
export class SockrCall extends SafeEmitter<CallEvents> {
  callId: string | undefined;
  private currentState: CallState;
  private buffered: IceCandidateInit[] = [];
  /** Remote candidates that came before any `ice_candidate` listener, for the first one. */
  private early: IceCandidateInit[] | undefined;
  private hangUpWhenNamed = false;
  private ringTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: CallHost,
    readonly direction: 'outgoing' | 'incoming',
    /** The other user's id. */
    readonly peer: string,
    options: { callId?: string; sdpOffer?: string; iceServers?: IceServer[]; ringTimeoutMs?: number },
  ) {
    super();
    this.callId = options.callId;
    this.sdpOffer = options.sdpOffer;
    this.iceServers = options.iceServers ?? [];
    this.currentState = direction === 'outgoing' ? 'calling' : 'ringing';
    if (options.ringTimeoutMs && options.ringTimeoutMs > 0) {
      // Nobody answered: hang up (the server has no ring timeout).
      this.ringTimer = setTimeout(() => this.hangUp(), options.ringTimeoutMs);
    }
  }

  protected override onListenerError(error: unknown): void {
    this.host.reportListenerError(error);
  }

  /** The caller's SDP offer (incoming calls). */
  readonly sdpOffer: string | undefined;
  /** ICE servers the server generated for this user (incoming calls; use `getIceServers()` to call out). */
  readonly iceServers: IceServer[];

  get state(): CallState {
    return this.currentState;
  }

  get isOver(): boolean {
    return FINAL.has(this.currentState);
  }

  /** Sends a local ICE candidate (buffered until the server has named the call). */
  addLocalCandidate(candidate: IceCandidateInit): void {
    if (this.isOver) return;
    if (this.callId === undefined) this.buffered.push(candidate);
    else this.host.emit('call_ice_candidate', { callId: this.callId, candidate });
  }

  /** Answers an incoming call. */
  answer(sdpAnswer: string): void {
    if (this.direction !== 'incoming' || this.currentState !== 'ringing' || this.callId === undefined) return;
    this.host.emit('call_answer', { callId: this.callId, sdpAnswer });
    this.setState('active');
  }

  /** Rejects an incoming call. */
  reject(): void {
    if (this.direction !== 'incoming' || this.currentState !== 'ringing' || this.callId === undefined) return;
    this.host.emit('call_reject', { callId: this.callId });
    this.setState('rejected');
  }

  /** Hangs up (also while ringing); the call ends locally at once. */
  hangUp(): void {
    if (this.isOver) return;
    if (this.callId === undefined) this.hangUpWhenNamed = true;
    else this.host.emit('call_hangup', { callId: this.callId });
    this.setState('ended');
  }

  // ---- driven by the client ----

  /** @internal The server named the outgoing call (`call_ringing`). */
  named(callId: string): void {
    this.callId = callId;
    if (this.hangUpWhenNamed) {
      this.host.emit('call_hangup', { callId });
      return;
    }
    this.setState('ringing');
    const buffered = this.buffered;
    this.buffered = [];
    for (const candidate of buffered) this.host.emit('call_ice_candidate', { callId, candidate });
  }

  /** @internal */
  answered(sdpAnswer: string): void {
    if (this.isOver) return;
    this.setState('active');
    this.emit('answered', sdpAnswer);
  }

  /** @internal A remote candidate: kept until the app listens (it may attach its listener a tick after the `call` event). */
  remoteCandidate(candidate: IceCandidateInit): void {
    if (this.isOver) return;
    if (this.early === undefined && this.listenerCount('ice_candidate') > 0) {
      this.emit('ice_candidate', candidate);
      return;
    }
    const early = (this.early ??= []);
    if (early.push(candidate) > MAX_EARLY_CANDIDATES) early.shift();
  }

  /** Listening to `ice_candidate` also delivers (on a microtask) the remote candidates that came before. */
  override on<E extends keyof CallEvents>(
    event: E,
    listener: (...args: CallEvents[E]) => void,
    context?: unknown,
  ): this {
    super.on(event, listener as never, context);
    if (event === 'ice_candidate' && this.early !== undefined) queueMicrotask(() => this.deliverEarly());
    return this;
  }

  override once<E extends keyof CallEvents>(
    event: E,
    listener: (...args: CallEvents[E]) => void,
    context?: unknown,
  ): this {
    super.once(event, listener as never, context);
    if (event === 'ice_candidate' && this.early !== undefined) queueMicrotask(() => this.deliverEarly());
    return this;
  }

  private deliverEarly(): void {
    const early = this.early;
    if (early === undefined) return;
    // One by one: a `once` listener takes one, and the rest wait for the next listener.
    while (early.length > 0 && !this.isOver && this.listenerCount('ice_candidate') > 0)
      this.emit('ice_candidate', early.shift()!);
    if (early.length === 0 && this.early === early) this.early = undefined;
  }

  /** @internal A final state from the server. */
  finish(state: 'ended' | 'rejected' | 'busy' | 'unavailable', callId?: string): void {
    if (callId) this.callId = callId;
    if (!this.isOver) this.setState(state);
  }

  private setState(next: CallState): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    if (next !== 'calling' && next !== 'ringing' && this.ringTimer !== undefined) {
      clearTimeout(this.ringTimer);
      this.ringTimer = undefined;
    }
    if (FINAL.has(next)) this.early = undefined;
    this.emit('state', next, previous);
    if (FINAL.has(next)) this.host.forget(this);
  }
}

/** The parts of an RTCPeerConnection the helper uses. */
export interface PeerConnectionLike {
  addIceCandidate(candidate: IceCandidateInit): Promise<void>;
  addEventListener(
    type: 'icecandidate',
    listener: (event: { candidate: { toJSON(): IceCandidateInit } | null }) => void,
  ): void;
  removeEventListener(
    type: 'icecandidate',
    listener: (event: { candidate: { toJSON(): IceCandidateInit } | null }) => void,
  ): void;
}

/**
 * Browser helper: wires a call's ICE trickle to an RTCPeerConnection both ways. Returns the function
 * that unwires it. (SDP offer/answer stay with the app: `pc.createOffer()` → `client.call(to, offer.sdp)`.)
 */
export function connectPeer(call: SockrCall, pc: PeerConnectionLike): () => void {
  if (
    typeof call?.addLocalCandidate !== 'function' ||
    typeof pc?.addEventListener !== 'function' ||
    typeof pc.addIceCandidate !== 'function'
  )
    throw new PolySocketError(
      'INVALID',
      'connectPeer needs a SockrCall (from call() or the call event) and an RTCPeerConnection (addEventListener, addIceCandidate)',
    );
  const onLocal = (event: { candidate: { toJSON(): IceCandidateInit } | null }): void => {
    if (event.candidate) call.addLocalCandidate(event.candidate.toJSON());
  };
  const onRemote = (candidate: IceCandidateInit): void => {
    pc.addIceCandidate(candidate).catch(() => undefined);
  };
  pc.addEventListener('icecandidate', onLocal);
  call.on('ice_candidate', onRemote);
  return () => {
    pc.removeEventListener('icecandidate', onLocal);
    call.off('ice_candidate', onRemote);
  };
}
