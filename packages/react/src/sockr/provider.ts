import { createElement, useCallback, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { SockrClient, sockrTyping, type SockrClientOptions } from '@polysocket/sockr';
import { PolySocketProvider } from '../provider';
import { useSockrClient } from './client';

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
      ...(token !== undefined ? { token } : {}),
      autoConnect: false,
    });
  return createElement(PolySocketProvider<SockrClient>, { key: made.generation, create }, children);
}

const same = (a: SocketContextValue, b: SocketContextValue): boolean =>
  a.client === b.client &&
  a.isConnected === b.isConnected &&
  a.isAuthenticated === b.isAuthenticated &&
  a.connectionState === b.connectionState &&
  a.userId === b.userId;

/** sockr-client's `useSocket()`: the client and its connection, re-rendered on each change. */
export function useSocket(): SocketContextValue {
  const client = useSockrClient();
  const last = useRef<SocketContextValue | undefined>(undefined);
  const subscribe = useCallback(
    (changed: () => void) => {
      client.on('state', changed);
      client.on('connected', changed);
      return () => {
        client.off('state', changed);
        client.off('connected', changed);
      };
    },
    [client],
  );
  const read = (): SocketContextValue => {
    const ended = client.state === 'closed' || client.state === 'failed';
    const next: SocketContextValue = {
      client,
      isConnected: client.isConnected(),
      isAuthenticated: client.isAuthenticated(),
      connectionState: client.getConnectionState(),
      userId: ended ? null : (client.getUserId() ?? null),
    };
    if (last.current !== undefined && same(last.current, next)) return last.current;
    return (last.current = next);
  };
  return useSyncExternalStore(subscribe, read, read);
}

/** sockr-client's `useSocketContext()`: the same as `useSocket()`; throws outside a provider. */
export const useSocketContext: () => SocketContextValue = useSocket;
