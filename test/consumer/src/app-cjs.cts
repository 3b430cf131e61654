// The CommonJS side under nodenext/node16: these imports compile to require() and resolve through each
// package's "require" condition (the .d.cts types). Typechecked only, never run.
import { createClient } from 'polysocket';
import { SockrClient } from '@polysocket/sockr';
import { FoonyClient } from '@polysocket/foony';

export function wire(url: string): void {
  const sockr = createClient({ protocol: 'sockr', url, token: 'token:cjs' });
  sockr.once('message', (m) => console.log(m.messageId.length, m.content));
  // @ts-expect-error a bogus event name must be an error
  sockr.on('totally-bogus-event', () => undefined);

  const direct = new SockrClient({ url, token: 'token:cjs2' });
  direct.on('typing', (change) => console.log(change.userId, change.typing));
  // @ts-expect-error a bogus event name must be an error
  direct.on('totally-bogus-event', () => undefined);

  const chat = new FoonyClient({ url, token: 'valid-token' }).channel('chat');
  chat.on('state', (state, previous) => console.log(previous, state));
  // @ts-expect-error a bogus event name must be an error
  chat.on('totally-bogus-event', () => undefined);
}
