import type { EncodedFrame, Gate, PolySocketError, Transport } from '@polysocket/core';
import type { NamespaceHost } from './host';
import { pollingOversize } from './engine';
import { PollingTransport, type PollingTransportOptions } from './polling-transport';
import { UpgradingTransport } from './upgrading-transport';

/**
 * The long-polling module: Engine.IO HTTP long-polling and the polling → WebSocket upgrade. The default
 * client is WebSocket only; pass this to use `transports` with `'polling'`:
 *
 *   import { SocketIOClient, socketioPolling } from '@polysocket/socketio';
 *   new SocketIOClient({ url, transports: ['polling', 'websocket'], polling: socketioPolling });
 */
export interface SocketIOPolling {
  /** @internal A polling transport; with `websocket`, one that upgrades to it once the session is open. */
  open(options: PollingTransportOptions, websocket?: (sid: string) => Transport): Transport;
  /**
   * @internal TOO_LARGE when a binary attachment of `data`, as long-polling carries it (base64, 4/3 larger), is
   * over the server's maxPayload while the session is on polling. (The core checks text, and the raw size of binary.)
   */
  oversize(host: NamespaceHost, data: EncodedFrame): PolySocketError | undefined;
  /** @internal The namespace's gate, plus that rule when the frame is written later (after a reconnect, on polling). */
  sizeGate(host: NamespaceHost, data: () => EncodedFrame | undefined, gate: Gate | undefined): Gate;
}

const oversize = (host: NamespaceHost, data: EncodedFrame): PolySocketError | undefined => {
  const limit = host.connection.info?.maxPayload;
  return limit !== undefined && host.transport()?.name === 'polling' ? pollingOversize(data, limit) : undefined;
};

/** Long-polling and the upgrade to a WebSocket, for the `polling` option. */
export const socketioPolling: SocketIOPolling = {
  open: (options, websocket) => {
    const polling = new PollingTransport(options);
    return websocket ? new UpgradingTransport(polling, websocket) : polling;
  },
  oversize,
  sizeGate: (host, data, gate) => () => {
    const open = gate ? gate() : true;
    const frame = data();
    return open === true && frame !== undefined ? (oversize(host, frame) ?? true) : open;
  },
};
