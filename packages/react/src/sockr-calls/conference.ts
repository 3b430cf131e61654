import type { ISFUClientAdapter, SockrClient } from '@polysocket/sockr';

/** sockr-client's conference states. */
export type ConferenceCallState = 'idle' | 'joining' | 'active' | 'ended' | 'error';

/** One participant of the conference (self included). */
export interface ConferenceParticipant {
  userId: string;
}

/** What `useConferenceCall` reads in one go. */
export interface ConferenceSnapshot {
  readonly conferenceState: ConferenceCallState;
  /** Who is in the conference, self first (sockr-client leaves self out). A new array per change. */
  readonly participants: readonly ConferenceParticipant[];
  /** The failure that made the state `error`; a new `joinConference` is allowed from there. */
  readonly error: Error | null;
  readonly activeGroupId: string | null;
}

/** A remote track of the conference (a `MediaStreamTrack` from `LiveKitClientAdapter`) and whose it is. */
export type RemoteTrackHandler = (track: unknown, participantId: string) => void;

const IDLE: ConferenceSnapshot = { conferenceState: 'idle', participants: [], error: null, activeGroupId: null };

const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

type GroupEvent = { groupId: string; userId?: string; startedBy?: string };

/**
 * One user's SFU conference through an `ISFUClientAdapter`: the external store behind `useConferenceCall`. The
 * adapter's handlers are registered when the controller is attached (mount), so before any `connect`; the
 * participants come from the server's conference events and the adapter's, self included.
 */
export class ConferenceController {
  private snapshot: ConferenceSnapshot = IDLE;
  private readonly listeners = new Set<() => void>();
  private readonly trackHandlers = new Set<RemoteTrackHandler>();
  /** The participants of the current conference, in order of arrival (self first). */
  private present = new Set<string>();
  /** Bumped by each join and each end: a join still in flight after a leave stops. */
  private generation = 0;
  private attached = false;
  private adapterWired = false;

  constructor(
    private readonly client: SockrClient,
    private readonly adapter: ISFUClientAdapter,
    private readonly media: { audio: boolean; video: boolean },
  ) {}

  readonly read = (): ConferenceSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Listens to the server's conference events and (once: the interface has no `off`) to the adapter's. */
  attach(): () => void {
    this.attached = true;
    this.wireAdapter();
    const started = (data: GroupEvent): void => this.serverJoined(data.groupId, data.startedBy);
    const joined = (data: GroupEvent): void => this.serverJoined(data.groupId, data.userId);
    const left = (data: GroupEvent): void => {
      if (data.groupId === this.snapshot.activeGroupId && data.userId !== undefined) this.remove(data.userId);
    };
    const ended = (data: GroupEvent): void => {
      if (data.groupId === this.snapshot.activeGroupId && this.inConference()) this.end('ended', null, false);
    };
    this.client.on('conference_started', started);
    this.client.on('conference_participant_joined', joined);
    this.client.on('conference_participant_left', left);
    this.client.on('conference_ended', ended);
    return () => {
      this.attached = false;
      this.client.off('conference_started', started);
      this.client.off('conference_participant_joined', joined);
      this.client.off('conference_participant_left', left);
      this.client.off('conference_ended', ended);
      if (this.inConference()) this.end('ended', null, true);
    };
  }

  /** Joins a group's conference: the token from the server, then the adapter connects with it. */
  async joinConference(groupId: string): Promise<void> {
    if (this.inConference()) throw new Error('useConferenceCall: already in a conference (leave it first)');
    const generation = ++this.generation;
    const self = this.client.getUserId();
    this.present = new Set(self === undefined ? [] : [self]);
    this.write({ conferenceState: 'joining', participants: this.list(), error: null, activeGroupId: groupId });
    try {
      await this.client.joinConferenceWith(this.adapter, groupId, this.media);
    } catch (error) {
      if (generation !== this.generation) return;
      // The server may count us in already (a token was issued before the adapter failed): leave there too.
      this.end('error', toError(error), true);
      return;
    }
    if (generation !== this.generation) {
      // Left (or unmounted) while joining.
      void this.adapter.disconnect().catch(() => undefined);
      return;
    }
    for (const userId of this.client.conferenceOf(groupId)?.participants ?? []) this.present.add(userId);
    this.write({ ...this.snapshot, conferenceState: 'active', participants: this.list() });
  }

  /** Leaves the conference: the server is told, the adapter disconnects. */
  leaveConference(): void {
    if (this.inConference()) this.end('ended', null, true);
  }

  /** Calls `handler` with each remote track; returns the function that stops it. */
  onRemoteTrack(handler: RemoteTrackHandler): () => void {
    this.trackHandlers.add(handler);
    return () => this.trackHandlers.delete(handler);
  }

  private inConference(): boolean {
    return this.snapshot.conferenceState === 'joining' || this.snapshot.conferenceState === 'active';
  }

  private wireAdapter(): void {
    if (this.adapterWired) return;
    this.adapterWired = true;
    const live = (): boolean => this.attached && this.inConference();
    this.adapter.onParticipantConnected((userId) => {
      if (live()) this.add(userId);
    });
    this.adapter.onParticipantDisconnected((userId) => {
      if (live()) this.remove(userId);
    });
    this.adapter.onTrackSubscribed((track, participantId) => {
      if (!live()) return;
      for (const handler of [...this.trackHandlers]) handler(track, participantId);
    });
    this.adapter.onDisconnected(() => {
      // The SFU dropped us (or the adapter was disconnected elsewhere) while in the conference.
      if (live() && this.snapshot.conferenceState === 'active') this.end('ended', null, true, false);
    });
  }

  private serverJoined(groupId: string, userId: string | undefined): void {
    if (groupId === this.snapshot.activeGroupId && this.inConference() && userId !== undefined) this.add(userId);
  }

  private add(userId: string): void {
    if (this.present.has(userId)) return;
    this.present.add(userId);
    this.write({ ...this.snapshot, participants: this.list() });
  }

  private remove(userId: string): void {
    if (userId === this.client.getUserId() || !this.present.delete(userId)) return;
    this.write({ ...this.snapshot, participants: this.list() });
  }

  private end(state: 'ended' | 'error', error: Error | null, tellServer: boolean, disconnect = true): void {
    this.generation++;
    const groupId = this.snapshot.activeGroupId;
    this.present = new Set();
    if (tellServer && groupId !== null) {
      try {
        this.client.leaveConference(groupId);
      } catch {
        // A closed client: the server forgets us with the socket.
      }
    }
    if (disconnect) void this.adapter.disconnect().catch(() => undefined);
    this.write({ conferenceState: state, participants: [], error, activeGroupId: state === 'error' ? groupId : null });
  }

  private list(): ConferenceParticipant[] {
    return [...this.present].map((userId) => ({ userId }));
  }

  private write(next: ConferenceSnapshot): void {
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}
