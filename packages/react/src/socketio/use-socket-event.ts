import { useMemo } from '../react-api';
import type {
  DefaultEventsMap,
  EventNames,
  EventsMap,
  NamespaceEvents,
  SocketIOClient,
  SocketIOSocket,
} from '@polysocket/socketio';
import { useContextClient } from '../context';
import { useListener, type Listenable } from '../use-event';

export interface SocketEventOptions {
  /** The namespace (`/admin`); default the client's main namespace (the url's path). */
  namespace?: string;
}

/** A listener of a namespace event (`connect`, `connect_error`, `disconnect`) or of the app's event `E`. */
export type SocketEventHandler<Listen extends EventsMap, E> = E extends keyof NamespaceEvents
  ? NamespaceEvents[E]
  : E extends keyof Listen
    ? Listen[E]
    : never;

/** `useSocketEvent` typed by a `ListenEvents` map (as socket.io-client's `Socket<ListenEvents>`). */
export interface SocketIOHooks<Listen extends EventsMap> {
  useSocketEvent<E extends EventNames<Listen> | keyof NamespaceEvents>(
    event: E,
    handler: SocketEventHandler<Listen, E>,
    options?: SocketEventOptions,
  ): void;
}

function useSocketEventOf(event: string, handler: (...args: never[]) => void, options: SocketEventOptions = {}): void {
  const client = useContextClient() as Partial<SocketIOClient>;
  if (typeof client.socket !== 'function')
    throw new Error('@polysocket/react/socketio: the PolySocketProvider holds no Socket.IO client');
  const io = client as SocketIOClient;
  const namespace = options.namespace;
  const target = useMemo<SocketIOSocket | SocketIOClient>(
    () => (namespace === undefined ? io : io.socket(namespace)),
    [io, namespace],
  );
  useListener(target as unknown as Listenable, event, handler);
}

/**
 * Calls `handler` on each Socket.IO `event` (the app's, or the namespace's `connect`, `connect_error`,
 * `disconnect`) while mounted; the latest handler, no re-subscribe per render. Untyped events
 * (`DefaultEventsMap`); for a typed map, `socketIOHooks<ListenEvents>().useSocketEvent`.
 */
export const useSocketEvent: SocketIOHooks<DefaultEventsMap>['useSocketEvent'] =
  useSocketEventOf as SocketIOHooks<DefaultEventsMap>['useSocketEvent'];

/** `useSocketEvent` typed by the app's `ListenEvents` map (the same function: no cost). */
export function socketIOHooks<Listen extends EventsMap>(): SocketIOHooks<Listen> {
  return { useSocketEvent: useSocketEventOf as SocketIOHooks<Listen>['useSocketEvent'] };
}
