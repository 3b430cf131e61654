// A React app's use of @polysocket/react (no JSX: the consumer configs have no `jsx` option), typechecked by
// scripts/check-consumer.mjs under every module resolution with the packed tarballs. Each `// @ts-expect-error`
// line MUST be an error: the hooks' event names and payloads come from the client's own types.
import { createElement, type ReactNode } from 'react';
import { FoonyClient } from '@polysocket/foony';
import type { IgnisClient } from '@polysocket/ignis';
import type { SocketIOClient } from '@polysocket/socketio';
import type { SockrClient } from '@polysocket/sockr';
import { hooksFor, PolySocketProvider, useConnectionState, useEvent, type CallRecord } from '@polysocket/react';
import { useChannel, usePresence } from '@polysocket/react/foony';
import { useRoom } from '@polysocket/react/ignis';
import { socketIOHooks } from '@polysocket/react/socketio';
import {
  SocketProvider,
  useGroupMessages,
  useGroupTyping,
  useMessages,
  useSendMessage,
  useSocket,
  useSocketEvent,
  useTypingIndicator,
  useConferenceCall,
  useVoiceCall,
  type SockrMessage,
} from '@polysocket/react/sockr';
import { LiveKitClientAdapter } from '@polysocket/react/livekit';

interface IgnisEvents {
  news: { id: number };
}
const ignis = hooksFor<IgnisClient<IgnisEvents, { echo: { id: number } }>>();
const sockr = hooksFor<SockrClient>();

function Chat(): ReactNode {
  const state: string = useConnectionState();
  useEvent('reconnecting', (event) => console.log(event.attempt, event.delayMs));
  // @ts-expect-error the plain useEvent takes the lifecycle events only
  useEvent('news', () => undefined);
  ignis.useEvent('news', (data, envelope) => console.log(data.id.toFixed(), envelope.event));
  // @ts-expect-error `data` is { id: number }
  ignis.useEvent('news', (data: { id: string }) => console.log(data));
  // @ts-expect-error not one of the Ignis client's events
  ignis.useEvent('bogus', () => undefined);
  sockr.useEvent('message', (message) => console.log(message.from, message.content));
  sockr.useEvent('connected', (session) => console.log(session.userId));
  const room = useRoom('lobby');
  const { messages, publish } = useChannel('chat');
  const { members } = usePresence('chat');
  const { call, calls } = ignis.useRequest((client, n: number) => client.request<{ n: number }>('echo', { id: n }));
  const first: CallRecord<[number], unknown> | undefined = calls[0];
  // @ts-expect-error the call takes a number
  void call('one');
  void publish('text', 'hi');
  const { useSocketEvent } = socketIOHooks<{ said: (text: string) => void }>();
  useSocketEvent('said', (text) => console.log(text.toUpperCase()));
  // @ts-expect-error not one of the map's events
  useSocketEvent('bogus', () => undefined);
  hooksFor<SocketIOClient<{ said: (text: string) => void }>>().useEvent('said', (text) => console.log(text.length));
  return createElement('p', null, state, room.joined, messages.length, members.size, first?.status);
}

// sockr-client's hooks: the same names and shapes.
function SockrChat(): ReactNode {
  const { isAuthenticated, userId, connectionState } = useSocket();
  const { messages, addMessage } = useMessages();
  const first: SockrMessage | undefined = messages[0];
  addMessage({ id: 'm1', from: 'ana', content: 'hi', timestamp: 1 });
  const { sendMessage, isSending, error, sends } = useSendMessage();
  void sendMessage('ana', 'hi').then((sent) => sent.messageId.length);
  // @ts-expect-error the content is a string
  void sendMessage('ana', 42);
  useSocketEvent('group_member_joined', (data) => console.log(data.groupId, data.member.role));
  // @ts-expect-error not a Sockr event
  useSocketEvent('bogus', () => undefined);
  const { usersTyping, startTyping } = useTypingIndicator(3000);
  const { typingMembers } = useGroupTyping('g1');
  const { fetchHistory, hasMore } = useGroupMessages('g1', { fetchHistory: true, limit: 50 });
  void fetchHistory().then((page) => page.length);
  startTyping('ana');
  const state: 'disconnected' | 'connecting' | 'authenticated' | 'error' | 'reconnecting' = connectionState;
  return createElement(
    'p',
    null,
    isAuthenticated,
    userId,
    state,
    first?.content,
    isSending,
    error?.message,
    sends.length,
    usersTyping.size,
    typingMembers.join(','),
    hasMore,
  );
}

export const sockrApp = createElement(
  SocketProvider,
  { config: { url: 'http://127.0.0.1:8080', reconnectionAttempts: 5 }, token: 'token:ben' },
  createElement(SockrChat),
);

export const app = createElement(
  PolySocketProvider<FoonyClient>,
  { create: () => new FoonyClient({ url: 'ws://127.0.0.1:8080/foony', token: 'valid-token' }) },
  createElement(Chat),
);

// The LiveKit adapter is an ISFUClientAdapter (for joinConferenceWith), typed without livekit-client installed.
export async function conference(client: SockrClient, groupId: string): Promise<void> {
  const adapter = new LiveKitClientAdapter({ roomOptions: { adaptiveStream: true } });
  adapter.onParticipantConnected((userId) => console.log(userId.toUpperCase()));
  await client.joinConferenceWith(adapter, groupId, { video: true });
}

// The call hooks' types compile with and without the DOM lib (remoteStream is the DOM's MediaStream where it exists).
export function Calls({ adapter }: { adapter: LiveKitClientAdapter }): ReactNode {
  const call = useVoiceCall({ video: true });
  const conference = useConferenceCall({ adapter });
  const tracks: number = call.remoteStream?.getAudioTracks().length ?? 0;
  void call.startCall('bob');
  void conference.joinConference('team');
  // @ts-expect-error sockr-client's states only
  const bogus: typeof call.callState = 'dialing';
  return createElement('p', null, call.callState, call.connectionState, tracks, conference.participants.length, bogus);
}
