// Script-tag bundle with only the Ignis adapter, and its optional encryption module: window.PolySocket.
export * from './core-public';
export { IgnisClient, ignisEncryption } from '@polysocket/ignis';
