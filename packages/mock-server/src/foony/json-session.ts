import type { MockConnection } from '../mock-connection';
import type { ChannelListener } from './channel-store';
import type { FoonyContext, SessionHandle } from './context';
import { FoonyErrorCode, type PresenceEvent, type StoredMessage } from './wire';

type Frame = Record<string, unknown>;

/** The seed wire's `msg` frames for a stored message: a batch is sent as one frame per part (`<id>:<index>`). */
export function jsonMessages(message: StoredMessage): Frame[] {
  const base = {
    t: 'msg',
    channel: message.channel,
    timestamp: message.timestamp,
    ...(message.clientId !== undefined ? { clientId: message.clientId } : {}),
  };
  if (!message.parts) return [{ ...base, name: message.name, data: message.data, messageId: message.messageId }];
  return message.parts.map((part, index) => ({
    ...base,
    name: part.name,
    data: part.data,
    messageId: `${message.messageId}:${index}`,
  }));
}

function jsonPresence(event: PresenceEvent): Frame {
  return {
    t: 'presEvt',
    channel: event.channel,
    action: event.action,
    clientId: event.clientId,
    connectionId: event.connectionId,
    timestamp: event.timestamp,
    ...(event.data !== undefined ? { data: event.data } : {}),
  };
}

/** One connection on the seed's JSON wire: a text auth frame, then JSON frames both ways. */
export class JsonSession implements ChannelListener, SessionHandle {
  readonly wire = 'json';
  readonly transport = 'websocket';
  private readonly channels = new Set<string>();
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    private readonly ctx: FoonyContext,
    readonly connection: MockConnection,
    readonly connectionId: string,
    readonly clientId: string,
  ) {}

  /** Answers the auth frame: a session, or `err` and a close. */
  static start(ctx: FoonyContext, connection: MockConnection, text: string): JsonSession | undefined {
    const send = (frame: Frame): void => connection.send(JSON.stringify(frame));
    const frame = parse(text);
    if (!frame) {
      send({ t: 'err', code: FoonyErrorCode.BadFrame, message: 'frame is not a JSON object' });
      return undefined;
    }
    if (frame.t !== 'auth') {
      send({ t: 'err', code: FoonyErrorCode.BadAuth, message: 'authenticate first' });
      connection.close(4001, 'not authenticated');
      return undefined;
    }
    const result = ctx.auth.check({
      token: typeof frame.token === 'string' ? frame.token : undefined,
      key: typeof frame.key === 'string' ? frame.key : undefined,
      clientId: typeof frame.clientId === 'string' ? frame.clientId : undefined,
    });
    if (!result.ok) {
      send({ t: 'err', code: result.code, message: result.message });
      connection.close(4001, result.message);
      return undefined;
    }
    const session = new JsonSession(ctx, connection, ctx.nextConnectionId(), result.clientId);
    if (result.expiresAt !== undefined) {
      session.expiryTimer = setTimeout(() => {
        send({ t: 'err', code: FoonyErrorCode.AuthExpired, message: 'token expired' });
        connection.close(4001, 'token expired');
      }, result.expiresAt - Date.now());
    }
    ctx.register(session);
    send({
      t: 'connected',
      connectionId: session.connectionId,
      keepAliveMs: ctx.keepAliveMs,
      clientId: result.clientId,
    });
    return session;
  }

  message(message: StoredMessage): void {
    for (const frame of jsonMessages(message)) this.send(frame);
  }

  presence(event: PresenceEvent): void {
    this.send(jsonPresence(event));
  }

  receive(text: string): void {
    const frame = parse(text);
    if (!frame) return this.send({ t: 'err', code: FoonyErrorCode.BadFrame, message: 'frame is not a JSON object' });
    const id = typeof frame.id === 'number' ? frame.id : undefined;
    const fail = (code: number, message: string): void =>
      this.send({ t: 'err', ...(id !== undefined ? { id } : {}), code, message });
    if (frame.t === 'ping') return this.send({ t: 'pong' });
    if (id === undefined) return fail(FoonyErrorCode.BadFrame, `${String(frame.t)} needs a numeric id`);
    const check = this.ctx.checkChannel(String(frame.t), frame.channel, this.clientId);
    if (!check.ok) return fail(check.code, check.message);
    const channel = check.channel;
    const store = this.ctx.store;
    switch (frame.t) {
      case 'sub': {
        const fault = this.ctx.takeSubFault(channel);
        if (fault) {
          if (fault.code !== undefined) fail(fault.code, `cannot subscribe to ${channel} now`);
          return;
        }
        return this.subscribe(channel, typeof frame.lastMessageId === 'string' ? frame.lastMessageId : undefined, id);
      }
      case 'unsub':
        this.ctx.store.forget(this, [channel]);
        this.channels.delete(channel);
        return this.send({ t: 'ack', id });
      case 'pub':
        if (typeof frame.name !== 'string') return fail(FoonyErrorCode.BadFrame, 'pub needs a name');
        store.publish(channel, { name: frame.name, data: frame.data, clientId: this.clientId });
        return this.send({ t: 'ack', id });
      case 'pres': {
        const action = frame.action;
        if (action !== 'enter' && action !== 'update' && action !== 'leave') {
          return fail(FoonyErrorCode.BadFrame, 'bad presence action');
        }
        store.presence(channel, action, {
          clientId: this.clientId,
          connectionId: this.connectionId,
          timestamp: Date.now(),
          ...(frame.data !== undefined ? { data: frame.data } : {}),
        });
        return this.send({ t: 'ack', id });
      }
      case 'hist':
        return this.send(this.history(channel, id, frame.limit, frame.start));
      default:
        return fail(FoonyErrorCode.BadFrame, `unknown frame type ${String(frame.t)}`);
    }
  }

  end(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.ctx.unregister(this);
    this.ctx.store.forget(this, this.channels);
    this.ctx.store.leaveEverywhere(this.connectionId);
  }

  private send(frame: Frame): void {
    this.connection.send(JSON.stringify(frame));
  }

  /** Replays what came after the cursor, then the presence set, then acks: all before any later live message. */
  private subscribe(name: string, lastMessageId: string | undefined, id: number): void {
    const state = this.ctx.store.get(name);
    if (lastMessageId !== undefined) {
      const index = indexOf(state.history, lastMessageId);
      // A cursor older than the retained history replays everything retained.
      const from = index < 0 ? 0 : Math.max(0, index + 1 - this.ctx.resumeOverlap);
      for (const message of state.history.slice(from)) this.message(message);
    }
    for (const member of state.members.values()) {
      this.presence({ ...member, channel: name, action: 'enter' });
    }
    state.subscribers.add(this);
    state.watchers.add(this);
    this.channels.add(name);
    this.send({ t: 'ack', id });
  }

  /** Backward paging: messages older than `start` (exclusive), newest `limit` of them, oldest first. */
  private history(name: string, id: number, limit: unknown, start: unknown): Frame {
    const all = this.ctx.store.peek(name)?.history ?? [];
    const size = typeof limit === 'number' && limit > 0 ? Math.min(Math.floor(limit), 1000) : 100;
    let end = all.length;
    if (typeof start === 'string') {
      const index = indexOf(all, start);
      end = index >= 0 ? index : all.length;
    }
    const begin = Math.max(0, end - size);
    return { t: 'histRes', id, channel: name, messages: all.slice(begin, end).flatMap(jsonMessages), more: begin > 0 };
  }
}

/** The index of the stored message with this id (a batch part's `<id>:<index>` finds its batch). */
function indexOf(history: readonly StoredMessage[], messageId: string): number {
  const index = history.findIndex((m) => m.messageId === messageId);
  if (index >= 0) return index;
  const colon = messageId.lastIndexOf(':');
  return colon > 0 ? history.findIndex((m) => m.parts && m.messageId === messageId.slice(0, colon)) : -1;
}

function parse(text: string): Frame | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return parsed as Frame;
  } catch {
    return undefined;
  }
}
