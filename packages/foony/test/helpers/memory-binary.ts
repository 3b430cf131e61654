import { MemoryServer, type MemoryPeer, type TransportData } from '@polysocket/core';
import { FoonyClient, type FoonyClientOptions } from '@polysocket/foony';
// The official client's codec writes and reads this stand-in's records: it shares no code with ours.
import {
  decodeClientFrame,
  encodeServerFrame,
  frameBinaryRecord,
} from '../../../../node_modules/@foony/realtime/lib/binary.js';

type Out = Parameters<typeof encodeServerFrame>[0];
type In = ReturnType<typeof decodeClientFrame> & Record<string, unknown>;
interface Stored {
  name: string;
  data: unknown;
  messageId: string;
  seq: number;
  clientId: string;
  encoding?: string;
  messages?: { name: string; data: unknown; encoding?: string }[];
}

/** A Foony service on the binary wire, in memory: serials per channel, publish de-duplication, fetch, history. */
export class MemoryFoonyBinary {
  readonly server = new MemoryServer();
  readonly received: In[] = [];
  /** channel → stored messages (serial = index + 1); `retainFrom`: serials below it are gone. */
  readonly channels = new Map<string, Stored[]>();
  retainFrom = 1;
  /** Serials not delivered live (a slow consumer's loss): the client must fetch them. */
  readonly skipLive = new Set<number>();
  /** Publishes are stored but not acknowledged (a drop before the ack). */
  holdAcks = false;
  /** A broken server: `fetch` is answered with an `ack` instead of a `fetchRes`. */
  fetchAnsweredWithAck = false;
  /** Answers a request its own way: a frame to send instead, or 'none' for no answer at all. */
  override: ((frame: In) => Out | 'none' | undefined) | undefined;
  private peer: MemoryPeer | undefined;
  private connections = 0;
  readonly subscribed = new Set<string>();

  constructor() {
    this.server.onConnection = (peer) => {
      this.peer = peer;
      this.subscribed.clear();
      peer.onMessage = (data) => this.receive(peer, data);
    };
  }

  client(options: Partial<FoonyClientOptions> = {}): FoonyClient {
    return new FoonyClient({
      url: 'ws://memory/foony',
      token: 'secret-token-123',
      transport: this.server.transport,
      browser: { network: null, document: null },
      // The default wire: the binary records.
      ...options,
    } as FoonyClientOptions);
  }

  /** Stores a message as another client's publish and delivers it live unless its serial is skipped. */
  publish(channel: string, name: string, data: unknown, extra: Partial<Stored> = {}): Stored {
    const list = this.list(channel);
    const stored: Stored = {
      name,
      data,
      messageId: `x${list.length + 1}`,
      clientId: 'other',
      ...extra,
      seq: list.length + 1,
    };
    list.push(stored);
    if (this.subscribed.has(channel) && !this.skipLive.has(stored.seq)) this.send(this.frame(channel, stored));
    return stored;
  }

  drop(): void {
    this.peer?.drop();
  }

  /** Several stored messages in ONE transport message (the service coalesces records), delivered live. */
  publishCoalesced(channel: string, values: unknown[]): void {
    const list = this.list(channel);
    const records = values.map((data) => {
      const stored: Stored = {
        name: 'n',
        data,
        messageId: `x${list.length + 1}`,
        clientId: 'other',
        seq: list.length + 1,
      };
      list.push(stored);
      return frameBinaryRecord(encodeServerFrame(this.frame(channel, stored)));
    });
    const message = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
    records.reduce((at, r) => (message.set(r, at), at + r.length), 0);
    this.peer?.send(message);
  }

  framesOf(t: string): In[] {
    return this.received.filter((f) => f.t === t);
  }

  private list(channel: string): Stored[] {
    let list = this.channels.get(channel);
    if (!list) this.channels.set(channel, (list = []));
    return list;
  }

  frame(channel: string, m: Stored): Out {
    return {
      t: 'msg',
      channel,
      name: m.messages ? '' : m.name,
      data: m.messages ? undefined : m.data,
      timestamp: 1700000000000 + m.seq,
      messageId: m.messageId,
      clientId: m.clientId,
      seq: m.seq,
      ...(m.encoding && !m.messages ? { encoding: m.encoding } : {}),
      ...(m.messages ? { messages: m.messages } : {}),
    } as Out;
  }

  send(frame: Out): void {
    this.peer?.send(frameBinaryRecord(encodeServerFrame(frame)));
  }

  private receive(peer: MemoryPeer, data: TransportData): void {
    if (peer !== this.peer || typeof data === 'string') return;
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    // One record per message, after its length prefix.
    let at = 0;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      length += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    const frame = decodeClientFrame(bytes.subarray(at, at + length)) as In;
    this.received.push(frame);
    const answer = this.override?.(frame);
    if (answer === 'none') return;
    if (answer) return this.send(answer);
    const { id, channel } = frame as { id: number; channel: string };
    switch (frame.t) {
      case 'auth':
        return this.send({ t: 'connected', connectionId: `c${++this.connections}`, keepAliveMs: 0, clientId: 'me' });
      case 'sub': {
        const list = this.list(channel);
        const last = (frame as { lastSerial?: number }).lastSerial;
        let resumed: boolean | undefined;
        if (last) {
          resumed = last + 1 >= this.retainFrom;
          if (resumed) for (const m of list.slice(last)) this.send(this.frame(channel, m));
        }
        this.subscribed.add(channel);
        return this.send({ t: 'ack', id, ...(resumed !== undefined ? { resumed } : {}) });
      }
      case 'presSub':
      case 'presUnsub':
      case 'pres':
        return this.send({ t: 'ack', id });
      case 'unsub':
        this.subscribed.delete(channel);
        return this.send({ t: 'ack', id });
      case 'pub': {
        const pub = frame as unknown as {
          messageId: string;
          name: string;
          data: unknown;
          encoding?: string;
          messages?: Stored['messages'];
        };
        const list = this.list(channel);
        const again = list.find((m) => m.messageId === pub.messageId);
        const stored =
          again ??
          this.publish(channel, pub.name, pub.data, {
            messageId: pub.messageId,
            clientId: 'me',
            ...(pub.encoding ? { encoding: pub.encoding } : {}),
            ...(pub.messages?.length ? { messages: pub.messages } : {}),
          });
        if (!this.holdAcks) this.send({ t: 'ack', id, seq: stored.seq });
        return;
      }
      case 'fetch': {
        if (this.fetchAnsweredWithAck) return this.send({ t: 'ack', id, resumed: true });
        const from = (frame as { fromSerial: number }).fromSerial;
        const resumed = from + 1 >= this.retainFrom;
        // Past retention (like the service): what it still has after the hole.
        const messages = this.list(channel)
          .slice(Math.max(from, this.retainFrom - 1))
          .map((m) => this.frame(channel, m));
        return this.send({ t: 'fetchRes', id, channel, messages, resumed } as Out);
      }
      case 'hist': {
        const { limit = 100, before } = frame as { limit?: number; before?: number };
        const list = this.list(channel);
        const end = before ? before - 1 : list.length;
        const begin = Math.max(0, end - limit);
        const messages = list.slice(begin, end).map((m) => this.frame(channel, m));
        return this.send({ t: 'histRes', id, channel, messages, ...(begin > 0 ? { more: true } : {}) } as Out);
      }
      case 'ping':
        return this.send({ t: 'pong' });
    }
  }
}
