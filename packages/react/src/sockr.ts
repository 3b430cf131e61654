/**
 * Sockr hooks for `@polysocket/react`, with sockr-client's names and return shapes (switching is an import
 * change): `SocketProvider` owns a `SockrClient`; `useSocket`, `useSocketEvent`, `useMessages`, `useSendMessage`,
 * `usePresence`, `useTypingIndicator`, `useGroup`, `useGroupMessages`, `useGroupTyping`, `useUserGroups`,
 * `useVoiceCall`, `useConferenceCall` —
 * messages once each, a state per send, typing without self and expired. They also work inside a
 * `PolySocketProvider` whose client is a `SockrClient` (or `createClient({ protocol: 'sockr' })`).
 *
 * @module @polysocket/react/sockr
 */
export { SocketProvider, useSocket, useSocketContext } from './sockr/provider';
export type { SocketContextValue, SocketProviderProps, SockrConnectionState } from './sockr/provider';
export { useMessages, useSendMessage, useSocketEvent } from './sockr/use-messages';
export type {
  MessagesView,
  SendArgs,
  SendMessageView,
  SentMessage,
  SockrEventName,
  UseMessagesOptions,
} from './sockr/use-messages';
export type { MessageInput, SockrMessage } from './sockr/message-list';
export { usePresence } from './sockr/use-presence';
export type { PresenceView } from './sockr/use-presence';
export { useGroupTyping, useTypingIndicator } from './sockr/use-typing';
export type { GroupTypingView, TypingIndicatorView } from './sockr/use-typing';
export { useGroup, useUserGroups } from './sockr/use-group';
export type { GroupView, UserGroupsView } from './sockr/use-group';
export { useGroupMessages } from './sockr/use-group-messages';
export type { GroupMessagesView, UseGroupMessagesOptions } from './sockr/use-group-messages';
// Calls: useVoiceCall (RTCPeerConnection) and useConferenceCall (an ISFUClientAdapter); LiveKitClientAdapter is
// `@polysocket/react/livekit` (it imports livekit-client).
export * from './sockr-calls/index';
