import {
  PolySocketError,
  toPolySocketError,
  type ConnectionState,
  type RequestId,
  type RequestOptions,
} from '@polysocket/core';
import { EcdhSession, type EncryptionOptions } from './encryption';
import { checkEnvelope, encodeJson, type IgnisEnvelope } from './envelope';
import type { AuthPayload, IgnisConnection, IgnisEncryption, IgnisSecureSide } from './options';

/** What the helper itself may still send in plaintext on an encrypted session (a transformer may pass these through). */
const PLAINTEXT_ALLOWED: ReadonlySet<string> = new Set(['encrypted', 'connected', 'error', 'heartbeat']);

/**
 * The optional encryption module: `new IgnisClient({ url, encryption: ignisEncryption() })`. ECDH P-256 +
 * HKDF-SHA-256 + AES-256-GCM on WebCrypto, as the Ignis crypto helper does it; `options` must match the
 * server's scheme. A client without it carries none of this code.
 */
export function ignisEncryption(options: EncryptionOptions = {}): IgnisEncryption {
  return { attach: (connection) => new SecureSession(connection, options) };
}

/**
 * The encrypted side of one Ignis client: the current connection's key, inbound `encrypted` frames decrypted in
 * arrival order and routed like any frame, outbound frames sealed in call order for the current connection
 * (`sealOutbound`), and the downgrade rule.
 */
export class SecureSession implements IgnisSecureSide {
  /** This connection's key once established; cleared at each handshake and when the client ends, so nothing decrypted late is delivered. */
  private cipher: EcdhSession | undefined;
  /** The key pair of the handshake under way. */
  private pending: EcdhSession | undefined;
  /** A decrypted inner frame is being routed (it may be any event, and a reply). */
  private unsealing = false;
  // Made on first use.
  private decryptQueue: Promise<void> | undefined;
  private sealQueue: Promise<unknown> | undefined;

  constructor(
    private readonly connection: IgnisConnection,
    private readonly options: EncryptionOptions,
  ) {}

  reset(): void {
    this.cipher = undefined;
    this.decryptQueue = undefined;
  }

  async begin(payload: AuthPayload): Promise<void> {
    const pending = (this.pending = await EcdhSession.create(this.options));
    payload[this.options.publicKeyField ?? 'publicKey'] = pending.publicKey;
  }

  async established(data: { serverPublicKey?: unknown; salt?: unknown }): Promise<void> {
    const cipher = this.pending;
    if (!cipher || data.serverPublicKey === undefined || data.salt === undefined)
      throw new PolySocketError('INVALID', 'no serverPublicKey/salt in connected: the server does not encrypt');
    await cipher.derive(data.serverPublicKey, data.salt);
    if (cipher === this.pending) this.cipher = cipher;
  }

  isDowngrade(frame: IgnisEnvelope): boolean {
    return this.cipher !== undefined && !this.unsealing && !PLAINTEXT_ALLOWED.has(frame.event);
  }

  take(frame: IgnisEnvelope): boolean {
    if (frame.event === 'encrypted') this.decrypt(frame);
    else if (this.isDowngrade(frame))
      this.connection.report(
        new PolySocketError(
          'PROTOCOL',
          `a plaintext ${JSON.stringify(frame.event.slice(0, 40))} frame arrived on an encrypted session: dropped`,
        ),
      );
    else return false;
    return true;
  }

  /**
   * As the core's send: pre-handled, and every failure is also an `error` event (refused at once, or while it
   * waits to be sealed: closed meanwhile, no key); once handed to `send`, the core reports its own.
   */
  send(text: string): Promise<boolean> {
    const connection = this.connection;
    if (!this.options.sealOutbound) return connection.send(text);
    let handedOver = false;
    const sent = this.sealed(text, (sealed) => {
      handedOver = true;
      return connection.send(sealed);
    }).catch((error: unknown) => {
      if (!handedOver) connection.report(toPolySocketError(error, 'INVALID', 'could not seal the frame'));
      throw error;
    });
    sent.catch(() => undefined);
    return sent;
  }

  request(build: (id: RequestId) => string, options: RequestOptions): Promise<IgnisEnvelope> {
    const connection = this.connection;
    if (!this.options.sealOutbound) return connection.request(build, options);
    const id = connection.nextRequestId();
    return this.sealed(build(id), (sealed) => connection.request(() => sealed, { ...options, id }));
  }

  /** Decrypts in arrival order (WebCrypto is async; a queue keeps the order), then routes the inner frame. */
  private decrypt(frame: IgnisEnvelope): void {
    const cipher = this.cipher;
    if (!cipher) {
      this.connection.report(new PolySocketError('PROTOCOL', 'an encrypted frame arrived before a key exists'));
      return;
    }
    this.decryptQueue = (this.decryptQueue ?? Promise.resolve()).then(async () => {
      let inner: IgnisEnvelope;
      try {
        inner = checkEnvelope(JSON.parse(await cipher.open(frame.data)));
      } catch (error) {
        if (cipher === this.cipher)
          this.connection.report(toPolySocketError(error, 'PROTOCOL', 'an encrypted frame held no envelope'));
        return;
      }
      if (cipher !== this.cipher) return; // the connection it belonged to is gone
      if (inner.event === 'encrypted') {
        this.connection.report(new PolySocketError('PROTOCOL', 'an encrypted frame held another encrypted frame'));
        return;
      }
      this.unsealing = true;
      try {
        this.connection.dispatch(inner);
      } finally {
        this.unsealing = false;
      }
    });
  }

  /**
   * Seals `text` with the current connection's key and hands it to `write`, in call order, once
   * connected. A frame sealed for one connection is never written on another: if the link changed
   * while sealing, it is sealed again for the new one. The queue waits for the seal, not for `write`'s
   * outcome (a request's reply).
   */
  private sealed<T>(text: string, write: (sealed: string) => Promise<T>): Promise<T> {
    const refused = this.connection.cannotSend();
    if (refused) return Promise.reject(refused);
    const seal = async (): Promise<{ outcome: Promise<T> }> => {
      for (;;) {
        await this.untilConnected();
        const cipher = this.cipher;
        if (!cipher) throw new PolySocketError('INVALID', 'sealOutbound needs a server that encrypts');
        const sealed = encodeJson({ event: 'encrypted', data: await cipher.seal(text) });
        if (this.cipher === cipher && this.connection.isConnected) return { outcome: write(sealed) };
      }
    };
    const step = (this.sealQueue ?? Promise.resolve()).then(seal, seal);
    this.sealQueue = step.catch(() => undefined);
    return step.then((box) => box.outcome);
  }

  /** Resolves once connected; rejects (INVALID/CLOSED, see `cannotSend`) if the client is or becomes idle, closed or failed. */
  private untilConnected(): Promise<void> {
    if (this.connection.isConnected) return Promise.resolve();
    const refused = this.connection.cannotSend();
    if (refused) return Promise.reject(refused);
    return new Promise<void>((resolve, reject) => {
      const onState = (state: ConnectionState): void => {
        const stop = state === 'connected' ? undefined : this.connection.cannotSend();
        if (state !== 'connected' && !stop) return;
        this.connection.off('state', onState);
        if (stop) reject(stop);
        else resolve();
      };
      this.connection.on('state', onState);
    });
  }
}
