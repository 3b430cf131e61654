import type { ISFUClientAdapter, SFUConnectOptions, SFUPublishOptions } from '@polysocket/sockr';
import type { CallMediaTrack } from './dom-types';

// The parts of livekit-client the adapter uses, typed structurally: livekit-client is an optional peer dependency,
// so neither this package's code nor its types need it unless the app makes a LiveKitClientAdapter.

/** A LiveKit track (`RemoteTrack`): the browser's track is `mediaStreamTrack`. */
export interface LiveKitTrackLike {
  readonly mediaStreamTrack?: CallMediaTrack;
}

/** A LiveKit participant: its identity is the Sockr userId (the server's token names it so). */
export interface LiveKitParticipantLike {
  readonly identity: string;
}

/** The part of livekit-client's `Room` the adapter uses. */
export interface LiveKitRoomLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  connect(url: string, token: string, options?: { autoSubscribe?: boolean }): Promise<void>;
  disconnect(stopTracks?: boolean): Promise<void>;
  /** livekit-client 2.x; 1.x called it `participants`. */
  readonly remoteParticipants?: ReadonlyMap<string, LiveKitParticipantLike>;
  readonly participants?: ReadonlyMap<string, LiveKitParticipantLike>;
  readonly localParticipant: {
    setMicrophoneEnabled(enabled: boolean): Promise<unknown>;
    setCameraEnabled(enabled: boolean): Promise<unknown>;
  };
}

/** What `import('livekit-client')` gives (the part the adapter uses). */
export interface LiveKitModuleLike {
  Room: new (options?: Record<string, unknown>) => LiveKitRoomLike;
  /** livekit-client's event names; the adapter falls back to their values when absent. */
  RoomEvent?: Partial<
    Record<
      'TrackSubscribed' | 'TrackUnsubscribed' | 'ParticipantConnected' | 'ParticipantDisconnected' | 'Disconnected',
      string
    >
  >;
}

export interface LiveKitAdapterOptions {
  /** Loads livekit-client; default `() => import('livekit-client')` (ESM, only when the adapter first connects). */
  load?: () => Promise<LiveKitModuleLike>;
  /** Options for `new Room(…)` (adaptiveStream, dynacast …). */
  roomOptions?: Record<string, unknown>;
}

type TrackHandler = (track: CallMediaTrack | LiveKitTrackLike, participantId: string) => void;
type ParticipantHandler = (participantId: string) => void;
/** livekit-client's `RoomEvent` keys the adapter listens to (each event's name is its key, lower camel case). */
type EventKey = keyof NonNullable<LiveKitModuleLike['RoomEvent']>;
type Listener = (...args: never[]) => void;

/**
 * livekit-client, imported when first needed (a dynamic `import()`: the app's bundler splits it out). Typed against
 * the real package (a devDependency here), so the structural types above are checked to fit it.
 */
const importLiveKit = async (): Promise<LiveKitModuleLike> => import('livekit-client');

/**
 * `ISFUClientAdapter` on livekit-client, for `client.joinConferenceWith(adapter, groupId)` and `useConferenceCall`.
 * livekit-client is an optional peer dependency, loaded with `import()` on the first `connect` (never `require`, so
 * it works in ESM apps). Handlers may be registered before `connect` (sockr-client's adapter throws there), and the
 * adapter listens before it connects, so participants already in the room are reported (`onParticipantConnected`)
 * and their tracks too. Tracks are handed over as the browser's `MediaStreamTrack` where LiveKit has one.
 */
export class LiveKitClientAdapter implements ISFUClientAdapter {
  private room: LiveKitRoomLike | undefined;
  private detach: (() => void) | undefined;
  private readonly handlers = new Map<EventKey, Set<Listener>>();
  /** Participants reported as connected (so one already there is not reported twice). */
  private readonly present = new Set<string>();

  constructor(private readonly options: LiveKitAdapterOptions = {}) {}

  /** The LiveKit `Room` while connected (for what the interface does not cover). */
  get currentRoom(): LiveKitRoomLike | undefined {
    return this.room;
  }

  async connect(sfuUrl: string, token: string, options: SFUConnectOptions = {}): Promise<void> {
    if (this.room !== undefined) await this.disconnect();
    const livekit = await (this.options.load ?? importLiveKit)();
    const room = new livekit.Room(this.options.roomOptions);
    this.room = room;
    const track =
      (key: EventKey) =>
      (remote: LiveKitTrackLike, _publication: unknown, participant: LiveKitParticipantLike): void => {
        this.joined(participant);
        this.emit(key, remote.mediaStreamTrack ?? remote, participant.identity);
      };
    const listeners: [EventKey, Listener][] = [
      ['TrackSubscribed', track('TrackSubscribed')],
      ['TrackUnsubscribed', track('TrackUnsubscribed')],
      ['ParticipantConnected', (participant: LiveKitParticipantLike) => this.joined(participant)],
      [
        'ParticipantDisconnected',
        ({ identity }: LiveKitParticipantLike) =>
          void (this.present.delete(identity) && this.emit('ParticipantDisconnected', identity)),
      ],
      // The room ended on LiveKit's side.
      ['Disconnected', () => void (this.room === room && (this.release(), this.emit('Disconnected')))],
    ];
    const each = (method: 'on' | 'off'): void => {
      for (const [key, listener] of listeners)
        room[method](livekit.RoomEvent?.[key] ?? key[0].toLowerCase() + key.slice(1), listener);
    };
    each('on');
    this.detach = () => each('off');
    try {
      await room.connect(sfuUrl, token, { autoSubscribe: true });
    } catch (error) {
      this.release();
      throw error;
    }
    // Who was in the room before us: LiveKit emits no ParticipantConnected for them.
    for (const participant of (room.remoteParticipants ?? room.participants ?? new Map()).values())
      this.joined(participant);
    await this.publishTracks({ audio: options.audio !== false, video: options.video === true });
  }

  async disconnect(): Promise<void> {
    const room = this.room;
    if (room === undefined) return;
    this.release();
    await room.disconnect();
    this.emit('Disconnected');
  }

  async publishTracks(options: SFUPublishOptions = {}): Promise<void> {
    const room = this.room;
    if (room === undefined) throw new Error('LiveKitClientAdapter: connect() first');
    if (options.audio) await room.localParticipant.setMicrophoneEnabled(true);
    if (options.video) await room.localParticipant.setCameraEnabled(true);
  }

  onTrackSubscribed(handler: TrackHandler): void {
    this.on('TrackSubscribed', handler);
  }

  onTrackUnsubscribed(handler: TrackHandler): void {
    this.on('TrackUnsubscribed', handler);
  }

  onParticipantConnected(handler: ParticipantHandler): void {
    this.on('ParticipantConnected', handler);
  }

  onParticipantDisconnected(handler: ParticipantHandler): void {
    this.on('ParticipantDisconnected', handler);
  }

  onDisconnected(handler: () => void): void {
    this.on('Disconnected', handler);
  }

  /** Removes every handler (the interface has no `off`). */
  removeAllHandlers(): void {
    this.handlers.clear();
  }

  private on(key: EventKey, handler: Listener): void {
    const set = this.handlers.get(key) ?? new Set();
    this.handlers.set(key, set.add(handler));
  }

  private emit(key: EventKey, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(key) ?? [])]) (handler as (...a: unknown[]) => void)(...args);
  }

  private joined({ identity }: LiveKitParticipantLike): void {
    if (this.present.has(identity)) return;
    this.present.add(identity);
    this.emit('ParticipantConnected', identity);
  }

  private release(): void {
    this.detach?.();
    this.detach = undefined;
    this.room = undefined;
    this.present.clear();
  }
}
