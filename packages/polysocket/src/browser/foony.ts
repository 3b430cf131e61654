// Script-tag bundle with only the Foony adapter: window.PolySocket.
export * from './core-public';
export { FoonyClient, FoonyChannel, ErrorCode as FoonyErrorCode } from '@polysocket/foony';
// Foony's optional modules: a page with a script tag cannot import one later, so the bundle carries them.
export * from './foony-modules';
