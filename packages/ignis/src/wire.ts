import {
  Connection,
  LazySet,
  PolySocketError,
  fetchCredentials,
  urlSecrets,
  tuningWebSocket,
  type CloseDecision,
  type CloseInfo,
  type ConnectionState,
  type HandshakeContext,
  type HandshakeResult,
  type Protocol,
  type RequestId,
  type RestoreContext,
  type TransportData,
  missingModule,
} from '@polysocket/core';
import { AppListeners } from './app-listeners';
import { decodeEnvelope, encodeJson, HEARTBEAT_FRAME, type IgnisEnvelope } from './envelope';
import { authFailed, classifyIgnisClose, encryptionRequired, errorFromMessage } from './errors';
import type { AuthPayload, IgnisClientOptions, IgnisConnection, IgnisSecureSide, IgnisSession } from './options';
import { sendRooms, validateRooms } from './rooms';
import { registerSecrets } from './secrets';

type Result = HandshakeResult<string, IgnisEnvelope, IgnisSession>;

/** What `connected` carries. */
interface ConnectedData {
  id?: unknown;
  userId?: unknown;
  time?: unknown;
  serverPublicKey?: unknown;
  salt?: unknown;
}

/** Shared by every session (no closure per session). */
const heartbeatFrame = (): string => HEARTBEAT_FRAME;
const isObject = (value: unknown): boolean => value !== null && typeof value === 'object';

/**
 * One Ignis client's side of the protocol: authenticate and the session, routing of inbound frames, the
 * close-code policy, and what is restored after a reconnect (rooms). It owns the client's connection, rooms and
 * app listeners; `IgnisClient` is the app's API over it.
 */
export class IgnisWire implements Protocol<string, IgnisEnvelope, IgnisSession> {
  readonly connection: IgnisConnection;
  /** The rooms the app asked for; re-joined after every reconnect (the server never confirms them). */
  readonly rooms = new LazySet<string>();
  readonly listeners: AppListeners;
  /** Request ids go out as `<tag>:<n>`, so another client's echoed id never matches one of ours. */
  readonly idTag = `${Math.random().toString(36).slice(2, 8)}:`;
  /** The encrypted side, only with the encryption module. */
  readonly secure: IgnisSecureSide | undefined;
  private lastErrorMessage: string | undefined;
  private authFailures = 0;
  /** App frames that arrived before `connected` (rare), delivered once connected. */
  private earlyFrames: IgnisEnvelope[] | undefined;

  constructor(readonly options: IgnisClientOptions) {
    const { url, encryption } = options;
    if (typeof url !== 'string' || !url)
      throw new PolySocketError('INVALID', "IgnisClient needs a url: e.g. { url: 'wss://host/ws' }");
    if (options.auth && options.authProvider)
      throw new PolySocketError('INVALID', 'pass auth or authProvider, not both');
    if (encryption && typeof encryption.attach !== 'function')
      throw missingModule('encryption', 'ignisEncryption()', 'ignis');
    for (const room of validateRooms(options.rooms ?? [])) this.rooms.add(room);
    // The transport reads url, WebSocket and secureOnly straight from the app's options (no copy per client).
    const connection = (this.connection = new Connection(
      { protocol: this, transport: options.transport ?? tuningWebSocket },
      options,
    ));
    this.listeners = new AppListeners(connection);
    this.secure = encryption?.attach(connection);
    registerSecrets(connection.logger, options.auth);
    for (const secret of urlSecrets(url)) connection.logger.addSecret(secret);
  }

  get name(): string {
    return 'ignis';
  }

  /** The helper's default `maxPayloadLength`, or the app's `maxPayloadBytes` (the core's `maxMessageSize` wins over both). */
  get maxMessageSize(): number {
    return this.options.maxPayloadBytes ?? 131_072;
  }

  encode(text: string): string {
    return text;
  }

  decode(data: TransportData, emit: (frame: IgnisEnvelope) => void): void {
    emit(decodeEnvelope(data));
  }

  async handshake(context: HandshakeContext<string, IgnisEnvelope>): Promise<Result> {
    const { secure, options } = this;
    secure?.reset();
    this.lastErrorMessage = this.earlyFrames = undefined;
    const payload: AuthPayload = { ...(await this.authPayload(context)) };
    await secure?.begin(payload);
    context.send(encodeJson({ event: 'authenticate', data: payload }));
    for (;;) {
      const frame = await context.receive();
      if (frame.event === 'error') throw this.handshakeError(frame);
      if (frame.event === 'encrypted')
        throw new PolySocketError('INVALID', 'the server encrypts `connected`: it must send it in plaintext');
      if (frame.event !== 'connected') {
        (this.earlyFrames ??= []).push(frame); // an app frame before `connected` (rare): delivered once connected
        continue;
      }
      const data = (frame.data ?? {}) as ConnectedData;
      if (typeof data.id !== 'string')
        throw new PolySocketError('PROTOCOL', 'connected without a client id', { retryable: true });
      await secure?.established(data);
      this.authFailures = 0;
      const serverTime = typeof data.time === 'string' ? data.time : new Date().toISOString();
      const info: IgnisSession = {
        clientId: data.id,
        serverTime,
        clockSkewMs: Date.parse(serverTime) - Date.now() || 0,
        encrypted: secure !== undefined,
      };
      if (typeof data.userId === 'string') info.userId = data.userId;
      const interval = options.heartbeatIntervalMs ?? 30_000;
      return {
        info,
        heartbeat:
          interval > 0
            ? {
                intervalMs: interval,
                ping: heartbeatFrame,
                transportPing: true,
                probeTimeoutMs: options.deadServerTimeoutMs ?? 10_000,
              }
            : undefined,
      };
    }
  }

  replyTo(frame: IgnisEnvelope): RequestId | undefined {
    if (this.secure?.isDowngrade(frame)) return undefined; // reported by onFrame
    const { replyId } = this.options;
    let id: string | number | undefined;
    try {
      id = replyId ? replyId(frame) : frame.id;
    } catch {
      return undefined;
    }
    if (typeof id === 'number') return id;
    if (typeof id !== 'string' || !id.startsWith(this.idTag)) return undefined;
    const n = Number(id.slice(this.idTag.length));
    return Number.isInteger(n) ? n : undefined;
  }

  classifyClose(info: CloseInfo): CloseDecision {
    return classifyIgnisClose(info, this.lastErrorMessage, this.canReauth());
  }

  restore(context: RestoreContext<string, IgnisEnvelope>): void {
    if (this.rooms.size > 0) sendRooms('join', [...this.rooms], (text) => context.send(text));
    const early = this.earlyFrames;
    this.earlyFrames = undefined;
    if (early) for (const frame of early) this.listeners.deliver(frame);
  }

  onFrame(frame: IgnisEnvelope): void {
    if (this.secure?.take(frame)) return;
    switch (frame.event) {
      case 'encrypted':
        this.connection.report(
          new PolySocketError('PROTOCOL', 'an encrypted frame arrived: encryption is not enabled'),
        );
        return;
      case 'error':
        this.connection.report(this.serverError(frame));
        return;
      case 'connected':
      case 'heartbeat':
        return; // only one `connected` per connection; the server never sends a heartbeat
      default:
        this.listeners.deliver(frame);
    }
  }

  onState(state: ConnectionState): void {
    if (state === 'closed' || state === 'failed') this.secure?.reset();
  }

  /** The error of an `error` frame, remembered for the close that follows it. */
  private serverError(frame: IgnisEnvelope): PolySocketError {
    const error = errorFromMessage((frame.data as { message?: unknown } | undefined)?.message);
    this.lastErrorMessage = error.message;
    return error;
  }

  /**
   * `Authentication failed` is final with static credentials; with a provider it asks once for new ones.
   * `Encryption handshake failed` to a client without the encryption module says which module it needs.
   */
  private handshakeError(frame: IgnisEnvelope): PolySocketError {
    const error = this.serverError(frame);
    if (error.code === 'INVALID' && !this.secure) return encryptionRequired(error.message, error.message);
    if (error.message !== 'Authentication failed') return error;
    this.authFailures++;
    return this.canReauth()
      ? new PolySocketError('AUTH_EXPIRED', 'Authentication failed: asking authProvider again', { backendCode: 4003 })
      : authFailed();
  }

  private canReauth(): boolean {
    return this.options.authProvider !== undefined && this.authFailures <= 1;
  }

  private async authPayload(context: HandshakeContext<string, IgnisEnvelope>): Promise<AuthPayload> {
    const { auth, authProvider, authTimeoutMs } = this.options;
    if (!authProvider) return auth ?? {};
    const payload = await fetchCredentials('authProvider', () => authProvider({ reauth: context.reauth }), {
      timeoutMs: authTimeoutMs ?? 5000,
      valid: isObject,
      expected: 'an object',
      signal: context.signal,
    });
    registerSecrets(this.connection.logger, payload);
    return payload;
  }
}
