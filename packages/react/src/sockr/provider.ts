import { createElement, useCallback, useMemo, useState, useSyncExternalStore, type ReactNode } from '../react-api';
import { SockrClient, sockrTyping, type SockrClientOptions } from '@polysocket/sockr';
import { PolySocketProvider } from '../provider';
import { listen, useSockrClient } from './client';

/** sockr-client's connection states (`getConnectionState()`): `connected` is `authenticated` here (login is part of connecting). */
export type SockrConnectionState = ReturnType<SockrClient['getConnectionState']>;

export interface SocketProviderProps {
  /**
   * sockr-client's `ClientConfig` (`url`, `reconnection`, `reconnectionAttempts`, …) or any `SockrClientOptions`
   * (`getToken`, `calls`, `typingTimes`, …). `autoConnect` is ignored: the provider connects on mount. Without
   * `typing`, the `sockrTyping` module is added (the typing hooks send through it).
   */
  config: SockrClientOptions;
  /** The login token, sent on every (re)connect. Give it here or as `config.token`/`config.getToken`. */
  token?: string;
  children?: ReactNode;
}

/** What `useSocket()`/`useSocketContext()` return: sockr-client's context, read with `useSyncExternalStore`. */
export interface SocketContextValue {
  client: SockrClient;
  /** Connected and logged in (a Sockr client is `connected` only once logged in). */
  isConnected: boolean;
  isAuthenticated: boolean;
  connectionState: SockrConnectionState;
  /** The logged-in user; kept across a reconnect, null once closed or failed. */
  userId: string | null;
}

/**
 * sockr-client's `SocketProvider`: owns a `SockrClient` made from `config` and `token` — connected (and logged in)
 * on mount, closed on unmount, one connection under StrictMode (it is `PolySocketProvider`). A new `config.url`
 * or `token` makes a new client, as sockr-client's does; the rest of `config` is read once per client.
 */
export function SocketProvider({ config, token, children }: SocketProviderProps): ReactNode {
  const [made, setMade] = useState({ url: config.url, token, generation: 0 });
  if (made.url !== config.url || made.token !== token)
    setMade({ url: config.url, token, generation: made.generation + 1 });
  const create = (): SockrClient =>
    new SockrClient({
      typing: sockrTyping,
      ...config,
      ...(token !== undefined && { token }),
      autoConnect: false,
    });
  return createElement(PolySocketProvider<SockrClient>, { key: made.generation, create }, children);
}

/** sockr-client's `useSocket()`: the client and its connection, re-rendered on each change. */
export function useSocket(): SocketContextValue {
  const client = useSockrClient();
  const subscribe = useCallback(
    (changed: () => void) => listen(client, { state: changed, connected: changed }),
    [client],
  );
  // Every field follows from the client's state and user: one value while they hold.
  const read = (): string => `${client.state} ${client.getUserId()}`;
  const now = useSyncExternalStore(subscribe, read, read);
  return useMemo(() => {
    const { state } = client;
    return {
      client,
      isConnected: client.isConnected(),
      isAuthenticated: client.isAuthenticated(),
      connectionState: client.getConnectionState(),
      userId: state === 'closed' || state === 'failed' ? null : (client.getUserId() ?? null),
    };
  }, [client, now]);
}

/** sockr-client's `useSocketContext()`: the same as `useSocket()`; throws outside a provider. */
export const useSocketContext: () => SocketContextValue = useSocket;
