import type { ConnectionEvents, LifecycleClient, LifecycleEventName } from '@polysocket/core';
import type { FoonyClient, FoonySession } from '@polysocket/foony';
import type { IgnisClient, IgnisEnvelope, IgnisSession } from '@polysocket/ignis';
import type { EngineSession, EventNames, EventsMap, NamespaceEvents, SocketIOClient } from '@polysocket/socketio';
import type { SockrClient, SockrEvents, SockrSession } from '@polysocket/sockr';

// The event names a client takes in `on`, and each event's listener arguments, read from the client's own types
// (type imports only: no adapter's code enters an app's bundle through these).

/** The session a client's `connected` event carries. */
export type SessionOf<C> = C extends SockrClient
  ? SockrSession
  : C extends FoonyClient
    ? FoonySession
    : C extends IgnisClient<object, object>
      ? IgnisSession
      : C extends SocketIOClient<EventsMap, EventsMap>
        ? EngineSession
        : C extends LifecycleClient<infer Info>
          ? Info
          : unknown;

/** The lifecycle events every client has (`state`, `connected`, `disconnected`, `reconnecting`, `error`, `rtt`). */
export type LifecycleEvents<C> = ConnectionEvents<SessionOf<C>>;

/**
 * Every event name `client.on` takes: the lifecycle events, plus the app's typed events (Ignis: the `Events` map;
 * Socket.IO: the namespace's own and `ListenEvents`; Sockr: its events). Foony's messages come through channels
 * (`useChannel`), so a Foony client has the lifecycle events only.
 */
export type EventName<C> = C extends SockrClient
  ? keyof SockrEvents & string
  : C extends IgnisClient<infer Events, object>
    ? LifecycleEventName | (keyof Events & string)
    : C extends SocketIOClient<infer Listen, EventsMap>
      ? LifecycleEventName | keyof NamespaceEvents | EventNames<Listen>
      : LifecycleEventName;

/** The arguments a listener of event `E` gets from client `C`. */
export type EventArgs<C, E extends string> = C extends SockrClient
  ? E extends keyof SockrEvents
    ? SockrEvents[E]
    : never
  : E extends LifecycleEventName
    ? LifecycleEvents<C>[E]
    : C extends IgnisClient<infer Events, object>
      ? E extends keyof Events
        ? [data: Events[E], envelope: IgnisEnvelope<Events[E]>]
        : never
      : C extends SocketIOClient<infer Listen, EventsMap>
        ? E extends keyof NamespaceEvents
          ? Parameters<NamespaceEvents[E]>
          : E extends keyof Listen
            ? Listen[E] extends (...args: infer A) => unknown
              ? A
              : never
            : never
        : never;

/** A listener of event `E` of client `C`. */
export type EventHandler<C, E extends string> = (...args: EventArgs<C, E>) => void;
