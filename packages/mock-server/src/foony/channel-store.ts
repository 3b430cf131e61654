import type { Member, PresenceAction, PresenceEvent, StoredMessage } from './wire';

/** A session's side of a channel: each wire writes the events its own way. */
export interface ChannelListener {
  /** A new message on a channel it subscribed to (stored, or ephemeral with serial 0). */
  message(message: StoredMessage): void;
  /** A presence change on a channel it watches. */
  presence(event: PresenceEvent): void;
}

export interface ChannelState {
  /** Retained messages, oldest first, serials contiguous. */
  history: StoredMessage[];
  /** The serial the next stored message gets. */
  nextSerial: number;
  subscribers: Set<ChannelListener>;
  /** Presence watchers (the seed wire's subscribers watch presence too; the binary wire opts in with presSub). */
  watchers: Set<ChannelListener>;
  /** Members by connectionId. */
  members: Map<string, Member>;
}

export interface NewMessage {
  name: string;
  data: unknown;
  clientId?: string;
  encoding?: string;
  parts?: StoredMessage['parts'];
  /** The publisher's id (binary wire); a server id is made when absent. */
  messageId?: string;
  ephemeral?: boolean;
}

/** Messages after a serial cursor, and whether that is everything after it (false: the cursor is past retention). */
export interface Since {
  messages: StoredMessage[];
  resumed: boolean;
}

/** Every channel's retained history with per-channel serials, its subscribers and its presence set. */
export class ChannelStore {
  private readonly channels = new Map<string, ChannelState>();
  private nextMessage = 0;
  /** Serials whose live delivery to binary sessions is skipped (test hook), per channel. */
  private readonly liveDrops = new Map<string, Set<number>>();

  constructor(private readonly historyLimit: number) {}

  has(name: string): boolean {
    return this.channels.has(name);
  }

  peek(name: string): ChannelState | undefined {
    return this.channels.get(name);
  }

  get(name: string): ChannelState {
    let state = this.channels.get(name);
    if (!state) {
      state = { history: [], nextSerial: 1, subscribers: new Set(), watchers: new Set(), members: new Map() };
      this.channels.set(name, state);
    }
    return state;
  }

  names(): IterableIterator<string> {
    return this.channels.keys();
  }

  /** Stores (unless ephemeral) with the next serial and delivers to every subscriber. */
  publish(channel: string, input: NewMessage): StoredMessage {
    const state = this.get(channel);
    const message: StoredMessage = {
      t: 'msg',
      channel,
      name: input.name,
      data: input.data,
      timestamp: Date.now(),
      messageId: input.messageId || `m${String(++this.nextMessage).padStart(10, '0')}`,
      ...(input.clientId !== undefined ? { clientId: input.clientId } : {}),
      serial: input.ephemeral ? 0 : state.nextSerial++,
      ...(input.encoding ? { encoding: input.encoding } : {}),
      ...(input.parts && input.parts.length > 0 ? { parts: input.parts } : {}),
      ...(input.ephemeral ? { ephemeral: true } : {}),
    };
    if (!input.ephemeral) {
      state.history.push(message);
      if (state.history.length > this.historyLimit) state.history.splice(0, state.history.length - this.historyLimit);
    }
    for (const subscriber of state.subscribers) subscriber.message(message);
    this.liveDrops.get(channel)?.delete(message.serial);
    return message;
  }

  /** A retained message with this publisher id (the dedupe window is the retained history). */
  findByMessageId(channel: string, messageId: string): StoredMessage | undefined {
    if (!messageId) return undefined;
    const history = this.channels.get(channel)?.history ?? [];
    for (let i = history.length - 1; i >= 0; i--) if (history[i].messageId === messageId) return history[i];
    return undefined;
  }

  /**
   * Retained messages with a serial above `serial`. `resumed` is false when messages after the cursor were trimmed
   * (or the cursor is ahead of the channel): then the retained messages are not all that was missed.
   */
  since(channel: string, serial: number): Since {
    const state = this.channels.get(channel);
    if (!state) return { messages: [], resumed: serial === 0 };
    const firstRetained = state.history[0]?.serial ?? state.nextSerial;
    const resumed = serial >= firstRetained - 1 && serial <= state.nextSerial - 1;
    return { messages: state.history.filter((m) => m.serial > serial), resumed };
  }

  /** Backward paging by serial: the newest `limit` messages below `before` (0: the newest), oldest first. */
  page(channel: string, limit: number, before: number): { messages: StoredMessage[]; more: boolean } {
    const history = this.channels.get(channel)?.history ?? [];
    let end = history.length;
    if (before > 0) {
      end = 0;
      while (end < history.length && history[end].serial < before) end++;
    }
    const begin = Math.max(0, end - limit);
    return { messages: history.slice(begin, end), more: begin > 0 };
  }

  /** Skips the live delivery of these serials to binary sessions (the next messages stored with them). */
  dropLive(channel: string, serials: readonly number[]): void {
    let set = this.liveDrops.get(channel);
    if (!set) this.liveDrops.set(channel, (set = new Set()));
    for (const serial of serials) set.add(serial);
  }

  isDroppedLive(message: StoredMessage): boolean {
    return message.serial > 0 && (this.liveDrops.get(message.channel)?.has(message.serial) ?? false);
  }

  /**
   * Applies a presence change and tells the watchers. A `leave` of a non-member does nothing (returns false); the
   * `leave` event carries the member's last data.
   */
  presence(channel: string, action: PresenceAction, member: Member): boolean {
    const state = this.get(channel);
    let event: PresenceEvent;
    if (action === 'leave') {
      const last = state.members.get(member.connectionId);
      if (!last || !state.members.delete(member.connectionId)) return false;
      event = { ...last, ...withData(member), timestamp: member.timestamp, channel, action };
    } else {
      state.members.set(member.connectionId, member);
      event = { ...member, channel, action };
    }
    for (const watcher of state.watchers) watcher.presence(event);
    return true;
  }

  /** Removes a connection's memberships everywhere, telling the watchers (`leave` with the last data). */
  leaveEverywhere(connectionId: string): void {
    for (const [name, state] of this.channels) {
      const member = state.members.get(connectionId);
      if (!member) continue;
      state.members.delete(connectionId);
      const event: PresenceEvent = { ...member, timestamp: Date.now(), channel: name, action: 'leave' };
      for (const watcher of state.watchers) watcher.presence(event);
    }
  }

  /** Removes a listener from every channel it subscribed to or watches. */
  forget(listener: ChannelListener, channels: Iterable<string>): void {
    for (const name of channels) {
      const state = this.channels.get(name);
      state?.subscribers.delete(listener);
      state?.watchers.delete(listener);
    }
  }
}

function withData(member: Member): Partial<Member> {
  return member.data !== undefined
    ? { data: member.data, ...(member.encoding ? { encoding: member.encoding } : {}) }
    : {};
}
