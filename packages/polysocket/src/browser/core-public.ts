// What a page using a script-tag bundle needs from the core (test-only pieces such as the
// in-memory transport stay out, so they do not weigh on every page).
export {
  PolySocketError,
  isPolySocketError,
  CursorStore,
  WebSocketTransport,
  webSocketTransport,
  backoffDelay,
} from '@polysocket/core';
