// `polysocket.full.global.js`: the all-in-one bundle plus every optional module, for pages that cannot import a
// module later (the playground uses it).
export * from './all';
export * from './foony-modules';
export { ignisEncryption } from '@polysocket/ignis';
export { socketioPolling } from '@polysocket/socketio';
export { sockrCalls, sockrTyping } from '@polysocket/sockr';
