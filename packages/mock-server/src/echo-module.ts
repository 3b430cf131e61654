import type { ProtocolModule } from './protocol-module';

/** Echoes every text frame back: the smallest endpoint, for smoke tests and the CLI. */
export function echoModule(path = '/echo'): ProtocolModule {
  return {
    name: 'echo',
    path,
    onConnection(connection) {
      connection.onMessage((text) => connection.send(text));
    },
  };
}
