// Script-tag bundle with only the Ignis adapter: window.PolySocket.
export * from './core-public';
export { IgnisClient } from '@polysocket/ignis';
