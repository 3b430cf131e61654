import { describeEvent, PolySocketError } from '@polysocket/core';
import { binaryOnly, notJson } from '../errors';
import type { FoonyConnectOptions } from '../client';
import type { ChannelHost, FoonyChannel, PublishOptions } from '../channel';
import type { ChannelFrame } from '../channel-types';
import type { WireStream } from '../wire-module';
import type { MessageFrame } from '../wire';
import type { BatchPart, BinaryMessage } from './frames';
import { BinaryStream } from './wire';

/** A key: 16 bytes (AES-128-GCM) or 32 (AES-256-GCM), as bytes or as their standard base64. */
export type FoonyCipherKey = Uint8Array | string;

export interface FoonyCipherOptions {
  /**
   * The key of every channel, or a chooser: a channel's key, or `undefined` for a channel left in plaintext
   * (asked once per channel, when the app first gets it).
   */
  key: FoonyCipherKey | ((channel: string) => FoonyCipherKey | undefined);
}

/**
 * An optional module: end-to-end encryption of message data on the binary wire, for the client's `cipher` option.
 * Made by `foonyCipher`; the client calls it once with its options (it checks the wire) and then asks the result
 * once per channel. Its members are internal.
 */
export type CipherModule = (client: Pick<FoonyConnectOptions, 'wire'>) => ChannelCiphers;

/**
 * @internal A client's ciphers: a channel's, or undefined for a channel left in plaintext; `stream` makes the binary
 * wire's stream of a channel it encrypts.
 */
export type ChannelCiphers = ((channel: FoonyChannel) => StreamCipher | undefined) & {
  stream(channel: FoonyChannel, host: ChannelHost): WireStream | undefined;
};

/** @internal A publish's fields the cipher replaces. */
export interface Sealable {
  readonly data: unknown;
  readonly encoding?: string;
}

/** The encoding of what the official client's `Cipher` writes and reads: `cipher+aes-<bits>-gcm/base64`. */
const TOKEN = /^cipher\+aes-(128|256)-gcm$/;
const IV_BYTES = 12;

/** Whether `encoding` says the data is ciphered (a `cipher+aes-…-gcm` step anywhere in it). */
export const isCipherEncoding = (encoding: unknown): boolean =>
  typeof encoding === 'string' && encoding.split('/').some((step) => TOKEN.test(step));

function webCrypto(): Crypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (!crypto?.subtle)
    throw new PolySocketError('INVALID', 'foonyCipher needs WebCrypto: a secure context, or Node 20+');
  return crypto;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The key's bytes; a wrong type or length is INVALID (the message never shows the key). */
function keyBytes(key: unknown): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (key instanceof Uint8Array) bytes = new Uint8Array(key);
  else if (typeof key === 'string') {
    try {
      bytes = fromBase64(key);
    } catch {
      // named below
    }
  }
  if (bytes?.length !== 16 && bytes?.length !== 32)
    throw new PolySocketError(
      'INVALID',
      'foonyCipher needs a key of 16 or 32 bytes (AES-128/256-GCM): a Uint8Array or its base64',
    );
  return bytes;
}

/**
 * One key: AES-GCM with a fresh 12-byte IV per message, `data` = base64(IV ‖ ciphertext ‖ tag) of the JSON of the
 * value, as the official client's `Cipher` does. The raw key is imported once (not extractable) and not kept.
 */
export class AesGcm {
  private readonly key: Promise<CryptoKey>;
  readonly encoding: string;

  constructor(key: unknown) {
    const bytes = keyBytes(key);
    this.encoding = `cipher+aes-${bytes.length * 8}-gcm/base64`;
    this.key = webCrypto().subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
    this.key.catch(() => undefined);
  }

  /** The `data` and `encoding` of a value (undefined is sent as null). Rejects INVALID for a value JSON cannot hold. */
  async seal(value: unknown, what = 'encrypted publish'): Promise<Sealable> {
    let json: string;
    try {
      // A function or a symbol is no JSON value: null, as a plain publish sends it.
      json = JSON.stringify(value ?? null) ?? 'null';
    } catch (error) {
      throw notJson(error, what);
    }
    const crypto = webCrypto();
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await this.key, new TextEncoder().encode(json)),
    );
    const blob = new Uint8Array(IV_BYTES + sealed.length);
    blob.set(iv);
    blob.set(sealed, IV_BYTES);
    return { data: toBase64(blob), encoding: this.encoding };
  }

  /** The value of ciphered `data` (rejects on a wrong key, tampering, an encoding it does not read). */
  async open(encoding: string, data: unknown): Promise<unknown> {
    const steps = encoding.split('/');
    if (steps.length !== 2 || !TOKEN.test(steps[0] as string) || steps[1] !== 'base64')
      throw new Error(`unsupported encoding ${encoding}`);
    if (steps[0] !== this.encoding.split('/')[0]) throw new Error(`the key is not for ${steps[0]}`);
    if (typeof data !== 'string') throw new Error('ciphered data is not a string');
    const blob = fromBase64(data);
    const plain = await webCrypto().subtle.decrypt(
      { name: 'AES-GCM', iv: blob.subarray(0, IV_BYTES) },
      await this.key,
      blob.subarray(IV_BYTES),
    );
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  }
}

/** A part (or a message) with its data opened; a part that is not ciphered as it is. */
async function openPart<P extends Sealable>(cipher: AesGcm, part: P): Promise<P> {
  if (!isCipherEncoding(part.encoding)) return part;
  const { encoding, ...rest } = part;
  return { ...rest, data: await cipher.open(encoding as string, part.data) } as P;
}

/**
 * @internal One channel's encryption on the binary wire: publishes sealed in call order, and deliveries (with the
 * channel's other events) in order through one chain, each message opened before its listeners see it.
 */
export class StreamCipher {
  private sealing: Promise<unknown> = Promise.resolve();
  private delivering: Promise<unknown> = Promise.resolve();
  /** Bumped when the channel is left: what was queued before is not delivered. */
  private generation = 0;

  constructor(
    private readonly cipher: AesGcm,
    private readonly channel: FoonyChannel,
  ) {}

  /** The publish frame with its data sealed; frames come out in the order they went in. */
  seal<F extends Sealable>(frame: F, what?: string): Promise<F> {
    const sealed = this.sealing.then(() => this.cipher.seal(frame.data, what));
    this.sealing = sealed.catch(() => undefined);
    return sealed.then((fields) => ({ ...frame, ...fields }));
  }

  /**
   * Runs `then` with the message opened, after everything queued before it. A part that cannot be opened is an
   * `error` event (PROTOCOL, the cause attached) and is left out: `then` gets `undefined` in its place.
   */
  open<M extends Sealable & { readonly messages?: readonly BatchPart[] }>(
    item: M,
    then: (parts: readonly (M | BatchPart | undefined)[]) => void,
    what = describe(item as unknown as BinaryMessage),
  ): void {
    // Opened at once (WebCrypto may work in parallel), handed on in order.
    const failures: unknown[] = [];
    const opened = Promise.all(
      (item.messages ?? [item]).map((part) =>
        openPart(this.cipher, part).catch((error: unknown) => void failures.push(error)),
      ),
    );
    this.queue(opened, (parts) => {
      for (const error of failures) this.failed(what, error);
      then(parts);
    });
  }

  /** Runs `step` after every delivery queued before it (unless the channel is left meanwhile). */
  after(step: () => void): void {
    this.queue(undefined, step);
  }

  /** Presence: `step` in the channel's order, with the event's data opened (none: a step of the presence sync). */
  event<F extends { readonly data?: unknown; readonly encoding?: string; readonly clientId: string }>(
    step: (frame: F) => void,
    frame?: F,
  ): void {
    if (frame)
      this.open(frame as F & Sealable, ([opened]) => opened && step(opened as F), `presence data of ${frame.clientId}`);
    else this.after(step as () => void);
  }

  /**
   * Presence: sends this client's data sealed, once per entry (a re-entry resends the same ciphertext). A re-entry
   * (`now`: a restore writes it at once) of data still being sealed sends nothing: that `enter` goes out once
   * sealed, through the outbox.
   */
  present(
    entry: { readonly data: unknown; sealed?: Sealable },
    send: (fields: Sealable) => Promise<unknown>,
    now: boolean,
  ): Promise<unknown> {
    const { data, sealed } = entry;
    if (data === undefined || sealed) return send(sealed ?? entry);
    if (now) return Promise.resolve();
    return this.seal({ data }, 'encrypted presence').then((fields) => send((entry.sealed = fields)));
  }

  /** Runs `step` with what `ready` resolves to, in queue order; not if the channel was left since it was queued. */
  private queue<T>(ready: T | Promise<T>, step: (value: T) => void): void {
    const generation = this.generation;
    this.delivering = this.delivering
      .then(() => ready)
      .then((value) => generation === this.generation && step(value))
      .catch(() => undefined);
  }

  /** A history page with each message's data opened (one that cannot be opened stays as it came). */
  page(messages: readonly BinaryMessage[]): Promise<BinaryMessage[]> {
    return Promise.all(
      messages.map(async (message) => {
        try {
          return message.messages
            ? { ...message, messages: await Promise.all(message.messages.map((part) => openPart(this.cipher, part))) }
            : await openPart(this.cipher, message);
        } catch (error) {
          this.failed(describe(message), error);
          return message;
        }
      }),
    );
  }

  /** The channel was left. */
  reset(): void {
    this.generation++;
  }

  private failed(what: string, cause: unknown): void {
    this.channel.emit(
      'error',
      new PolySocketError(
        'PROTOCOL',
        `could not decrypt ${what} on ${describeEvent(this.channel.name)}: ${(cause as Error)?.message ?? String(cause)}`,
        { cause },
      ),
    );
  }
}

/** How an error names a message: `message <id> (serial <seq>)`. */
const describe = (message: BinaryMessage): string =>
  `message ${message.messageId}${message.seq === undefined ? '' : ` (serial ${message.seq})`}`;

/**
 * End-to-end encryption of message data on the binary wire, readable by the official client's `Cipher` with the
 * same key: `new FoonyClient({ url, token, cipher: foonyCipher({ key }) })`. Throws INVALID
 * for a key that is not 16 or 32 bytes, or without WebCrypto.
 */
export function foonyCipher(options: FoonyCipherOptions): CipherModule {
  const { key } = options;
  const fixed = typeof key === 'function' ? undefined : new AesGcm(key);
  // A channel's messages and its presence share one chain: their events keep their arrival order.
  return (client) => {
    // The seed's JSON wire has no `encoding`: encryption exists on the binary wire only.
    if (client.wire?.binary === false) throw binaryOnly('cipher');
    // A channel's messages and its presence share one chain: their events keep their arrival order.
    const made = new WeakMap<FoonyChannel, StreamCipher | undefined>();
    const ciphers = ((channel: FoonyChannel) => {
      if (!made.has(channel)) {
        const chosen = fixed ? undefined : (key as (channel: string) => FoonyCipherKey | undefined)(channel.name);
        const cipher = fixed ?? (chosen === undefined ? undefined : new AesGcm(chosen));
        made.set(channel, cipher && new StreamCipher(cipher, channel));
      }
      return made.get(channel);
    }) as ChannelCiphers;
    ciphers.stream = (channel, host) => {
      const cipher = ciphers(channel);
      return cipher && new CipherStream(channel, host, cipher);
    };
    return ciphers;
  };
}

/**
 * A channel's binary stream with its cipher: publishes sealed, deliveries (and `discontinuity` events, in their
 * order) through its chain, each message opened before its listeners see it, history pages opened.
 */
class CipherStream extends BinaryStream {
  constructor(
    channel: FoonyChannel,
    host: ChannelHost,
    private readonly cipher: StreamCipher,
  ) {
    super(channel, host);
  }

  override send(pub: ChannelFrame & Sealable, options: PublishOptions): Promise<unknown> {
    // A batch: each message's data sealed (in order, on the channel's one chain).
    const parts = pub.messages as readonly BatchPart[] | undefined;
    const sealed = parts
      ? Promise.all(parts.map((part) => this.cipher.seal(part, 'encrypted publishBatch'))).then((messages) => ({
          ...pub,
          messages,
        }))
      : this.cipher.seal(pub);
    return sealed.then((frame) => super.send(frame, options));
  }

  override async page(messages: readonly MessageFrame[]): Promise<readonly MessageFrame[]> {
    return super.page(await this.cipher.page(messages as readonly BinaryMessage[]));
  }

  override forget(): void {
    super.forget();
    this.cipher.reset();
  }

  protected override deliver(message: BinaryMessage): void {
    this.cipher.open(message, (parts) => super.deliver(message, parts));
  }

  protected override lost(after: number, before?: number): void {
    this.cipher.after(() => super.lost(after, before));
  }
}
