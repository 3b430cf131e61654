import type { IceCandidateInit } from '@polysocket/sockr';

import type { PeerConnectionFactory } from './dom-types';

export interface PeerLinkEvents {
  remoteStream(stream: MediaStream): void;
  connectionState(state: RTCPeerConnectionState): void;
}

/**
 * One RTCPeerConnection for one call, with the local stream's tracks on it. ICE candidates are never dropped:
 * local ones are kept until the call can send them (`sendCandidatesTo`), remote ones until the remote description
 * is set. `close()` stops the local tracks and closes the connection.
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  private sink: ((candidate: IceCandidateInit) => void) | undefined;
  private readonly localPending: IceCandidateInit[] = [];
  /** Remote candidates until the remote description is set (then undefined). */
  private remotePending: IceCandidateInit[] | undefined = [];
  private closed = false;
  private remote: MediaStream | undefined;
  private readonly listeners: [string, (event: never) => void][];

  constructor(
    Peer: PeerConnectionFactory,
    iceServers: RTCIceServer[],
    private readonly local: MediaStream,
    events: PeerLinkEvents,
  ) {
    // Typed as the DOM's inside (this file is not part of the package's types).
    const pc = (this.pc = new (Peer as new (config: RTCConfiguration) => RTCPeerConnection)({ iceServers }));
    this.listeners = [
      [
        'icecandidate',
        // null: gathering is complete (nothing to send: the peer needs no end-of-candidates marker).
        ({ candidate }: RTCPeerConnectionIceEvent) => {
          if (candidate === null || this.closed) return;
          const json = candidate.toJSON();
          if (this.sink) this.sink(json);
          else this.localPending.push(json);
        },
      ],
      [
        'track',
        ({ streams, track }: RTCTrackEvent) => {
          const stream = streams[0] ?? this.remote ?? new MediaStream();
          if (streams.length === 0) stream.addTrack(track);
          // The same stream with one more track too: told again, so the hook's snapshot changes.
          events.remoteStream((this.remote = stream));
        },
      ],
      ['connectionstatechange', () => events.connectionState(pc.connectionState)],
    ];
    for (const [name, listener] of this.listeners) pc.addEventListener(name, listener as EventListener);
    for (const track of local.getTracks()) pc.addTrack(track, local);
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  /** Makes the offer and sets it as the local description; returns its SDP. */
  async offer(): Promise<string> {
    return this.describe(await this.pc.createOffer());
  }

  /** Takes the caller's offer and returns the answer's SDP (set as the local description). */
  async answer(sdpOffer: string): Promise<string> {
    await this.accept(sdpOffer, 'offer');
    return this.describe(await this.pc.createAnswer());
  }

  /** The remote description: the callee's answer (caller side), or the caller's offer. */
  async accept(sdp: string, type: RTCSdpType = 'answer'): Promise<void> {
    await this.pc.setRemoteDescription({ type, sdp });
    if (this.closed) return;
    const pending = this.remotePending ?? [];
    this.remotePending = undefined;
    for (const candidate of pending) this.addRemoteCandidate(candidate);
  }

  /** Where local candidates go from now on; the ones gathered before are sent first, in order. */
  sendCandidatesTo(sink: (candidate: IceCandidateInit) => void): void {
    this.sink = sink;
    for (const candidate of this.localPending.splice(0)) sink(candidate);
  }

  /** A remote candidate: added now, or once the remote description is set. */
  addRemoteCandidate(candidate: IceCandidateInit): void {
    if (this.closed) return;
    if (this.remotePending) this.remotePending.push(candidate);
    // A candidate the connection refuses (another generation, a malformed one) is not the call's end.
    else this.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  /** Stops the local tracks and closes the connection (its remote tracks end with it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [name, listener] of this.listeners) this.pc.removeEventListener(name, listener as EventListener);
    for (const track of [...this.local.getTracks(), ...(this.remote?.getTracks() ?? [])]) track.stop();
    this.pc.close();
    this.localPending.length = 0;
    this.remotePending = [];
  }

  private async describe(description: RTCSessionDescriptionInit): Promise<string> {
    await this.pc.setLocalDescription(description);
    return description.sdp ?? '';
  }
}
