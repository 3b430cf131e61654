import type { LiveKitModuleLike, LiveKitParticipantLike, LiveKitRoomLike } from '@polysocket/react/livekit';

type Listener = (...args: never[]) => void;

/**
 * A scripted stand-in for livekit-client's `Room` (no LiveKit server runs in the tests): it records what the
 * adapter does, has participants already in the room before the adapter connects, and announces their tracks
 * while connecting, as LiveKit does with `autoSubscribe`.
 */
export class FakeRoom implements LiveKitRoomLike {
  static readonly rooms: FakeRoom[] = [];
  /** Who is in the room before anyone connects (the next rooms made). */
  static already: string[] = [];
  /** The next `connect` fails with this (once). */
  static failNext: Error | undefined;

  readonly log: string[] = [];
  readonly listeners = new Map<string, Set<Listener>>();
  readonly remoteParticipants = new Map<string, LiveKitParticipantLike>();
  connectedWith: { url: string; token: string; options?: { autoSubscribe?: boolean } } | undefined;
  readonly localParticipant = {
    setMicrophoneEnabled: async (on: boolean) => void this.log.push(`mic:${on}`),
    setCameraEnabled: async (on: boolean) => void this.log.push(`camera:${on}`),
  };

  constructor(readonly options?: Record<string, unknown>) {
    FakeRoom.rooms.push(this);
    for (const identity of FakeRoom.already) this.remoteParticipants.set(identity, { identity });
  }

  on(event: string, listener: Listener): this {
    this.log.push(`on:${event}`);
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  off(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  async connect(url: string, token: string, options?: { autoSubscribe?: boolean }): Promise<void> {
    this.log.push('connect');
    await Promise.resolve();
    const failure = FakeRoom.failNext;
    FakeRoom.failNext = undefined;
    if (failure) throw failure;
    this.connectedWith = { url, token, options };
    // LiveKit subscribes to the tracks of those already there while connecting (no ParticipantConnected for them).
    for (const identity of this.remoteParticipants.keys()) this.emitTrack('trackSubscribed', identity);
  }

  async disconnect(): Promise<void> {
    this.log.push('disconnect');
    this.emit('disconnected');
  }

  /** Scripted from the test: what the SFU would say. */
  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (...a: unknown[]) => void)(...args);
  }

  join(identity: string): void {
    this.remoteParticipants.set(identity, { identity });
    this.emit('participantConnected', { identity });
  }

  leave(identity: string): void {
    this.remoteParticipants.delete(identity);
    this.emit('participantDisconnected', { identity });
  }

  emitTrack(event: 'trackSubscribed' | 'trackUnsubscribed', identity: string): void {
    this.emit(event, { mediaStreamTrack: { id: `${identity}-audio` } }, {}, { identity });
  }

  listenerTotal(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }
}

/** The module `import('livekit-client')` would give, with the stand-in Room. */
export const fakeLiveKit: LiveKitModuleLike = {
  Room: FakeRoom,
  RoomEvent: {
    TrackSubscribed: 'trackSubscribed',
    TrackUnsubscribed: 'trackUnsubscribed',
    ParticipantConnected: 'participantConnected',
    ParticipantDisconnected: 'participantDisconnected',
    Disconnected: 'disconnected',
  },
};

export function resetFakeLiveKit(): void {
  FakeRoom.rooms.length = 0;
  FakeRoom.already = [];
  FakeRoom.failNext = undefined;
}

/** The mock server's fake SFU token: room and identity (base64url JSON). */
export function decodeFakeToken(token: string): { room: string; identity: string } {
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { room: string; identity: string };
}
