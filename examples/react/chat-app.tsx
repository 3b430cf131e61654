// A React chat on a Foony channel: the provider owns the client, the hooks give its state, the channel's messages,
// who is here, and a send with a state per message. Runs in the playground (`npm start`, then open /react.html)
// and in the tests (packages/react/test/example-app.test.tsx).
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { FoonyClient, foonyPresence } from '@polysocket/foony';
import { PolySocketProvider, useConnectionState, usePublish } from '@polysocket/react';
import { useChannel, usePresence } from '@polysocket/react/foony';

export interface ChatAppProps {
  /** The Foony endpoint, e.g. `ws://127.0.0.1:8080/foony`. */
  url: string;
  /** This user's name: the mock server takes `user:<name>` tokens. */
  user: string;
  room?: string;
}

export function ChatApp({ url, user, room = 'react-lobby' }: ChatAppProps): ReactNode {
  return (
    <PolySocketProvider create={() => new FoonyClient({ url, token: `user:${user}`, presence: foonyPresence })}>
      <h1>
        {room} as {user}
      </h1>
      <ConnectionBadge />
      <Members room={room} />
      <Messages room={room} />
      <Composer room={room} />
    </PolySocketProvider>
  );
}

function ConnectionBadge(): ReactNode {
  return <p data-testid="state">{useConnectionState()}</p>;
}

function Members({ room }: { room: string }): ReactNode {
  const { members, isPresent, enter } = usePresence(room);
  const state = useConnectionState();
  // Enter once connected: a child's effect runs before the provider's, whose effect calls connect(), and a send
  // before connect() is refused. After a reconnect the client re-enters by itself.
  useEffect(() => {
    if (state === 'connected' && !isPresent) void enter({ typing: false }).catch(() => undefined);
  }, [state, isPresent, enter]);
  const names = [...new Set([...members.values()].map((member) => member.clientId))].sort();
  return <p data-testid="members">here: {names.join(', ')}</p>;
}

function Messages({ room }: { room: string }): ReactNode {
  const { messages } = useChannel(room, { name: 'text', limit: 50 });
  return (
    <ul data-testid="messages">
      {messages.map((message) => (
        <li key={message.messageId}>
          {message.clientId}: {String(message.data)}
        </li>
      ))}
    </ul>
  );
}

function Composer({ room }: { room: string }): ReactNode {
  const [text, setText] = useState('');
  // One record per send: two messages in flight are two states, and a failed one keeps its error.
  const send = usePublish((client: FoonyClient, body: string) => client.channel(room).publish('text', body));
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (text.trim() === '') return;
    void send.call(text.trim());
    setText('');
  };
  return (
    <form onSubmit={submit}>
      <input aria-label="message" value={text} onChange={(event) => setText(event.target.value)} />
      <button type="submit">send</button>
      <ul data-testid="sends">
        {send.calls.map((call) => (
          <li key={call.id}>
            {call.args[0]}: {call.status}
            {call.error ? ` (${call.error.message})` : ''}
          </li>
        ))}
      </ul>
    </form>
  );
}
