/**
 * React bindings for PolySocket: `PolySocketProvider` owns a client's lifecycle (StrictMode-safe), the generic
 * hooks work with every client `createClient` makes. Per-adapter hooks are subpaths, so an app bundles only its
 * adapter's: `@polysocket/react/foony` (`useChannel`, `usePresence`), `@polysocket/react/ignis` (`useRoom`),
 * `@polysocket/react/socketio` (`useSocketEvent`), `@polysocket/react/sockr` (sockr-client's hooks).
 *
 * @packageDocumentation
 * @module @polysocket/react
 */
export { PolySocketProvider } from './provider';
export type { OwnedClientProps, PolySocketProviderProps, SharedClientProps } from './provider';
export { useClient, useConnectionState } from './use-client';
export { useEvent, useListener } from './use-event';
export type { Listenable } from './use-event';
export { usePublish, useRequest } from './use-request';
export type { RequestOptions, RequestState } from './use-request';
export type { CallRecord, CallsSnapshot } from './call-store';
export { hooksFor } from './hooks-for';
export type { PolySocketHooks } from './hooks-for';
export type { EventArgs, EventHandler, EventName, LifecycleEvents, SessionOf } from './events';
