import { sessionFailure } from './attempt-errors';
import { settleWaiters } from './connect-waiters';
import type { AnyConnection, Connection } from './connection';
import { PolySocketError, toPolySocketError } from './errors';
import { DeadlineTimer } from './deadline-timer';
import { answered, heartbeatDue, startHeartbeat, type HeartbeatPolicy } from './heartbeat';
import { receive, route } from './inbound';
import { notify, setState } from './lifecycle-notices';
import { arm, clearTimer, drop, lose } from './link-loss';
import { configuredLimit, makeRequest, sizeError, writeTo } from './outbound';
import { pageAttempting } from './page-lifecycle';
import type { HandshakeContext, RestoreContext } from './protocol';
import type { RequestId, RequestOptions } from './requests';
import type { CloseInfo, Transport, TransportData, TransportListener } from './transport';

/** The cause of a handshake write that found the link closing: its close event, not the write, says why. */
const LINK_GONE = 'write refused';

/**
 * Everything tied to one attempt's transport, as one object rather than a dozen closures: it receives the
 * transport's events, is the handshake's and the restore's context, and carries the session's heartbeat
 * (`heartbeat.ts`: its state, and this object is its deadline timer). Once it is no longer the connection's
 * `activeLink` it passes nothing on.
 */
export class Attempt<O, I>
  extends DeadlineTimer
  implements TransportListener, HandshakeContext<O, I>, RestoreContext<O, I>
{
  /** @internal Inbound frames the handshake has not read yet; undefined once the handshake is over. */
  inbox: I[] | undefined = [];
  /** @internal A handshake `receive()` waiting for the next frame. */
  waiter: { resolve(frame: I): void; reject(error: PolySocketError): void } | undefined;
  /** @internal The transport's last error (ECONNREFUSED, an HTTP status…). */
  transportError: Error | undefined;
  /** @internal The transport opened. */
  opened?: boolean;
  /** @internal Aborts `signal` if the attempt ends before it is ready; made on first use. */
  aborter: AbortController | undefined;
  // The session's heartbeat (`heartbeat.ts`), once the handshake has said how.
  /** @internal The policy. */
  beat: HeartbeatPolicy<O, I> | undefined;
  /** @internal When something was last heard; kept only for a silence deadline (a clock read per message costs ~85 ns). */
  lastHeard!: number;
  /** @internal Something was heard since the outstanding probe was sent. */
  heardSinceProbe?: boolean;
  /** @internal When the outstanding probe was sent; 0: none. */
  probeSentAt = 0;
  /** @internal When the next periodic probe is due (the deadline timer also serves the period); Infinity: none. */
  probeAt = Infinity;
  /** @internal The link was let go: no deadline is armed or checked. */
  halted?: boolean;
  transport!: Transport;
  // What the handshake is told; none of it changes while the attempt runs.
  readonly attempt: number;
  readonly reconnect: boolean;
  readonly reauth: boolean;

  constructor(/** @internal */ readonly owner: Connection<O, I>) {
    super(heartbeatDue);
    this.attempt = owner.failedAttempts;
    this.reconnect = owner.hadSession;
    this.reauth = owner.reauthNext;
  }

  // TransportListener
  onOpen(): void {
    this.opened = true;
    if (this.owner.activeLink === this) void runSession(this.owner, this);
  }
  onMessage(data: TransportData): void {
    if (this.owner.activeLink === this) receive(this.owner, this, data);
  }
  onClose(info: CloseInfo): void {
    const c = this.owner;
    if (c.activeLink !== this) return;
    const decision = c.protocol.classifyClose?.(info) ?? { action: 'reconnect' };
    // A link that never opened failed for a reason only the transport knows (refused, HTTP status…). So did one
    // whose transport reports open before its first request is answered (Foony's long-poll) and then got an
    // HTTP status to it: transports set `status` only for an answer that says something about the configuration.
    const status = (this.transportError as { status?: unknown } | undefined)?.status;
    const opening = !this.opened || typeof status === 'number';
    lose(c, info, !opening || decision.error || decision.action !== 'reconnect' ? decision : undefined);
  }
  onError(error: Error): void {
    // Told with the attempt's error (and logged with it), not here.
    if (this.owner.activeLink === this) this.transportError = error;
  }
  onPong(): void {
    if (this.owner.activeLink === this) answered(this);
  }

  // HandshakeContext and RestoreContext. `send`, `receive` and `request` are made on access, so an adapter
  // may pass them around detached; the session keeps none of them.
  get send(): (frame: O) => void {
    return (frame) => this.writeFrame(frame);
  }
  get receive(): () => Promise<I> {
    return () =>
      new Promise<I>((resolve, reject) => {
        const inbox = this.inbox;
        if (!inbox) reject(attemptEnded());
        else if (inbox.length) resolve(inbox.shift()!);
        else this.waiter = { resolve, reject };
      });
  }
  get request(): <R extends I = I>(build: (id: RequestId) => O, options?: RequestOptions) => Promise<R> {
    return (build, options) => makeRequest(this.owner, build, options ?? {}, true);
  }
  get signal(): AbortSignal {
    const c = this.owner;
    // Once the session is ready the attempt is over: a signal asked for then never aborts.
    if (c.activeLink !== this) return AbortSignal.abort();
    return (c.state === 'connected' ? new AbortController() : (this.aborter ?? (this.aborter = new AbortController())))
      .signal;
  }
  /** @internal Encodes and writes a frame now (handshake, restore, heartbeat). */
  writeFrame(frame: O): void {
    const data = this.owner.protocol.encode(frame);
    // The same size rule as app sends: an oversized handshake or restore frame would only have the server drop
    // the link, attempt after attempt; failing the attempt with TOO_LARGE (not retryable) ends that loop.
    const tooLarge = sizeError(this.owner, data);
    if (tooLarge) throw tooLarge;
    try {
      writeTo(this.transport, data);
    } catch {
      throw new PolySocketError('DISCONNECTED', 'the link closed during the attempt', { cause: LINK_GONE });
    }
  }
}

/** What a handshake `receive()` gets once its attempt is over. */
export function attemptEnded(): PolySocketError {
  return new PolySocketError('DISCONNECTED', 'the attempt ended');
}

/** This attempt's limit for opening plus the handshake: the app's, else the adapter's, else 10 s. */
export function connectTimeout(c: AnyConnection): number {
  return c.tuning.connectTimeoutMs ?? c.protocol.connectTimeoutMs ?? 10_000;
}

/** Starts an attempt: a fresh transport, the connect timeout, and the session once it opens. */
export function startAttempt(c: AnyConnection): void {
  const link = (c.activeLink = new Attempt(c));
  pageAttempting(c.pageState);
  setState(c, 'connecting');
  if (c.activeLink !== link) return; // a `state` listener closed the client
  const timeout = connectTimeout(c);
  // As for requests: 0 or less, or not finite, means no limit.
  if (timeout > 0 && timeout < Infinity) arm(c, timeout);
  try {
    (link.transport = c.transportFactory()).open(link);
  } catch (error) {
    // A factory that throws (a bad option) fails the same way every time; a transport that fails to open may not.
    if (c.activeLink === link)
      drop(
        c,
        'transport failed',
        false,
        link.transport ? 'reconnect' : 'stop',
        toPolySocketError(error, link.transport ? 'DISCONNECTED' : 'INVALID'),
      );
  }
}

/** The handshake, then the restore, then `connected`; a failure of either decides how the attempt ends. */
async function runSession<O, I>(c: AnyConnection, link: Attempt<O, I>): Promise<void> {
  const protocol = c.protocol;
  let info: unknown;
  try {
    const result = await protocol.handshake(link);
    if (c.activeLink !== link) return;
    clearTimer(c);
    info = result.info;
    (c as { info: unknown }).info = info;
    c.sendLimit = Math.min(configuredLimit(c), result.maxMessageSize ?? Infinity);
    if (result.heartbeat) startHeartbeat(link, result.heartbeat);
    const leftover = link.inbox!;
    link.inbox = undefined;
    // A listener of one may close (and reconnect) the client: the rest are this link's, not the next one's.
    for (const frame of leftover) if (c.activeLink === link) route(c, frame);
    if (c.activeLink !== link) return;
    await protocol.restore?.(link);
  } catch (error) {
    if (c.activeLink !== link) return;
    // In the handshake, a write that found the link closing: its close event (or the connect timeout) says why.
    const handshaking = link.inbox !== undefined;
    if (handshaking && error instanceof PolySocketError && error.cause === LINK_GONE) return;
    const decision = sessionFailure(error, handshaking ? 'handshake' : 'restore');
    return drop(c, decision.error!.message, false, decision.action, decision.error);
  }
  if (c.activeLink !== link) return;
  // The attempt is over: nothing is left to abort, and the controller would stay for the whole session.
  link.aborter = undefined;
  c.hadSession = true;
  c.reauthNext = false;
  c.readyAt = Date.now();
  c.lastLoss = undefined;
  if (c.pageState) c.pageState.offlineAt = 0;
  const mine = setState(c, 'connected');
  notify(c, () => {
    if (c.transitions !== mine) return;
    c.emit('connected', info);
    if (c.transitions !== mine) return;
    settleWaiters(c);
    // Listeners of `connected` ran first, so an app can inspect or discard what waits before it goes out.
    c.flush();
  });
}
