import { PolySocketError } from '@polysocket/core';
import { FoonyClient, type FoonyClientOptions } from '@polysocket/foony';
import { IgnisClient, type IgnisClientOptions } from '@polysocket/ignis';
import { SocketIOClient, type SocketIOClientOptions } from '@polysocket/socketio';
import { SockrClient, type SockrClientOptions } from '@polysocket/sockr';

export type ProtocolName = 'foony' | 'ignis' | 'sockr' | 'socketio';

/** `createClient`'s options: the protocol picks the adapter and the type of the rest. */
export type ClientOptions =
  | ({ protocol: 'foony' } & FoonyClientOptions)
  | ({ protocol: 'ignis' } & IgnisClientOptions)
  | ({ protocol: 'sockr' } & SockrClientOptions)
  | ({ protocol: 'socketio' } & SocketIOClientOptions);

export interface ClientByProtocol {
  foony: FoonyClient;
  ignis: IgnisClient;
  sockr: SockrClient;
  socketio: SocketIOClient;
}

/** The client of the protocol the options name, typed accordingly. */
export function createClient(options: { protocol: 'foony' } & FoonyClientOptions): FoonyClient;
export function createClient(options: { protocol: 'ignis' } & IgnisClientOptions): IgnisClient;
export function createClient(options: { protocol: 'sockr' } & SockrClientOptions): SockrClient;
export function createClient(options: { protocol: 'socketio' } & SocketIOClientOptions): SocketIOClient;
export function createClient(options: ClientOptions): ClientByProtocol[ProtocolName];
export function createClient(options: ClientOptions): ClientByProtocol[ProtocolName] {
  const { protocol, ...rest } = options;
  switch (protocol) {
    case 'foony':
      return new FoonyClient(rest as FoonyClientOptions);
    case 'ignis':
      return new IgnisClient(rest as IgnisClientOptions);
    case 'sockr':
      return new SockrClient(rest as SockrClientOptions);
    case 'socketio':
      return new SocketIOClient(rest as SocketIOClientOptions);
    default:
      throw new PolySocketError('INVALID', `unknown protocol ${JSON.stringify(protocol)}: use 'foony', 'ignis', 'sockr' or 'socketio'`);
  }
}
