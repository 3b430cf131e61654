import { useEffect, useInsertionEffect, useMemo, useRef } from '../react-api';
import { useStore } from '../store';
import type { ISFUClientAdapter, SFUConnectOptions, SockrClient } from '@polysocket/sockr';
import { ConferenceController, type ConferenceSnapshot, type RemoteTrackHandler } from './conference';
import { useSockrClient } from './sockr-client';

export interface ConferenceCallOptions {
  /** The SFU adapter (`new LiveKitClientAdapter()`, or another `ISFUClientAdapter`). Keep it stable across renders. */
  adapter: ISFUClientAdapter;
  /** Publish the microphone (default true). */
  audio?: boolean;
  /** Publish the camera (default false). */
  video?: boolean;
  /** The SockrClient (with `calls: sockrCalls`); default the `PolySocketProvider`'s. */
  client?: SockrClient;
}

/** What `useConferenceCall` returns: sockr-client's shape. */
export interface ConferenceCallView extends ConferenceSnapshot {
  /** Joins a group's conference from `idle`, `ended` or `error` (rejects while joining or in one); a failure is `error`. */
  joinConference(groupId: string): Promise<void>;
  leaveConference(): void;
  /** Calls `handler` with each remote track while mounted; returns the function that stops it. */
  onRemoteTrack(handler: RemoteTrackHandler): () => void;
}

/**
 * A group's SFU conference through an `ISFUClientAdapter`, signalled by the SockrClient's calls module.
 * sockr-client's `useConferenceCall`, without its bugs: self is in `participants`, an error can be retried (a new
 * `joinConference` from `error`), and the adapter's handlers are registered before it connects. Unmounting leaves.
 */
export function useConferenceCall(options: ConferenceCallOptions): ConferenceCallView {
  const client = useSockrClient(options.client, 'useConferenceCall');
  const { adapter } = options;
  // Read at each join: a change of `audio`/`video` neither makes a new controller nor adds handlers to the adapter.
  const media = useRef<SFUConnectOptions>({});
  useInsertionEffect(() => {
    media.current = { audio: options.audio !== false, video: options.video === true };
  });
  // Holds nothing until its effect attaches it (a render React throws away costs nothing).
  const controller = useMemo(() => new ConferenceController(client, adapter, () => media.current), [client, adapter]);
  useEffect(() => controller.attach(), [controller]);
  const actions = useMemo(
    () => ({
      joinConference: (groupId: string) => controller.joinConference(groupId),
      leaveConference: () => controller.leaveConference(),
      onRemoteTrack: (handler: RemoteTrackHandler) => controller.onRemoteTrack(handler),
    }),
    [controller],
  );
  return { ...useStore(controller), ...actions };
}
