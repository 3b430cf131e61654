import type { MockConnection, ProtocolModule } from '@polysocket/mock-server';
import type { EchoIn, EchoOut } from './echo-protocol';

export interface EchoModule extends ProtocolModule {
  /** Every frame received, across connections and restarts, with the connection it came on. */
  readonly received: { connection: string; frame: EchoOut }[];
  /** Sessions handed out so far (module state that survives a server restart). */
  sessions: number;
  connections: MockConnection[];
}

/** The echo protocol's server side as a mock-server module, written from the wire, not from the client. */
export function echoModule(path = '/echo'): EchoModule {
  const module: EchoModule = {
    name: 'echo',
    path,
    received: [],
    sessions: 0,
    connections: [],
    onConnection(connection) {
      module.connections.push(connection);
      const send = (frame: EchoIn): void => connection.send(JSON.stringify(frame));
      connection.onMessage((text) => {
        let frame: EchoOut;
        try {
          frame = JSON.parse(text) as EchoOut;
        } catch {
          return;
        }
        module.received.push({ connection: connection.id, frame });
        if (frame.t === 'hello') send({ t: 'welcome', session: `s${++module.sessions}` });
        else if (frame.t === 'ping') send({ t: 'pong' });
        else if (frame.t === 'req') send({ t: 'res', id: frame.id, body: frame.body });
      });
    },
  };
  return module;
}
