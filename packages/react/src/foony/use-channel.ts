import { useCallback, useEffect, useMemo, useSyncExternalStore } from '../react-api';
import type { ChannelState, FoonyChannel, FoonyClient, FoonyMessage, PublishOptions } from '@polysocket/foony';
import { useContextClient } from '../context';
import { acquire } from '../shared-use';
import { ListStore } from './list-store';

/** The provider's client as a Foony client; a clear error when it is another protocol's. */
export function useFoonyClient(): FoonyClient {
  const client = useContextClient() as Partial<FoonyClient>;
  if (typeof client.channel !== 'function')
    throw new Error('@polysocket/react/foony: the PolySocketProvider holds no Foony client');
  return client as FoonyClient;
}

/**
 * Keeps `channel` attached while mounted. The first user attaches it; when the last one unmounts, a channel
 * the hooks attached is unsubscribed unless the app subscribed a listener of its own meanwhile (a channel the app
 * had subscribed itself stays as it was).
 */
export function useAttached(client: FoonyClient, channel: FoonyChannel): void {
  useEffect(
    () =>
      acquire(client, `foony:${channel.name}`, () => {
        if (channel.state !== 'detached' && channel.state !== 'failed') return undefined;
        channel.attach();
        // The hooks' own listeners are gone by now; one the app added meanwhile keeps the channel subscribed.
        return () => void (channel.hasListeners || channel.unsubscribe());
      }),
    [client, channel],
  );
}

/** The channel's state (`detached`, `attaching`, `attached`, `retrying`, `failed`). */
export function useChannelState(channel: FoonyChannel): ChannelState {
  const subscribe = useCallback(
    (changed: () => void) => {
      channel.on('state', changed);
      return () => void channel.off('state', changed);
    },
    [channel],
  );
  const read = (): ChannelState => channel.state;
  return useSyncExternalStore(subscribe, read, read);
}

export interface UseChannelOptions {
  /** Only messages of this name (default: every message). */
  name?: string;
  /** How many messages `messages` keeps, the latest. Default 100. */
  limit?: number;
}

export interface ChannelView {
  channel: FoonyChannel;
  state: ChannelState;
  /** The messages received while mounted (at most `limit`, oldest first), each once. */
  messages: readonly FoonyMessage[];
  /** `channel.publish`: resolves on the server's ack. For a state per call, `usePublish`. Stable per channel. */
  publish: (name: string, data: unknown, options?: PublishOptions) => Promise<void>;
}

/** A Foony channel while mounted: subscribed, its messages, its state, and `publish`. */
export function useChannel(name: string, options: UseChannelOptions = {}): ChannelView {
  const client = useFoonyClient();
  const channel = useMemo(() => client.channel(name), [client, name]);
  const limit = options.limit ?? 100;
  const only = options.name;
  // A new `limit` keeps the messages received so far (another channel or name filter starts afresh).
  const store = useMemo(() => new ListStore<FoonyMessage>(limit), [channel, only]);
  useEffect(() => store.resize(limit), [store, limit]);
  useAttached(client, channel);
  useEffect(
    () => (only === undefined ? channel.subscribe(store.add) : channel.subscribe(only, store.add)),
    [channel, store, only],
  );
  const messages = useSyncExternalStore(store.subscribe, store.read, store.read);
  const state = useChannelState(channel);
  const publish = useCallback(
    (event: string, data: unknown, publishOptions?: PublishOptions) => channel.publish(event, data, publishOptions),
    [channel],
  );
  return { channel, state, messages, publish };
}
