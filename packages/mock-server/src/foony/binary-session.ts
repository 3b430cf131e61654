import type { MockConnection } from '../mock-connection';
import {
  ackRecord,
  batchRecord,
  connectedRecord,
  errorRecord,
  messageRecord,
  pongRecord,
  presenceRecord,
  readClientRecord,
  resultRecord,
  splitRecords,
  type ClientRecord,
  type WireMessage,
} from './binary-records';
import type { ChannelListener } from './channel-store';
import type { FoonyContext, SessionHandle } from './context';
import { FoonyErrorCode, type PresenceEvent, type StoredMessage } from './wire';

/** Where a binary session's records go: a WebSocket, or a long-poll session's outbox. */
export interface BinaryLink {
  send(bytes: Buffer): void;
  close(code: number, reason: string): void;
  /** Goes away as a network failure would (no close handshake). */
  drop(): void;
  /** The WebSocket, when there is one (for `connectionOf`). */
  readonly connection?: MockConnection;
}

const DEFAULT_HISTORY_PAGE = 100;
const MAX_PAGE = 1000;

type Outgoing = { record: Buffer } | { channel: string; messages: StoredMessage[] };

export function toWire(message: StoredMessage): WireMessage {
  return {
    channel: message.channel,
    name: message.name,
    data: message.data,
    timestamp: message.timestamp,
    messageId: message.messageId,
    ...(message.clientId !== undefined ? { clientId: message.clientId } : {}),
    ...(message.encoding ? { encoding: message.encoding } : {}),
    serial: message.serial,
    ...(message.ephemeral ? { ephemeral: true } : {}),
    ...(message.parts ? { parts: message.parts } : {}),
  };
}

function readRecords(bytes: Buffer): { records: ClientRecord[]; bad: number } {
  let raw: Buffer[];
  try {
    raw = splitRecords(bytes);
  } catch {
    return { records: [], bad: 1 };
  }
  const records: ClientRecord[] = [];
  let bad = 0;
  for (const record of raw) {
    try {
      records.push(readClientRecord(record));
    } catch {
      bad++;
    }
  }
  return { records, bad };
}

/**
 * One connection on the service's binary wire (a binary auth record made it binary): binary records both ways,
 * serials, opt-in presence, publisher ids, resume by connectionId. Over a WebSocket or long-poll alike.
 */
export class BinarySession implements ChannelListener, SessionHandle {
  readonly wire = 'binary';
  private readonly channels = new Set<string>();
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private outbox: Outgoing[] = [];
  private flushTimer: ReturnType<typeof setImmediate> | undefined;
  private superseded = false;
  private ended = false;

  private constructor(
    private readonly ctx: FoonyContext,
    private readonly link: BinaryLink,
    readonly connectionId: string,
    readonly clientId: string,
    /** Whether it took over an earlier session's connectionId. */
    readonly resumed: boolean,
  ) {}

  get connection(): MockConnection | undefined {
    return this.link.connection;
  }

  get transport(): 'websocket' | 'long-poll' {
    return this.link.connection ? 'websocket' : 'long-poll';
  }

  /** Answers the first message (the auth record, possibly with more records after it): a session, or `err` and a close. */
  static start(ctx: FoonyContext, link: BinaryLink, bytes: Buffer): BinarySession | undefined {
    const { records } = readRecords(bytes);
    const auth = records[0];
    if (auth?.t !== 'auth') {
      link.send(errorRecord(0, FoonyErrorCode.BadAuth, 'authenticate first'));
      link.close(4001, 'not authenticated');
      return undefined;
    }
    const result = ctx.auth.check({
      ...(auth.token ? { token: auth.token } : {}),
      ...(auth.key ? { key: auth.key } : {}),
      ...(auth.clientId ? { clientId: auth.clientId } : {}),
    });
    if (!result.ok) {
      link.send(errorRecord(0, result.code, result.message));
      link.close(4001, result.message);
      return undefined;
    }
    const resumed = auth.resumeConnectionId !== '' && ctx.resume(auth.resumeConnectionId, result.clientId);
    const connectionId = resumed ? auth.resumeConnectionId : ctx.nextConnectionId();
    const session = new BinarySession(ctx, link, connectionId, result.clientId, resumed);
    if (result.expiresAt !== undefined) {
      session.expiryTimer = setTimeout(() => {
        session.send(errorRecord(0, FoonyErrorCode.AuthExpired, 'token expired'));
        session.flushNow();
        link.close(4001, 'token expired');
      }, result.expiresAt - Date.now());
    }
    ctx.register(session);
    session.send(connectedRecord(connectionId, ctx.keepAliveMs, result.clientId));
    for (const record of records.slice(1)) session.handle(record);
    return session;
  }

  receive(bytes: Buffer): void {
    const { records, bad } = readRecords(bytes);
    if (bad > 0) this.send(errorRecord(0, FoonyErrorCode.BadFrame, 'malformed record'));
    for (const record of records) this.handle(record);
  }

  /** A text message on a binary connection. */
  receiveText(): void {
    this.send(errorRecord(0, FoonyErrorCode.BadFrame, 'this connection speaks binary records'));
  }

  message(message: StoredMessage): void {
    if (this.ctx.store.isDroppedLive(message)) return;
    this.deliver(message.channel, [message]);
  }

  presence(event: PresenceEvent): void {
    this.send(presenceRecord(event));
  }

  supersede(): void {
    this.superseded = true;
    this.link.close(4000, 'resumed by another connection');
  }

  /** The link went away. `leaveNow`: a deliberate disconnect (long-poll `/lp/disconnect`), no grace period. */
  end(leaveNow = false): void {
    if (this.ended) return;
    this.ended = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.outbox = [];
    this.ctx.unregister(this);
    this.ctx.store.forget(this, this.channels);
    if (this.superseded) return;
    if (leaveNow) this.ctx.store.leaveEverywhere(this.connectionId);
    else this.ctx.holdPresence(this.connectionId, this.clientId);
  }

  private handle(record: ClientRecord): void {
    if (record.t === 'ping') return this.send(pongRecord());
    if (record.t === 'auth') return this.send(errorRecord(0, FoonyErrorCode.BadFrame, 'already authenticated'));
    const id = record.id;
    const fail = (code: number, message: string): void => this.send(errorRecord(id, code, message));
    if (id === 0) return fail(FoonyErrorCode.BadFrame, `${record.t} needs a request id`);
    const check = this.ctx.checkChannel(record.t, record.channel, this.clientId);
    if (!check.ok) return fail(check.code, check.message);
    const channel = check.channel;
    const store = this.ctx.store;
    switch (record.t) {
      case 'sub': {
        const fault = this.ctx.takeSubFault(channel);
        if (fault) {
          if (fault.code !== undefined) fail(fault.code, `cannot subscribe to ${channel} now`);
          return;
        }
        return this.subscribe(channel, record.lastSerial, id);
      }
      case 'unsub':
        store.forget(this, [channel]);
        this.channels.delete(channel);
        return this.send(ackRecord(id));
      case 'presSub': {
        // The current members first (as `enter`s), then the live changes.
        const state = store.get(channel);
        for (const member of state.members.values()) this.presence({ ...member, channel, action: 'enter' });
        state.watchers.add(this);
        this.channels.add(channel);
        return this.send(ackRecord(id));
      }
      case 'presUnsub':
        store.peek(channel)?.watchers.delete(this);
        return this.send(ackRecord(id));
      case 'pub':
        return this.publish(channel, record, id);
      case 'pres':
        return this.enterOrLeave(channel, record.action, record.data, record.encoding, id);
      case 'hist': {
        const limit = record.limit > 0 ? Math.min(record.limit, MAX_PAGE) : DEFAULT_HISTORY_PAGE;
        const page = store.page(channel, limit, record.before);
        return this.send(resultRecord('histRes', id, channel, page.messages.map(toWire), page.more));
      }
      case 'fetch': {
        // Past retention: resumed false, with what is retained after the hole (the official client ignores them).
        const since = store.since(channel, record.fromSerial);
        return this.send(resultRecord('fetchRes', id, channel, since.messages.map(toWire), since.resumed));
      }
    }
  }

  /**
   * With `lastSerial`: replays what came after it, then acks `resumed: true`; a cursor past retention replays
   * nothing and acks `resumed: false` (the official client drops its cursor then). Without: acks, live from now.
   */
  private subscribe(channel: string, lastSerial: number, id: number): void {
    const store = this.ctx.store;
    const state = store.get(channel);
    let resumed: boolean | undefined;
    if (lastSerial > 0) {
      const since = store.since(channel, lastSerial);
      resumed = since.resumed;
      if (resumed && since.messages.length > 0) this.deliver(channel, since.messages);
    }
    state.subscribers.add(this);
    this.channels.add(channel);
    this.send(ackRecord(id, resumed === undefined ? {} : { resumed }));
  }

  private publish(channel: string, record: Extract<ClientRecord, { t: 'pub' }>, id: number): void {
    const store = this.ctx.store;
    if (!record.ephemeral) {
      const earlier = store.findByMessageId(channel, record.messageId);
      if (earlier) {
        this.ctx.countResend(channel);
        // A resend's ack can be lost too (`dropBeforeAck(channel, 2)`: the ack is lost twice).
        if (this.ctx.takeAckDrop(channel)) return this.link.drop();
        return this.send(ackRecord(id, { seq: earlier.serial }));
      }
    }
    const batch = record.parts.length > 0;
    const message = store.publish(channel, {
      name: batch ? '' : record.name,
      data: batch ? undefined : record.data,
      clientId: this.clientId,
      ...(record.encoding && !batch ? { encoding: record.encoding } : {}),
      ...(batch ? { parts: record.parts } : {}),
      messageId: record.messageId,
      ephemeral: record.ephemeral,
    });
    if (this.ctx.takeAckDrop(channel)) return this.link.drop(); // stored, but the publisher never hears
    this.send(ackRecord(id, message.serial > 0 ? { seq: message.serial } : {}));
  }

  /** An `enter` of a member already there with the same data (a resumed client re-entering) changes nothing. */
  private enterOrLeave(
    channel: string,
    action: 'enter' | 'update' | 'leave',
    data: unknown,
    encoding: string,
    id: number,
  ): void {
    const store = this.ctx.store;
    const current = store.get(channel).members.get(this.connectionId);
    const member = {
      clientId: this.clientId,
      connectionId: this.connectionId,
      timestamp: Date.now(),
      ...(data !== undefined ? { data } : {}),
      ...(encoding ? { encoding } : {}),
    };
    if (action === 'enter' && current) {
      const same = JSON.stringify(current.data) === JSON.stringify(data) && (current.encoding ?? '') === encoding;
      if (!same) store.presence(channel, 'update', member);
    } else {
      store.presence(channel, action, member);
    }
    this.send(ackRecord(id));
  }

  private deliver(channel: string, messages: StoredMessage[]): void {
    if (!this.ctx.bundle) {
      for (const message of messages) {
        this.link.send(message.parts ? batchRecord(toWire(message)) : messageRecord([toWire(message)]));
      }
      return;
    }
    const last = this.outbox[this.outbox.length - 1];
    if (last && 'messages' in last && last.channel === channel) last.messages.push(...messages);
    else this.outbox.push({ channel, messages: [...messages] });
    this.schedule();
  }

  private send(record: Buffer): void {
    if (this.ended) return;
    if (!this.ctx.bundle) return this.link.send(record);
    this.outbox.push({ record });
    this.schedule();
  }

  private schedule(): void {
    if (this.flushTimer === undefined && !this.ended) this.flushTimer = setImmediate(() => this.flushNow());
  }

  /** Bundle mode: everything queued this tick as one WebSocket message, each channel's run of messages one bundle. */
  flushNow(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.outbox.length === 0) return;
    const parts = this.outbox.map((entry) =>
      'record' in entry ? entry.record : messageRecord(entry.messages.map(toWire)),
    );
    this.outbox = [];
    this.link.send(Buffer.concat(parts));
  }
}
