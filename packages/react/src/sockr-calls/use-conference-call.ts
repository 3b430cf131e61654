import { useCallback, useEffect, useMemo, useSyncExternalStore } from '../react-api';
import type { ISFUClientAdapter, SockrClient } from '@polysocket/sockr';
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
  const audio = options.audio !== false;
  const video = options.video === true;
  // Holds nothing until its effect attaches it (a render React throws away costs nothing).
  const controller = useMemo(
    () => new ConferenceController(client, adapter, { audio, video }),
    [client, adapter, audio, video],
  );
  useEffect(() => controller.attach(), [controller]);
  const snapshot = useSyncExternalStore(controller.subscribe, controller.read, controller.read);
  const joinConference = useCallback((groupId: string) => controller.joinConference(groupId), [controller]);
  const leaveConference = useCallback(() => controller.leaveConference(), [controller]);
  const onRemoteTrack = useCallback((handler: RemoteTrackHandler) => controller.onRemoteTrack(handler), [controller]);
  return { ...snapshot, joinConference, leaveConference, onRemoteTrack };
}
