import { Realtime } from '@foony/realtime';
import WebSocket from 'ws';

/** The official @foony/realtime 0.16 client on WebSocket (binary wire), as `user:<clientId>` on the mock. */
export function officialClient(url: string, clientId: string): Realtime {
  return new Realtime({
    endpoint: url,
    token: `user:${clientId}`,
    webSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    transport: 'websocket',
  });
}
