import { PolySocketError, SafeEmitter } from '@polysocket/core';
import type { ChannelHost, FoonyChannel, Request } from './channel';
import type { Sealable, StreamCipher } from './binary/cipher';
import type { PresenceAction, PresenceEventFrame } from './wire';

/** One member of a channel's presence set, keyed by its connection. */
export interface PresenceMember {
  readonly clientId: string;
  readonly connectionId: string;
  readonly data?: unknown;
  readonly timestamp: number;
}

export interface PresenceChange {
  action: PresenceAction;
  member: PresenceMember;
}

export type PresenceEvents = {
  enter: [member: PresenceMember];
  update: [member: PresenceMember];
  leave: [member: PresenceMember];
  /** Every change, whichever the action. */
  change: [change: PresenceChange];
};

/**
 * An optional module: presence (`channel.presence`). Pass `foonyPresence` as the client's `presence` option;
 * the client makes one `FoonyPresence` per channel with it.
 */
export type PresenceModule = (channel: FoonyChannel, host: ChannelHost) => FoonyPresence;

/** Presence for every channel of a client: `new FoonyClient({ url, token, presence: foonyPresence })`. */
export const foonyPresence: PresenceModule = (channel, host) => new FoonyPresence(channel, host);

/**
 * A channel's presence: enter/update/leave for this client, and a live member map kept from
 * `presEvt`. After each (re)subscribe the server sends its current set; the map is swapped for the
 * fresh one when the subscribe is acknowledged, and only real differences are emitted.
 */
export class FoonyPresence extends SafeEmitter<PresenceEvents> {
  private current = new Map<string, PresenceMember>();
  private syncing: Map<string, PresenceMember> | undefined;
  /** The data this client entered with, re-entered after every reconnect; undefined when not present. */
  private own: OwnEntry | undefined;
  /** With the `cipher` module: own data sealed, events opened, in arrival order with the channel's messages. */
  private readonly cipher: StreamCipher | undefined;
  /** Bumped by `clear()`: announcements of a set the channel has left since (a listener unsubscribed) stop. */
  private generation = 0;

  constructor(
    private readonly channel: FoonyChannel,
    private readonly host: ChannelHost,
  ) {
    super();
    this.cipher = host.cipher?.(channel);
  }

  protected override onListenerError(error: unknown): void {
    this.host.connection.reportListenerError(error);
  }

  /** Members by connectionId. The map is live: it changes as presence events arrive. */
  members(): ReadonlyMap<string, PresenceMember> {
    return this.current;
  }

  /** Whether this client has entered (and will re-enter after a reconnect). */
  get isPresent(): boolean {
    return this.own !== undefined;
  }

  /** Enters (and re-enters after every reconnect). Before `connect()` or after `close()` it fails at once and records nothing. */
  enter(data?: unknown): Promise<void> {
    return this.present('enter', data);
  }

  /** Changes this client's data; before `enter()` (or after `leave()`) it enters, as `enter(data)` would. */
  update(data?: unknown): Promise<void> {
    return this.present('update', data);
  }

  /** Leaves; this client is not re-entered after a reconnect, even when the `leave` itself could not be sent. */
  leave(data?: unknown): Promise<void> {
    this.own = undefined;
    return this.channel.reported(this.send('leave', { data }));
  }

  /** Like `publish`, the promise may be ignored: every failure but ABORTED is also a client `error` event. */
  private present(action: 'enter' | 'update', data: unknown): Promise<void> {
    return this.channel.reported(this.sendOwn(action, data));
  }

  private async sendOwn(action: 'enter' | 'update', data: unknown): Promise<void> {
    const refused = this.host.connection.cannotSend();
    if (refused) throw refused;
    const previous = this.own;
    // Not connected: it waits in the outbox, which goes out right behind the restore; that restore does not re-enter
    // as well (watchers got the same data twice), so it is an `enter` (the server may have ended the presence).
    const queued = !this.host.connection.isConnected;
    const entry: OwnEntry = { data, queued: queued || undefined };
    this.own = entry;
    this.channel.attach();
    // A `state` listener of that attach unsubscribed the channel, or entered again: its call decides.
    if (this.own !== entry) throw new PolySocketError('ABORTED', `presence ${action} superseded by a listener`);
    try {
      // An update of a client that is not present enters it: watchers get an `enter`, not an `update` out of nowhere.
      await this.send(queued || !previous ? 'enter' : action, entry);
    } catch (error) {
      // Never re-enter with data the server cannot take: every restore would refuse it again.
      if ((error as PolySocketError).code === 'TOO_LARGE' && this.own === entry) this.own = previous;
      throw error;
    } finally {
      entry.queued = undefined;
    }
  }

  /** Sends `entry`'s data (with a cipher: sealed, once; a re-entry sends the same ciphertext). */
  private send(action: PresenceAction, entry: OwnEntry, request?: Request): Promise<unknown> {
    const send = (fields: Sealable): Promise<unknown> =>
      this.channel.channelRequest({ t: 'pres', action, ...fields }, {}, request);
    return this.cipher ? this.cipher.present(entry, send, !!request) : send(entry);
  }

  /** Listens to every change, attaching the channel if needed (as `channel.subscribe` does); returns the stop. */
  subscribe(listener: (change: PresenceChange) => void): () => void {
    this.on('change', listener);
    this.channel.attach();
    return () => this.off('change', listener);
  }

  /** @internal The data this client re-enters with after a reconnect, if any. */
  get ownEntry(): { data: unknown } | undefined {
    return this.own;
  }

  /**
   * @internal The client is closing: others are told now that this client left (the server would keep a closed
   * client's presence for its resume grace). `own` stays: a later `connect()` enters again, as after a drop.
   */
  farewell(): void {
    // Written at once; its answer never comes (the close rejects it, quietly).
    if (this.own && this.host.connection.isConnected)
      this.channel.channelRequest({ t: 'pres', action: 'leave' }).catch(() => undefined);
  }

  /**
   * @internal The channel is being unsubscribed: if this client is present, its `leave` is written now (ahead of the
   * `unsub`, which does not end the presence on the server). Undefined when it is not present.
   */
  depart(): Promise<unknown> | undefined {
    return this.own && this.channel.channelRequest({ t: 'pres', action: 'leave' });
  }

  /** @internal A restore: re-enter with the last data, if this client is present. */
  reenter(request: Request | undefined): Promise<unknown> | undefined {
    // An enter still in the outbox goes out right behind this restore: re-entering too would send it twice.
    return this.own && !this.own.queued ? this.send('enter', this.own, request) : undefined;
  }

  /** Runs `step` (with `frame`) in the channel's event order: with a cipher, after what it is still opening. */
  private inOrder(step: (frame: PresenceEventFrame) => void, frame?: PresenceEventFrame): void {
    if (this.cipher) this.cipher.event(step, frame);
    else step(frame as PresenceEventFrame);
  }

  /** @internal A subscribe went out: collect the server's fresh set from here. */
  beginSync(): void {
    this.inOrder(() => (this.syncing = new Map()));
  }

  /** @internal The subscribe was acknowledged: adopt the fresh set, emitting only what changed. */
  endSync(): void {
    this.inOrder(() => this.adopt());
  }

  private adopt(): void {
    const next = this.syncing;
    this.syncing = undefined;
    if (!next) return;
    const previous = this.current;
    this.current = next;
    const generation = this.generation;
    for (const [id, member] of previous) {
      if (!next.has(id) && !this.announce('leave', member, generation)) return;
    }
    for (const [id, member] of next) {
      const before = previous.get(id);
      if (!before) {
        if (!this.announce('enter', member, generation)) return;
      } else if (!sameData(before.data, member.data) && !this.announce('update', member, generation)) return;
    }
  }

  /** @internal The channel was left: nobody is known to be here any more. */
  clear(): void {
    this.generation++;
    this.syncing = undefined;
    this.own = undefined;
    this.current = new Map();
  }

  /** @internal A `presEvt`; with a cipher, its data opened first (one it cannot open is reported and left out). */
  apply(frame: PresenceEventFrame): void {
    this.inOrder((opened) => this.applyOpen(opened), frame);
  }

  private applyOpen(frame: PresenceEventFrame): void {
    const member: PresenceMember = {
      clientId: frame.clientId,
      connectionId: frame.connectionId,
      data: frame.data,
      timestamp: frame.timestamp,
    };
    if (this.syncing) {
      if (frame.action === 'leave') this.syncing.delete(frame.connectionId);
      else this.syncing.set(frame.connectionId, member);
      return;
    }
    if (frame.action === 'leave') {
      if (!this.current.delete(frame.connectionId)) return;
    } else {
      this.current.set(frame.connectionId, member);
    }
    this.announce(frame.action, member, this.generation);
  }

  /** Emits one change; false once a listener left the channel (later changes are not announced). */
  private announce(action: PresenceAction, member: PresenceMember, generation: number): boolean {
    this.emit(action, member);
    if (generation !== this.generation) return false;
    this.emit('change', { action, member });
    return generation === this.generation;
  }
}

/** This client's presence data, and its sealed fields once a cipher has sealed it. */
interface OwnEntry {
  readonly data: unknown;
  sealed?: Sealable;
  /** Its `enter` waits in the outbox (made while not connected), unanswered. */
  queued?: boolean;
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}
