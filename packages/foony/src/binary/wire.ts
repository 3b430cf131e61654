import { PolySocketError, RecentIds } from '@polysocket/core';
import { linkEnded, type ChannelHost, type FoonyChannel, type PublishOptions, type Request } from '../channel';
import type { ChannelFrame } from '../channel-types';
import { wrongWire, type FoonyWire, type PublishFrame, type WireStream } from '../wire-module';
import type { MessageFrame } from '../wire';
import { decodeBinary, encodeBinary } from './codec';
import type {
  BatchPart,
  BinaryAck,
  BinaryClientFrame,
  BinaryFetchResult,
  BinaryMessage,
  BinaryServerFrame,
} from './frames';
import { SerialOrder } from './serial-order';

/** A publish's message id: unique per client and publish, the same on every resend of it. */
let published = 0;
const messageId = (): string =>
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}-${(++published).toString(36)}`;

/**
 * One channel on the binary wire: messages in serial order (a gap is fetched and filled before what follows it),
 * the serial as the resume cursor, a client batch delivered as its messages in order, `resumed: false` and
 * unfillable gaps told as `discontinuity` events. The `cipher` module extends it for a channel it encrypts.
 */
export class BinaryStream extends SerialOrder<BinaryMessage> implements WireStream {
  readonly pager = 'before';
  /** Unsequenced messages (no serial: the order cannot tell a repeat) delivered lately, by publisher and id. */
  private unsequenced: RecentIds | undefined;
  /** The stored cursor is another wire's (a messageId): this wire cannot resume from it, and says so once. */
  private foreign: boolean;

  constructor(
    protected readonly channel: FoonyChannel,
    host: ChannelHost,
  ) {
    // The persisted cursor, where it is a serial (a seed-wire cursor is a messageId: no resume from it).
    const stored = host.cursors.get(channel.name);
    const serial = Number(stored);
    const resumable = Number.isSafeInteger(serial) && serial > 0;
    super(resumable ? serial : 0);
    this.foreign = !resumable && stored !== undefined;
  }

  async subscribe(request: Request | undefined, presence: boolean): Promise<unknown> {
    const channel = this.channel;
    const generation = this.generation;
    const lastSerial = this.serial || undefined;
    const sub = channel.channelRequest<BinaryAck>({ t: 'sub', lastSerial }, {}, request);
    const watched = presence && channel.channelRequest({ t: 'presSub' }, {}, request);
    // Nobody awaits it when the sub fails first (a close, a drop): handled here too.
    if (watched) watched.catch(() => undefined);
    const ack = await sub;
    // Left meanwhile (unsubscribed, from a listener too): this subscribe's answer is nobody's any more.
    if (generation !== this.generation) return watched;
    if (lastSerial !== undefined && ack.resumed === false) {
      // Past the service's retention: what came after the cursor is gone (told first, up to what is held); the
      // held messages go on, and the next message starts a new run.
      this.reset(lastSerial);
    } else if (this.foreign) {
      this.foreign = false;
      this.lost(0);
    }
    // A replay that did not reach what is held: ask for the rest.
    this.refill();
    return watched;
  }

  message(frame: MessageFrame): void {
    this.accept(frame as BinaryMessage);
  }

  /**
   * A client message id: a resend is stored once, so resending is safe by default. Not an ephemeral one: it is not
   * stored, so nothing would know the resend for one (and live-only means best effort).
   */
  publish(frame: PublishFrame, options: PublishOptions): Promise<unknown> {
    return this.send({ ...frame, messageId: messageId(), ephemeral: options.ephemeral }, options);
  }

  /** @internal Sends a publish with its fields (the cipher's subclass seals it first). */
  send(pub: ChannelFrame, options: PublishOptions): Promise<unknown> {
    return this.channel.channelRequest(pub, { ...options, resendSafe: options.resendSafe ?? !options.ephemeral });
  }

  /** A history page: a batch as its messages (with the ids live delivery gives them). */
  page(messages: readonly MessageFrame[]): readonly MessageFrame[] | Promise<readonly MessageFrame[]> {
    return (messages as readonly BinaryMessage[]).flatMap((message) =>
      message.messages ? (partsOf(message, message.messages) as MessageFrame[]) : message,
    );
  }

  forget(): void {
    // What is held or being fetched for the left channel goes nowhere, even to a channel subscribed again at once.
    this.abandon();
    this.foreign = false;
  }

  /**
   * A message to the listeners; `opened`: its data (each part's, for a batch) as the cipher opened it, `undefined`
   * for what it could not open (reported, left out).
   */
  protected deliver(message: BinaryMessage, opened?: readonly (BatchPart | undefined)[]): void {
    const { messages, seq } = message;
    // The cursor moves to a sequenced message's serial with its last part; an unsequenced one leaves it.
    const cursor = seq && !message.ephemeral ? seq : undefined;
    // A sequenced message needs no de-duplication by id: the order has dropped every serial delivered already. An
    // unsequenced one (ephemeral, or a service that numbers nothing) is told apart by publisher and id.
    if (!cursor && !(this.unsequenced ??= new RecentIds(1024)).accept(`${message.clientId}\0${message.messageId}`))
      return;
    if (!messages) {
      const single = opened ? opened[0] : message;
      if (single) this.channel.deliverMessage(single as MessageFrame, cursor);
      return;
    }
    // A client batch: its messages in order; the cursor moves with the last.
    const parts = partsOf(message, opened ?? messages);
    parts.forEach(
      (part, index) => part && this.channel.deliverMessage(part, index === parts.length - 1 ? cursor : undefined),
    );
  }

  protected fetch(fromSerial: number): void {
    const channel = this.channel;
    const generation = this.generation;
    (channel.channelRequest({ t: 'fetch', fromSerial }) as Promise<unknown> as Promise<BinaryFetchResult>).then(
      (result) => {
        if (generation !== this.generation) return; // the channel was left meanwhile
        // An answer of another kind, or about another channel, has not filled the gap.
        if (result.t !== 'fetchRes' || result.channel !== channel.name) {
          channel.emit(
            'error',
            new PolySocketError('PROTOCOL', `fetch on ${channel.name}: got ${result.t} of ${result.channel}`),
          );
          return this.unfilled(true);
        }
        this.filled(
          result.messages.filter((m) => m.channel === channel.name),
          result.resumed,
        );
      },
      (error: PolySocketError) => {
        // A drop: the resume after it replays the gap. Refused or unanswered with the link up: give up on it.
        if (generation === this.generation) this.unfilled(!linkEnded(error));
      },
    );
  }

  /** A `discontinuity` event (`before`: where known). */
  protected lost(after: number, before?: number): void {
    this.channel.emit('discontinuity', before ? { after, before } : { after });
  }
}

/** A client batch's parts as messages of their own (`<batch messageId>:<index>`), live and in history alike. */
function partsOf(batch: BinaryMessage, parts: readonly (BatchPart | undefined)[]): (MessageFrame | undefined)[] {
  const { messages: _parts, ...shared } = batch;
  return parts.map((part, index) => part && { ...shared, ...part, messageId: `${batch.messageId}:${index}` });
}

/**
 * The Foony service's current wire: binary records (the service speaks nothing else since 0.13). The client's
 * default: passing it (`wire: foonyBinaryWire`) is the same as passing nothing.
 */
export const foonyBinaryWire: FoonyWire = {
  encode: (frame) => encodeBinary(frame as unknown as BinaryClientFrame),
  decode: (data, emit) =>
    // Text: a server of the seed's JSON wire (a binary auth answered by a JSON error).
    typeof data === 'string'
      ? emit(wrongWire('this server speaks JSON frames (the seed wire): pass wire: foonySeedWire'))
      : decodeBinary(data, emit as (frame: BinaryServerFrame) => void),
  binary: true,
  stream: (channel, host) => host.cipher?.stream(channel, host) ?? new BinaryStream(channel, host),
};
