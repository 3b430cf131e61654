import type { EncodedFrame, PolySocketError, Transport } from '@polysocket/core';
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
  /** @internal TOO_LARGE when a binary part of `data` is over `limit` as polling carries it (base64). */
  oversize(data: EncodedFrame, limit: number): PolySocketError | undefined;
}

/** Long-polling and the upgrade to a WebSocket, for the `polling` option. */
export const socketioPolling: SocketIOPolling = {
  open: (options, websocket) => {
    const polling = new PollingTransport(options);
    return websocket ? new UpgradingTransport(polling, websocket) : polling;
  },
  oversize: pollingOversize,
};
