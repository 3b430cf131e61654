import { useCallback, useMemo, useSyncExternalStore } from '../react-api';
import type { FoonyChannel, FoonyPresence, PresenceMember } from '@polysocket/foony';
import { useAttached, useFoonyClient } from './use-channel';

/** What `usePresence` reads in one go, so a render never pairs a set with another moment's `isPresent`. */
interface PresenceSnapshot {
  readonly members: ReadonlyMap<string, PresenceMember>;
  readonly isPresent: boolean;
}

/** A snapshot of a channel's presence set: a new one per change (the client's own map is live). */
class MembersStore {
  private snapshot: PresenceSnapshot;

  constructor(
    private readonly presence: FoonyPresence,
    private readonly channel: FoonyChannel,
  ) {
    this.snapshot = this.take();
  }

  readonly read = (): PresenceSnapshot => this.snapshot;

  readonly subscribe = (changed: () => void): (() => void) => {
    const refresh = (): void => {
      this.snapshot = this.take();
      changed();
    };
    // A channel that is left empties its set without presence events: its state change says so.
    const onState = (): void => {
      if (this.stale()) refresh();
    };
    const stop = this.presence.subscribe(refresh);
    this.channel.on('state', onState);
    // Changes between the render and this subscription: React reads the snapshot again after subscribing.
    if (this.stale()) this.snapshot = this.take();
    return () => {
      stop();
      this.channel.off('state', onState);
    };
  };

  private take(): PresenceSnapshot {
    return { members: new Map(this.presence.members()), isPresent: this.presence.isPresent };
  }

  private stale(): boolean {
    return (
      this.snapshot.isPresent !== this.presence.isPresent ||
      !sameMembers(this.snapshot.members, this.presence.members())
    );
  }
}

function sameMembers(a: ReadonlyMap<string, PresenceMember>, b: ReadonlyMap<string, PresenceMember>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, member] of a) if (b.get(id) !== member) return false;
  return true;
}

export interface PresenceView {
  /** Who is on the channel, by connectionId (a new map whenever it changes). */
  members: ReadonlyMap<string, PresenceMember>;
  /** Whether this client has entered (and re-enters after every reconnect). */
  isPresent: boolean;
  enter: (data?: unknown) => Promise<void>;
  update: (data?: unknown) => Promise<void>;
  leave: (data?: unknown) => Promise<void>;
}

/**
 * A Foony channel's presence set while mounted (the channel is attached meanwhile). Needs the `foonyPresence`
 * module on the client (`presence: foonyPresence`); without it this throws the client's INVALID error.
 */
export function usePresence(channelName: string): PresenceView {
  const client = useFoonyClient();
  const channel = useMemo(() => client.channel(channelName), [client, channelName]);
  const presence = channel.presence;
  const store = useMemo(() => new MembersStore(presence, channel), [presence, channel]);
  useAttached(client, channel);
  const { members, isPresent } = useSyncExternalStore(store.subscribe, store.read, store.read);
  const enter = useCallback((data?: unknown) => presence.enter(data), [presence]);
  const update = useCallback((data?: unknown) => presence.update(data), [presence]);
  const leave = useCallback((data?: unknown) => presence.leave(data), [presence]);
  return { members, isPresent, enter, update, leave };
}
