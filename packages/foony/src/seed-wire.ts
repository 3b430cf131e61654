import type { ChannelHost, FoonyChannel, PublishOptions, Request } from './channel';
import { decodeFrame, encodeFrame } from './codec';
import { binaryOnly } from './errors';
import { wrongWire, type FoonyWire, type PublishFrame, type WireStream } from './wire-module';
import type { ClientFrame, MessageFrame, ServerFrame } from './wire';

/**
 * One channel on the seed wire: the resume cursor is the last messageId delivered, messages are delivered once
 * per messageId, and a publish has no client id (resending it may store it twice: only with `resendSafe` or
 * `publishResend`).
 */
class SeedStream implements WireStream {
  readonly pager = 'start';

  constructor(
    private readonly channel: FoonyChannel,
    private readonly host: ChannelHost,
  ) {}

  subscribe(request: Request | undefined): Promise<unknown> {
    // `sub` delivers presence too on this wire.
    return this.channel.channelRequest(
      { t: 'sub', lastMessageId: this.host.cursors.get(this.channel.name) },
      {},
      request,
    );
  }

  /** Once per messageId (the last 8192 of the channel): the cursor moves to it. */
  message(frame: MessageFrame): void {
    const channel = this.channel;
    if (channel.wanted && this.host.cursors.accept(channel.name, frame.messageId)) channel.deliverMessage(frame);
  }

  publish(frame: PublishFrame, options: PublishOptions): Promise<unknown> {
    // The seed's `pub` has no batch.
    if (frame.messages) return Promise.reject(binaryOnly('publishBatch'));
    return this.channel.channelRequest(
      { ...frame },
      {
        ...options,
        resendSafe: options.resendSafe ?? this.host.options.publishResend,
      },
    );
  }

  page(messages: readonly MessageFrame[]): readonly MessageFrame[] {
    return messages;
  }

  forget(): void {
    // The cursor (in the client's store) is all this wire keeps per channel.
  }
}

/**
 * The seed's JSON frame wire (`@foony/realtime` 0.0.1): one JSON object per WebSocket text message. For a server
 * that speaks it (the Foony service itself speaks only binary records since 0.13, the client's default):
 * `new FoonyClient({ url, token, wire: foonySeedWire })`.
 */
export const foonySeedWire: FoonyWire = {
  // The seed's auth has no resumeConnectionId.
  encode: (frame: ClientFrame) =>
    encodeFrame(frame.t === 'auth' ? ({ ...frame, resumeConnectionId: undefined } as ClientFrame) : frame),
  decode(data, emit) {
    let frame: ServerFrame;
    try {
      frame = decodeFrame(data);
    } catch (error) {
      // Binary records, not JSON text: a server of the current wire.
      if (typeof data !== 'string')
        return emit(wrongWire('this server speaks binary records (the current Foony wire): drop wire: foonySeedWire'));
      throw error;
    }
    emit(frame);
  },
  binary: false,
  stream: (channel, host) => new SeedStream(channel, host),
};
