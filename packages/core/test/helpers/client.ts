import { Connection, type ConnectionOptions, type ConnectionState } from '@polysocket/core';
import { echoProtocol, type EchoIn, type EchoInfo, type EchoOut, type EchoProtocolOptions } from './echo-protocol';
import { memoryEchoServer, type EchoServer, type EchoServerBehaviour } from './memory-echo-server';

export interface Harness {
  echo: EchoServer;
  client: Connection<EchoOut, EchoIn, EchoInfo>;
  states: ConnectionState[];
  frames: EchoIn[];
  errors: Error[];
}

/** A client on the echo protocol over a MemoryServer, recording its states, frames and errors. */
export function harness(
  options: {
    protocol?: EchoProtocolOptions;
    server?: EchoServerBehaviour;
    connection?: Partial<ConnectionOptions<EchoOut, EchoIn, EchoInfo>>;
  } = {},
): Harness {
  const echo = memoryEchoServer(options.server);
  const frames: EchoIn[] = [];
  const client = new Connection<EchoOut, EchoIn, EchoInfo>({
    protocol: echoProtocol({ onFrame: (frame) => frames.push(frame), ...options.protocol }),
    transport: echo.server.transport,
    random: () => 0.5,
    browser: { network: null, document: null },
    ...options.connection,
  });
  const states: ConnectionState[] = [];
  const errors: Error[] = [];
  client.on('state', (state) => states.push(state));
  client.on('error', (error) => errors.push(error));
  return { echo, client, states, frames, errors };
}
