import { useCallback, useInsertionEffect, useRef, useState, useSyncExternalStore } from './react-api';
import type { LifecycleClient } from '@polysocket/core';
import { CallStore, type CallsSnapshot } from './call-store';
import { useContextClient } from './context';

export interface RequestOptions {
  /** How many settled calls `calls` keeps (every call in flight is kept). Default 10. */
  keep?: number;
}

/** What `useRequest` returns: the call function and the state of each call. */
export interface RequestState<Args extends unknown[], Result> extends CallsSnapshot<Args, Result> {
  /**
   * Makes one call; its state is a record of its own in `calls`. Returns the call's promise, which may be ignored
   * (it is pre-handled; a failure is in the call's record). Stable across renders.
   */
  call: (...args: Args) => Promise<Result>;
  /** Forgets the settled calls. */
  clear: () => void;
}

/**
 * A request (or any async call) on the provider's client, with a pending/error state per call — two sends in
 * flight are two records, never one shared flag. `request` gets the client and the call's arguments; the latest
 * one is used (it may change on every render).
 */
export function useRequest<Args extends unknown[], Result, C extends LifecycleClient = LifecycleClient>(
  request: (client: C, ...args: Args) => Promise<Result>,
  options: RequestOptions = {},
): RequestState<Args, Result> {
  const client = useContextClient() as C;
  const latest = useRef(request);
  useInsertionEffect(() => {
    latest.current = request;
  });
  const [store] = useState(() => new CallStore<Args, Result>(options.keep ?? 10));
  const snapshot = useSyncExternalStore(store.subscribe, store.read, store.read);
  const call = useCallback(
    (...args: Args) => store.run((...callArgs: Args) => latest.current(client, ...callArgs), args),
    [store, client],
  );
  const clear = useCallback(() => store.clear(), [store]);
  return { ...snapshot, call, clear };
}

/**
 * A send without a reply (`emit`, `publish`) with a pending/error state per call: as `useRequest`, the result
 * dropped (a send resolves once written, or acknowledged where the protocol acknowledges).
 */
export function usePublish<Args extends unknown[], C extends LifecycleClient = LifecycleClient>(
  publish: (client: C, ...args: Args) => Promise<unknown>,
  options: RequestOptions = {},
): RequestState<Args, void> {
  return useRequest<Args, void, C>(async (client, ...args) => void (await publish(client, ...args)), options);
}
