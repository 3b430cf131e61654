/**
 * Ignis hooks for `@polysocket/react`: `useRoom(name)`, inside a `PolySocketProvider` whose client is an
 * `IgnisClient` (or `createClient({ protocol: 'ignis' })`).
 *
 * @module @polysocket/react/ignis
 */
export { useRoom } from './ignis/use-room';
export type { RoomView } from './ignis/use-room';
