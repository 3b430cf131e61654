import { FoonyClient, foonyPresence } from '@polysocket/foony';
import { useConnectionState } from '@polysocket/react';
import { useChannel } from '@polysocket/react/foony';
import { quick, type World } from './support';

/** A Foony client for the provider's `create` (a token for `clientId`), kept in `into` so the test can close it. */
export function foonyClient(world: World, into: FoonyClient[], clientId?: string): FoonyClient {
  const client = new FoonyClient({
    url: world.foonyUrl,
    token: clientId === undefined ? 'valid-token' : world.foony.issueToken(clientId),
    presence: foonyPresence,
    ...quick,
  });
  into.push(client);
  return client;
}

export function State(): React.ReactNode {
  return <p data-testid="state">{useConnectionState()}</p>;
}

export function Chat({ channel = 'chat' }: { channel?: string }): React.ReactNode {
  const { messages, state } = useChannel(channel);
  return (
    <div>
      <p data-testid="channel-state">{state}</p>
      <ul data-testid="messages">
        {messages.map((message) => (
          <li key={message.messageId}>{String(message.data)}</li>
        ))}
      </ul>
    </div>
  );
}

export { items as texts } from './support';
