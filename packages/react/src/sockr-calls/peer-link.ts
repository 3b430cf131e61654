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
  private readonly remotePending: IceCandidateInit[] = [];
  private remoteSet = false;
  private closed = false;
  private remote: MediaStream | undefined;

  constructor(
    Peer: PeerConnectionFactory,
    iceServers: RTCIceServer[],
    private readonly local: MediaStream,
    private readonly events: PeerLinkEvents,
  ) {
    // Typed as the DOM's inside (this file is not part of the package's types).
    this.pc = new (Peer as new (config: RTCConfiguration) => RTCPeerConnection)({ iceServers });
    this.pc.addEventListener('icecandidate', this.onCandidate);
    this.pc.addEventListener('track', this.onTrack);
    this.pc.addEventListener('connectionstatechange', this.onConnectionState);
    for (const track of local.getTracks()) this.pc.addTrack(track, local);
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  /** Makes the offer and sets it as the local description; returns its SDP. */
  async offer(): Promise<string> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    return offer.sdp ?? '';
  }

  /** Takes the caller's offer and returns the answer's SDP (set as the local description). */
  async answer(sdpOffer: string): Promise<string> {
    await this.setRemote({ type: 'offer', sdp: sdpOffer });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return answer.sdp ?? '';
  }

  /** The callee's answer (caller side). */
  async accept(sdpAnswer: string): Promise<void> {
    await this.setRemote({ type: 'answer', sdp: sdpAnswer });
  }

  /** Where local candidates go from now on; the ones gathered before are sent first, in order. */
  sendCandidatesTo(sink: (candidate: IceCandidateInit) => void): void {
    this.sink = sink;
    for (const candidate of this.localPending.splice(0)) sink(candidate);
  }

  /** A remote candidate: added now, or once the remote description is set. */
  addRemoteCandidate(candidate: IceCandidateInit): void {
    if (this.closed) return;
    if (!this.remoteSet) {
      this.remotePending.push(candidate);
      return;
    }
    // A candidate the connection refuses (another generation, a malformed one) is not the call's end.
    this.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  /** Stops the local tracks and closes the connection (its remote tracks end with it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.removeEventListener('icecandidate', this.onCandidate);
    this.pc.removeEventListener('track', this.onTrack);
    this.pc.removeEventListener('connectionstatechange', this.onConnectionState);
    for (const track of this.local.getTracks()) track.stop();
    for (const track of this.remote?.getTracks() ?? []) track.stop();
    this.pc.close();
    this.localPending.length = 0;
    this.remotePending.length = 0;
  }

  private async setRemote(description: RTCSessionDescriptionInit): Promise<void> {
    await this.pc.setRemoteDescription(description);
    if (this.closed) return;
    this.remoteSet = true;
    for (const candidate of this.remotePending.splice(0)) this.addRemoteCandidate(candidate);
  }

  private readonly onCandidate = (event: RTCPeerConnectionIceEvent): void => {
    // null: gathering is complete (nothing to send: the peer needs no end-of-candidates marker).
    if (event.candidate === null || this.closed) return;
    const candidate = event.candidate.toJSON();
    if (this.sink) this.sink(candidate);
    else this.localPending.push(candidate);
  };

  private readonly onTrack = (event: RTCTrackEvent): void => {
    const stream = event.streams[0] ?? this.remote ?? new MediaStream();
    if (event.streams.length === 0) stream.addTrack(event.track);
    if (stream === this.remote) {
      // The same stream, one more track: a new identity so React sees the change.
      this.events.remoteStream(stream);
      return;
    }
    this.remote = stream;
    this.events.remoteStream(stream);
  };

  private readonly onConnectionState = (): void => {
    this.events.connectionState(this.pc.connectionState);
  };
}
