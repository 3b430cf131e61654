// Script-tag bundle with only the Foony adapter: window.PolySocket.
export * from './core-public';
export { FoonyClient, FoonyChannel, ErrorCode as FoonyErrorCode } from '@polysocket/foony';
