import { MemoryServer, type MemoryPeer } from '@polysocket/core';
import { FoonyClient, foonyPresence, foonySeedWire, type FoonyClientOptions } from '@polysocket/foony';

type Frame = { t: string; id?: number; channel?: string; name?: string; data?: unknown; action?: string };

/**
 * A Foony server in memory (seed wire) that keeps what a real one keeps per connection — which channels it is
 * subscribed to, who is present — so a test can compare it with what the client believes.
 */
export class MemoryFoony {
  readonly server = new MemoryServer();
  /** Channels the current connection is subscribed to. */
  readonly subscribed = new Set<string>();
  /** channel → connectionId → presence data. */
  readonly members = new Map<string, Map<string, unknown>>();
  /** Every frame received (auth and pings included), in order. */
  readonly received: Frame[] = [];
  /** channel → codes the next subs get (`err`), one per sub. */
  readonly failSubs = new Map<string, number[]>();
  /** How `pub`, `pres` and `unsub` are answered: `ack`, no answer at all, or `err` with that code. */
  writeAnswer: 'ack' | 'none' | number = 'ack';
  private peer: MemoryPeer | undefined;
  private connectionId = '';
  private connections = 0;
  private messages = 0;

  constructor() {
    this.server.onConnection = (peer) => {
      this.peer = peer;
      this.connectionId = `c${++this.connections}`;
      this.subscribed.clear();
      for (const members of this.members.values())
        for (const id of [...members.keys()]) if (id !== 'other') members.delete(id);
      peer.onMessage = (data) => this.handle(peer, JSON.parse(String(data)) as Frame);
    };
  }

  client(options: Partial<FoonyClientOptions> = {}): FoonyClient {
    return new FoonyClient({
      url: 'ws://memory/foony',
      token: 'secret-token-123',
      transport: this.server.transport,
      browser: { network: null, document: null },
      presence: foonyPresence,
      wire: foonySeedWire,
      ...options,
    } as FoonyClientOptions);
  }

  /** Publishes as another client: delivered if this connection is subscribed. */
  publish(channel: string, name: string, data: unknown): void {
    if (this.subscribed.has(channel))
      this.send({ t: 'msg', channel, name, data, timestamp: 1, messageId: `m${++this.messages}` });
  }

  /** Another client enters presence on `channel`. */
  otherEnters(channel: string, data: unknown): void {
    this.membersOf(channel).set('other', data);
    if (this.subscribed.has(channel)) this.send(presEvt(channel, 'enter', 'other', data));
  }

  /** Frames of type `t` for `channel`, in order. */
  framesOf(channel: string, t?: string): Frame[] {
    return this.received.filter((f) => f.channel === channel && (t === undefined || f.t === t));
  }

  /** This connection's presence data on `channel` (undefined when not present). */
  ownPresence(channel: string): { data: unknown } | undefined {
    const members = this.members.get(channel);
    return members?.has(this.connectionId) ? { data: members.get(this.connectionId) } : undefined;
  }

  drop(): void {
    this.peer?.drop();
  }

  private membersOf(channel: string): Map<string, unknown> {
    let members = this.members.get(channel);
    if (!members) this.members.set(channel, (members = new Map()));
    return members;
  }

  private send(frame: object): void {
    this.peer?.send(JSON.stringify(frame));
  }

  private handle(peer: MemoryPeer, frame: Frame): void {
    if (peer !== this.peer) return;
    this.received.push(frame);
    const { id, channel } = frame;
    if (frame.t === 'pub' || frame.t === 'pres' || frame.t === 'unsub') {
      if (this.writeAnswer === 'none') return;
      if (typeof this.writeAnswer === 'number')
        return this.send({ t: 'err', id, code: this.writeAnswer, message: `refused ${frame.t}` });
    }
    switch (frame.t) {
      case 'auth':
        return this.send({ t: 'connected', connectionId: this.connectionId, keepAliveMs: 0, clientId: 'me' });
      case 'sub': {
        const code = this.failSubs.get(channel!)?.shift();
        if (code !== undefined) return this.send({ t: 'err', id, code, message: `cannot subscribe to ${channel}` });
        for (const [member, data] of this.membersOf(channel!)) this.send(presEvt(channel!, 'enter', member, data));
        this.subscribed.add(channel!);
        return this.send({ t: 'ack', id });
      }
      case 'unsub':
        this.subscribed.delete(channel!);
        return this.send({ t: 'ack', id });
      case 'pub':
        this.send({ t: 'ack', id });
        return this.publish(channel!, frame.name!, frame.data);
      case 'pres': {
        const members = this.membersOf(channel!);
        if (frame.action === 'leave') members.delete(this.connectionId);
        else members.set(this.connectionId, frame.data);
        if (this.subscribed.has(channel!)) this.send(presEvt(channel!, frame.action!, this.connectionId, frame.data));
        return this.send({ t: 'ack', id });
      }
      case 'hist':
        return this.send({ t: 'histRes', id, channel, messages: [] });
      default:
        return;
    }
  }
}

function presEvt(channel: string, action: string, connectionId: string, data: unknown): object {
  return {
    t: 'presEvt',
    channel,
    action,
    clientId: connectionId,
    connectionId,
    timestamp: 1,
    ...(data !== undefined ? { data } : {}),
  };
}

/** Lets every queued microtask (memory transport hops, promise chains) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}
