import type { EncodedFrame, Gate, PolySocketError, Transport } from '@polysocket/core';
import type { NamespaceHost } from './host';
import type { SocketIOWire } from './wire';
import { engineUrl, pollingOversize } from './engine';
import { PollingTransport } from './polling-transport';
import { UpgradingTransport } from './upgrading-transport';

/**
 * The long-polling module: Engine.IO HTTP long-polling and the polling → WebSocket upgrade. The default
 * client is WebSocket only; pass this to use `transports` with `'polling'`:
 *
 *   import { SocketIOClient, socketioPolling } from '@polysocket/socketio';
 *   new SocketIOClient({ url, transports: ['polling', 'websocket'], polling: socketioPolling });
 */
export interface SocketIOPolling {
  /**
   * @internal The transport of the client's next attempt, by its `transports`: polling (upgrading to a WebSocket
   * when both are listed), or a WebSocket (polling after a WebSocket that never opened, with both listed).
   */
  open(client: SocketIOWire, websocket: (sid?: string) => Transport): Transport;
  /**
   * @internal TOO_LARGE when a binary attachment of `data`, as long-polling carries it (base64, 4/3 larger), is
   * over the server's maxPayload while the session is on polling. (The core checks text, and the raw size of binary.)
   */
  oversize(host: NamespaceHost, data: EncodedFrame): PolySocketError | undefined;
  /**
   * @internal Adds that rule to the namespace's gate for a frame that may be binary (`data` is undefined until it is
   * made): the core checks the gate before the frame is written, now or after a reconnect (then on polling, maybe).
   */
  guard(host: NamespaceHost, options: { gate?: Gate }, data: () => EncodedFrame | undefined): void;
}

const oversize = (host: NamespaceHost, data: EncodedFrame): PolySocketError | undefined => {
  const limit = host.connection.info?.maxPayload;
  return limit !== undefined && host.currentTransport?.name === 'polling' ? pollingOversize(data, limit) : undefined;
};

/**
 * A WebSocket with polling to fall back to: an HTTP answer to its upgrade (a polling-only server's 400, a proxy's
 * 403) says it cannot open here, not that the configuration is wrong, so the core must not stop on its status (as
 * with `foonyLongPoll`): the next attempt polls, and a 4xx to polling's handshake stops the client.
 */
const fallible = (ws: Transport): Transport => {
  const open = ws.open;
  ws.open = (to) =>
    open.call(ws, {
      onOpen: () => to.onOpen(),
      onMessage: (data) => to.onMessage(data),
      onClose: (info) => to.onClose(info),
      onError: (error) =>
        to.onError(
          typeof (error as { status?: unknown }).status === 'number'
            ? Object.assign(new Error(`${error.message} (falling back to polling)`), { cause: error })
            : error,
        ),
      onPong: () => to.onPong?.(),
    });
  return ws;
};

/** Long-polling and the upgrade to a WebSocket, for the `polling` option. */
export const socketioPolling: SocketIOPolling = {
  open: (client, websocket) => {
    const options = client.options;
    const transports = options.transports?.length ? options.transports : ['websocket'];
    const poll = (upgrade: boolean): Transport => {
      const polling = new PollingTransport({
        url: engineUrl(options.url, options.path ?? '/socket.io/', 'polling', options.query),
        fetch: options.fetch,
        maxFrameSize: options.maxFrameSize,
        redact: (text) => client.connection.logger.redact(text),
      });
      return upgrade ? new UpgradingTransport(polling, websocket) : polling;
    };
    const both = transports.includes('polling') && transports.includes('websocket');
    // With ['websocket', 'polling']: after a WebSocket that never opened (likely blocked), poll; then WebSocket again.
    return transports[0] === 'websocket'
      ? both
        ? client.currentTransport?.name === 'websocket' && !client.opened
          ? poll(false)
          : fallible(websocket())
        : websocket()
      : poll(both);
  },
  oversize,
  guard: (host, options, data) => {
    const gate = options.gate;
    // Text is the same size on both transports: the core checks it.
    if (typeof data() !== 'string')
      options.gate = () => {
        const open = gate ? gate() : true;
        const frame = data();
        return open === true && frame !== undefined ? (oversize(host, frame) ?? true) : open;
      };
  },
};
