import {
  Connection,
  INSPECT,
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
/** The heartbeat of every session with the default timings (no object per client). */
const DEFAULT_HEARTBEAT = { intervalMs: 30_000, ping: heartbeatFrame, transportPing: true, probeTimeoutMs: 10_000 };
const isObject = (value: unknown): boolean => value !== null && typeof value === 'object';

/**
 * One Ignis client's side of the protocol: authenticate and the session, routing of inbound frames, the
 * close-code policy, and what is restored after a reconnect (rooms). It owns the client's connection, rooms and
 * app listeners; `IgnisClient` is the app's API over it.
 */
export class IgnisWire extends AppListeners implements Protocol<string, IgnisEnvelope, IgnisSession> {
  readonly connection: IgnisConnection;
  /** The rooms the app asked for; re-joined after every reconnect (the server never confirms them). Made on first use. */
  rooms: LazySet<string> | undefined;
  /**
   * Request ids go out as `<tag>:<n>` (the tag in base 36), so another client's echoed id never matches one of
   * ours. A number: no string per client.
   */
  readonly tag = (Math.random() * 2 ** 31) >>> 0;
  /** The encrypted side, only with the encryption module. */
  readonly secure: IgnisSecureSide | undefined;
  private lastErrorMessage: string | undefined;
  private authFailures = 0;
  /** App frames that arrived before `connected` (rare), delivered once connected. */
  private earlyFrames: IgnisEnvelope[] | undefined;

  /**
   * The app's options, as given (nothing copied per client). Not enumerable, and `util.inspect` shows a summary:
   * `auth` must not be reachable by `Object.values`, `JSON.stringify`, spreading or inspecting the client.
   */
  declare readonly options: IgnisClientOptions;

  constructor(options: IgnisClientOptions) {
    super();
    Object.defineProperty(this, 'options', { value: options });
    const { url, encryption } = options;
    if (typeof url !== 'string' || !url)
      throw new PolySocketError('INVALID', "IgnisClient needs a url: e.g. { url: 'wss://host/ws' }");
    if (options.auth && options.authProvider)
      throw new PolySocketError('INVALID', 'pass auth or authProvider, not both');
    if (encryption && typeof encryption.attach !== 'function')
      throw missingModule('encryption', 'ignisEncryption()', 'ignis');
    for (const room of validateRooms(options.rooms ?? [])) this.joined().add(room);
    // The transport reads url, WebSocket and secureOnly straight from the app's options (no copy per client).
    const connection = (this.connection = new Connection(
      { protocol: this, transport: options.transport ?? tuningWebSocket },
      options,
    ));
    this.secure = encryption?.attach(connection);
    registerSecrets(connection.logger, options.auth);
    for (const secret of urlSecrets(url)) connection.logger.addSecret(secret);
  }

  /** `util.inspect` in Node: never the options (they hold the credentials). */
  [INSPECT](): string {
    return `IgnisWire { state: '${this.connection.state}' }`;
  }

  /** The rooms, made on first use. */
  joined(): LazySet<string> {
    return (this.rooms ??= new LazySet());
  }

  /** The prefix of this client's request ids. */
  idTag(): string {
    return `${this.tag.toString(36)}:`;
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
      if (typeof data.id !== 'string' || !data.id)
        throw new PolySocketError('PROTOCOL', 'connected without a client id', { retryable: true });
      await secure?.established(data);
      this.authFailures = 0;
      // The server's ISO string; one Date cannot read (or none) is not passed on: the local clock, no skew.
      const at = typeof data.time === 'string' ? Date.parse(data.time) : NaN;
      const serverTime = Number.isFinite(at) ? (data.time as string) : new Date().toISOString();
      const clockSkewMs = at - Date.now() || 0;
      const encrypted = secure !== undefined;
      // One literal or the other: a property added later would cost the session an extra backing store.
      const info: IgnisSession =
        typeof data.userId === 'string'
          ? { clientId: data.id, userId: data.userId, serverTime, clockSkewMs, encrypted }
          : { clientId: data.id, serverTime, clockSkewMs, encrypted };
      const { heartbeatIntervalMs: interval = 30_000, deadServerTimeoutMs: probe = 10_000 } = options;
      return {
        info,
        heartbeat:
          interval <= 0
            ? undefined
            : interval === 30_000 && probe === 10_000
              ? DEFAULT_HEARTBEAT
              : { intervalMs: interval, ping: heartbeatFrame, transportPing: true, probeTimeoutMs: probe },
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
    if (typeof id !== 'string') return undefined;
    const tag = this.idTag();
    if (!id.startsWith(tag)) return undefined;
    const n = Number(id.slice(tag.length));
    return Number.isInteger(n) ? n : undefined;
  }

  classifyClose(info: CloseInfo): CloseDecision {
    return classifyIgnisClose(info, this.lastErrorMessage, this.canReauth());
  }

  restore(context: RestoreContext<string, IgnisEnvelope>): void {
    if (this.rooms?.size) sendRooms('join', [...this.rooms], (text) => context.send(text));
    const early = this.earlyFrames;
    this.earlyFrames = undefined;
    if (early) for (const frame of early) this.deliver(frame);
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
        this.deliver(frame);
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
