import type { Attempt } from './attempt';
import type { AnyConnection } from './connection';
import { PolySocketError, toPolySocketError } from './errors';
import { consume, heard } from './heartbeat';
import { emitError, scrub } from './lifecycle-notices';
import { cancel } from './requests';
import type { TransportData } from './transport';

/**
 * The link whose message is being decoded: `routeFrame`, the one `emit` every decode gets, routes to its connection
 * (no closure per client) while it is still the current link — a listener that closed (and maybe reconnected) the
 * client drops the rest of the message. Saved and restored around each decode, so a decode inside a listener of
 * another is safe.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any connection's link
let decoding: Attempt<any, any> | undefined;
const routeFrame = (frame: unknown): void => {
  const link = decoding!;
  if (link.owner.activeLink === link) route(link.owner, frame);
};

/** A transport message of the current attempt: bounded, decoded, each frame routed. Garbage is one PROTOCOL error. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any connection's link
export function receive(c: AnyConnection, link: Attempt<any, any>, data: TransportData): void {
  heard(link);
  const size = typeof data === 'string' ? data.length : data.byteLength;
  if (size > (c.tuning.maxFrameSize ?? 16_777_216))
    return emitError(c, new PolySocketError('PROTOCOL', `inbound message of ${size} bytes over maxFrameSize: dropped`));
  const outer = decoding;
  decoding = link;
  try {
    c.protocol.decode(data, routeFrame);
  } catch (error) {
    emitError(c, toPolySocketError(error, 'PROTOCOL', 'malformed frame'));
  } finally {
    decoding = outer;
  }
}

/**
 * One inbound frame: to the handshake while it runs, else the heartbeat, the request it answers, or the
 * protocol's `onFrame`.
 */
export function route(c: AnyConnection, frame: unknown): void {
  // A listener closed the client (or failed it) while a message's frames were being handed out: the rest go nowhere.
  if (c.state === 'closed' || c.state === 'failed') return;
  const link = c.activeLink;
  const inbox = link?.inbox;
  if (inbox) {
    const waiter = link.waiter;
    link.waiter = undefined;
    if (waiter) waiter.resolve(frame);
    else inbox.push(frame);
    return;
  }
  // Only a policy that marks pings or pongs looks at frames (a keep-alive one, Ignis's, costs nothing here).
  const beat = link?.beat;
  if (beat && (beat.isPong || beat.isPing) && consume(link!, frame)) return;
  const protocol = c.protocol;
  const box = c.outboxStore;
  const id = box && protocol.replyTo?.(frame);
  if (id !== undefined) {
    // One lookup per reply; a reply that matches nothing goes on to `onFrame`.
    const error = protocol.replyError?.(frame);
    if (cancel(box, id, error && scrub(c, error), frame)) return;
  }
  try {
    protocol.onFrame?.(frame);
  } catch (error) {
    c.reportListenerError(error);
  }
}
