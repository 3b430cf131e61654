import {
  createElement,
  useEffect,
  useLayoutEffectOnClient,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from './react-api';
import type { LifecycleClient } from '@polysocket/core';
import { ClientContext } from './context';
import { ClientHolder } from './holder';

/** The props of a provider that makes and owns its client. */
export interface OwnedClientProps<C extends LifecycleClient> {
  /**
   * Makes the client: called once, on first use (`() => createClient({ protocol: 'foony', … })`, or `new
   * FoonyClient(…)`). The provider connects it when it mounts and closes it when it unmounts. Give a client that
   * does not connect by itself (`createClient` never does; `new SocketIOClient`/`new SockrClient` need
   * `autoConnect: false`). Read once: a later `create` is ignored (remount the provider with a `key` to replace
   * the client).
   */
  create: () => C;
  /** Connect on mount. Default true; false leaves `connect()` to the app (the provider still closes the client). */
  connect?: boolean;
  client?: never;
  children?: ReactNode;
}

/** The props of a provider that shares a client the app owns. */
export interface SharedClientProps<C extends LifecycleClient> {
  /** A client the app made and owns: the provider neither connects nor closes it. */
  client: C;
  create?: never;
  connect?: never;
  children?: ReactNode;
}

export type PolySocketProviderProps<C extends LifecycleClient> = OwnedClientProps<C> | SharedClientProps<C>;

/**
 * Connects the holder's client when the provider mounts, closes it when the provider unmounts. The provider's last
 * child, connecting in a layout effect: it runs after the children's layout effects (where the hooks add their
 * listeners, so they see every state from `connecting` on) and before any passive effect, so a child's mount
 * effect may send (a send while connecting waits for the connection). The close is a passive effect's cleanup: a
 * Suspense boundary showing its fallback again runs the layout effects' cleanups but keeps the provider mounted
 * (and its client connected).
 */
function Lifecycle({ holder }: { holder: ClientHolder<LifecycleClient> }): null {
  useLayoutEffectOnClient(holder.start, [holder]);
  useEffect(holder.mount, [holder]);
  return null;
}

/**
 * Gives its children a PolySocket client (any client `createClient` makes, or an adapter's class). With `create`,
 * it owns the client: made on first use, connected on mount (before the children's mount effects run, so they may
 * send), closed on unmount; StrictMode's double effects make neither a second client nor a second connection.
 */
export function PolySocketProvider<C extends LifecycleClient>(props: PolySocketProviderProps<C>): ReactNode {
  const [holder] = useState(() =>
    props.create !== undefined ? new ClientHolder(props.create, props.connect !== false) : undefined,
  );
  const shared = props.client;
  const snapshot = holder?.get ?? ((): C => shared as C);
  const client = useSyncExternalStore(holder?.subscribe ?? noSubscription, snapshot, snapshot);
  return createElement(
    ClientContext.Provider,
    { value: client },
    props.children,
    holder && createElement(Lifecycle, { holder }),
  );
}

const noSubscription = (): (() => void) => () => undefined;
