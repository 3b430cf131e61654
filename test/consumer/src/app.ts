// A consumer app, typechecked by scripts/check-consumer.mjs against the packed tarballs under every module
// resolution (nodenext, node16, bundler, CommonJS) with `strict` and `skipLibCheck: false`. It is only
// typechecked, never run. Each `// @ts-expect-error` line MUST be an error: if the types degrade to `any`
// (as they did under nodenext with a default import of eventemitter3), tsc reports the unused directive.
import { createClient, isPolySocketError, type ConnectionState, type PolySocketError } from 'polysocket';
import { PolySocketError as CoreError } from '@polysocket/core';
import { FoonyClient, type FoonyMessage } from '@polysocket/foony';
import { IgnisClient } from '@polysocket/ignis';
import { SocketIOClient } from '@polysocket/socketio';
import { SockrClient, type IncomingMessage } from '@polysocket/sockr';
import { MockServer, defaultModules } from '@polysocket/mock-server';

export async function main(): Promise<void> {
  const server = new MockServer({ modules: defaultModules() });
  const { url } = await server.listen(0);

  // createClient from the umbrella package: a SafeEmitter-based client (Sockr).
  const sockr = createClient({ protocol: 'sockr', url, token: 'token:ana' });
  sockr.once('message', (m) => {
    const text: string = m.content;
    const from: string = m.from;
    console.log(from, text);
  });
  sockr.on('state', (state) => {
    const s: ConnectionState = state;
    console.log(s);
  });
  sockr.on('error', (error) => {
    const code: PolySocketError['code'] = error.code;
    console.log(code, isPolySocketError(error));
  });
  // @ts-expect-error a bogus event name must be an error
  sockr.on('totally-bogus-event', () => undefined);
  // @ts-expect-error a listener's parameter is typed: a message is not a number
  sockr.once('message', (m: number) => console.log(m));

  // The per-adapter packages.
  const direct = new SockrClient({ url, token: 'token:ben' });
  direct.on('group_message', (message: IncomingMessage) => console.log(message.groupId));
  // @ts-expect-error a bogus event name must be an error
  direct.once('totally-bogus-event', () => undefined);

  const foony = new FoonyClient({ url: server.wsUrl('/foony'), token: 'valid-token' });
  foony.on('state', (state, previous) => console.log(previous, '→', state));
  foony.on('reconnecting', (event) => console.log(event.attempt, event.delayMs));
  // @ts-expect-error a bogus event name must be an error
  foony.on('totally-bogus-event', () => undefined);
  const chat = foony.channel('chat');
  chat.subscribe((message: FoonyMessage) => console.log(message.name, message.data));
  chat.on('state', (state) => console.log(state.toUpperCase()));
  chat.once('error', (error) => console.log(error.retryable));
  // @ts-expect-error a bogus event name must be an error
  chat.on('totally-bogus-event', () => undefined);

  const ignis = new IgnisClient({ url: server.wsUrl('/ignis'), auth: { token: 'good-token' } });
  ignis.on('connected', (session) => console.log(session.clientId));

  const io = new SocketIOClient({ url, transports: ['websocket'] });
  io.on('disconnected', (event) => console.log(event.reason));

  try {
    await Promise.all([sockr.connect(), direct.connect(), foony.connect(), ignis.connect(), io.connect()]);
  } catch (error) {
    if (error instanceof CoreError) console.log(error.code);
  } finally {
    for (const client of [sockr, direct, foony, ignis, io]) client.close();
    await server.close();
  }
}
