import type { WebRTCEnvironment } from '@polysocket/react/sockr';

/** A stand-in track: `stop()` ends it. */
export class FakeTrack {
  readyState: 'live' | 'ended' = 'live';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly id: string,
  ) {}
  stop(): void {
    this.readyState = 'ended';
  }
}

/** A stand-in MediaStream (jsdom has none). */
export class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getTracks(): FakeTrack[] {
    return this.tracks;
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
}

type Listener = (event: never) => void;

/**
 * A scripted RTCPeerConnection: it records what the hook does and refuses a remote candidate before the remote
 * description, as the browser's does. Local candidates come when the test says (`gather`), or — `eager` — at once
 * inside `setLocalDescription`, before the hook can have a call to send them on.
 */
export class FakePeer {
  static readonly made: FakePeer[] = [];
  static eager: string[] = [];

  readonly config: RTCConfiguration | undefined;
  readonly tracks: FakeTrack[] = [];
  readonly added: RTCIceCandidateInit[] = [];
  refused = 0;
  local: RTCSessionDescriptionInit | undefined;
  remote: RTCSessionDescriptionInit | undefined;
  connectionState: RTCPeerConnectionState = 'new';
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(config?: RTCConfiguration) {
    this.config = config;
    FakePeer.made.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }
  listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }
  addTrack(track: FakeTrack): void {
    this.tracks.push(track);
  }
  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'offer', sdp: `offer-${FakePeer.made.indexOf(this)}` };
  }
  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'answer', sdp: `answer-${FakePeer.made.indexOf(this)}` };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.local = description;
    for (const candidate of FakePeer.eager.splice(0)) this.gather(candidate);
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    await Promise.resolve();
    this.remote = description;
  }
  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (this.remote === undefined) {
      this.refused++;
      throw new DOMException('no remote description', 'InvalidStateError');
    }
    this.added.push(candidate);
  }
  close(): void {
    this.connectionState = 'closed';
  }

  /** Scripted: a local candidate is gathered. */
  gather(candidate: string): void {
    this.emit('icecandidate', { candidate: { toJSON: () => ({ candidate, sdpMid: '0', sdpMLineIndex: 0 }) } });
  }
  /** Scripted: the peer's track arrives; the connection connects. */
  connect(track: FakeTrack): void {
    this.emit('track', { track, streams: [new FakeStream([track])] });
    this.connectionState = 'connected';
    this.emit('connectionstatechange', {});
  }
  private emit(type: string, event: unknown): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) (listener as (e: unknown) => void)(event);
  }
}

/** The WebRTC environment the hook gets: the scripted peer, and a microphone whose streams are kept. */
export function fakeWebRTC(): WebRTCEnvironment & { streams: FakeStream[] } {
  const streams: FakeStream[] = [];
  return {
    streams,
    RTCPeerConnection: FakePeer as unknown as WebRTCEnvironment['RTCPeerConnection'],
    mediaDevices: {
      getUserMedia: async (constraints) => {
        const tracks = [new FakeTrack('audio', `mic-${streams.length}`)];
        if (constraints.video) tracks.push(new FakeTrack('video', `camera-${streams.length}`));
        const stream = new FakeStream(tracks);
        streams.push(stream);
        return stream as unknown as MediaStream;
      },
    },
  };
}

export function resetFakeWebRTC(): void {
  FakePeer.made.length = 0;
  FakePeer.eager = [];
}
