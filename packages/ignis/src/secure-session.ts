import { PolySocketError, toPolySocketError, type Connection, type ConnectionState } from '@polysocket/core';
import type { IgnisSession } from './options';
import type { EcdhSession, EncryptionOptions } from './encryption';
import { checkEnvelope, encodeJson, type IgnisEnvelope } from './envelope';

/** What the helper itself may still send in plaintext on an encrypted session (a transformer may pass these through). */
const PLAINTEXT_ALLOWED: ReadonlySet<string> = new Set(['encrypted', 'connected', 'error', 'heartbeat']);

/**
 * The encrypted side of one Ignis client (made only when encryption is on): the current connection's key,
 * inbound `encrypted` frames decrypted in arrival order and routed like any frame, outbound frames sealed in
 * call order for the current connection, and the downgrade rule.
 */
export class SecureSession {
  /** This connection's key once established; cleared at each handshake and when the client ends, so nothing decrypted late is delivered. */
  private cipher: EcdhSession | undefined;
  /** A decrypted inner frame is being routed (it may be any event, and a reply). */
  private unsealing = false;
  // Made on first use.
  private decryptQueue: Promise<void> | undefined;
  private sealQueue: Promise<unknown> | undefined;

  constructor(
    private readonly connection: Connection<string, IgnisEnvelope, IgnisSession>,
    readonly options: EncryptionOptions,
  ) {}

  /** A handshake starts, or the client ended: the old key is gone. */
  reset(): void {
    this.cipher = undefined;
    this.decryptQueue = undefined;
  }

  /** The handshake derived this connection's key. */
  use(cipher: EcdhSession): void {
    this.cipher = cipher;
  }

  /** An app frame that came in plaintext (not out of an `encrypted` one) once this session is encrypted. */
  isDowngrade(frame: IgnisEnvelope): boolean {
    return this.cipher !== undefined && !this.unsealing && !PLAINTEXT_ALLOWED.has(frame.event);
  }

  /** Decrypts in arrival order (WebCrypto is async; a queue keeps the order), then routes the inner frame. */
  decrypt(frame: IgnisEnvelope): void {
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
          this.connection.report(
            toPolySocketError(error, 'PROTOCOL', 'an encrypted frame did not contain an envelope'),
          );
        return;
      }
      if (cipher !== this.cipher) return; // the connection it belonged to is gone
      if (inner.event === 'encrypted') {
        this.connection.report(new PolySocketError('PROTOCOL', 'an encrypted frame contained another encrypted frame'));
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
  sealed<T>(text: string, write: (sealed: string) => Promise<T>): Promise<T> {
    const refused = this.connection.cannotSend();
    if (refused) return Promise.reject(refused);
    const seal = async (): Promise<{ outcome: Promise<T> }> => {
      for (;;) {
        await this.untilConnected();
        const cipher = this.cipher;
        if (!cipher)
          throw new PolySocketError(
            'INVALID',
            'sealOutbound needs an encrypted session (encryption on, and a server that runs the handshake)',
          );
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
