import type { ISFUClientAdapter, SFUConnectOptions, SockrClient } from '@polysocket/sockr';
import { Store, toError } from '../store';
import { listen } from '../sockr/client';

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

type GroupEvent = { groupId: string; userId?: string; startedBy?: string };

/**
 * One user's SFU conference through an `ISFUClientAdapter`: the external store behind `useConferenceCall`. The
 * adapter's handlers are registered once, when the controller is first attached (mount), so before any `connect`;
 * the interface has no `off`, so the hook keeps one controller per client and adapter (the media options are read
 * at each join). The participants come from the server's conference events and the adapter's, self included.
 */
export class ConferenceController extends Store<ConferenceSnapshot> {
  private readonly trackHandlers = new Set<RemoteTrackHandler>();
  /** The participants of the current conference, in order of arrival (self first). */
  private present = new Set<string>();
  /** Bumped by each join and each end: a join still in flight after a leave stops. */
  private generation = 0;
  private wired = false;

  constructor(
    private readonly client: SockrClient,
    private readonly adapter: ISFUClientAdapter,
    private readonly media: () => SFUConnectOptions,
  ) {
    super(IDLE);
  }

  /** Listens to the server's conference events and (once) to the adapter's; the cleanup leaves a conference. */
  attach(): () => void {
    const { adapter } = this;
    // Detached, the controller has left its conference: the adapter's events are ignored then too.
    const live = (): boolean => this.inConference();
    if (!this.wired) {
      this.wired = true;
      adapter.onParticipantConnected((userId) => void (live() && this.add(userId)));
      adapter.onParticipantDisconnected((userId) => void (live() && this.remove(userId)));
      adapter.onTrackSubscribed((track, participantId) => {
        if (live()) for (const handler of [...this.trackHandlers]) handler(track, participantId);
      });
      // The SFU dropped us (or the adapter was disconnected elsewhere) while in the conference.
      adapter.onDisconnected(
        () => void (live() && this.value.conferenceState === 'active' && this.end('ended', null, true, false)),
      );
    }
    // The server's events about the conference we are in.
    const ours =
      (act: (data: GroupEvent) => void) =>
      (data: GroupEvent): void =>
        void (data.groupId === this.value.activeGroupId && this.inConference() && act(data));
    const stop = listen(this.client, {
      conference_started: ours((data) => this.add(data.startedBy)),
      conference_participant_joined: ours((data) => this.add(data.userId)),
      conference_participant_left: ours((data) => this.remove(data.userId)),
      conference_ended: ours(() => this.end('ended', null, false)),
    });
    return () => {
      stop();
      this.leaveConference();
    };
  }

  /** Joins a group's conference: the token from the server, then the adapter connects with it. */
  async joinConference(groupId: string): Promise<void> {
    if (this.inConference()) throw new Error('useConferenceCall: leave the conference first');
    const generation = ++this.generation;
    const self = this.client.getUserId();
    this.present = new Set(self === undefined ? [] : [self]);
    this.set({ conferenceState: 'joining', participants: this.list(), error: null, activeGroupId: groupId });
    try {
      await this.client.joinConferenceWith(this.adapter, groupId, this.media());
    } catch (error) {
      // The server may count us in already (a token was issued before the adapter failed): leave there too.
      if (generation === this.generation) this.end('error', toError(error), true);
      return;
    }
    // Left (or unmounted) while joining.
    if (generation !== this.generation) return void this.adapter.disconnect().catch(() => undefined);
    for (const userId of this.client.conferenceOf(groupId)?.participants ?? []) this.present.add(userId);
    this.patch({ conferenceState: 'active', participants: this.list() });
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
    return this.value.conferenceState === 'joining' || this.value.conferenceState === 'active';
  }

  private add(userId: string | undefined): void {
    if (userId === undefined || this.present.has(userId)) return;
    this.present.add(userId);
    this.patch({ participants: this.list() });
  }

  private remove(userId: string | undefined): void {
    if (userId === this.client.getUserId() || !this.present.delete(userId as string)) return;
    this.patch({ participants: this.list() });
  }

  private end(state: 'ended' | 'error', error: Error | null, tellServer: boolean, disconnect = true): void {
    this.generation++;
    const groupId = this.value.activeGroupId;
    this.present = new Set();
    if (tellServer && groupId !== null) {
      try {
        this.client.leaveConference(groupId);
      } catch {
        // A closed client: the server forgets us with the socket.
      }
    }
    if (disconnect) void this.adapter.disconnect().catch(() => undefined);
    this.set({ conferenceState: state, participants: [], error, activeGroupId: state === 'error' ? groupId : null });
  }

  private list(): ConferenceParticipant[] {
    return [...this.present].map((userId) => ({ userId }));
  }
}
