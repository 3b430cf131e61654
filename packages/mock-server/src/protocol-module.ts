import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { MockConnection } from './mock-connection';
import type { Faults } from './server';

/** A backend the mock server speaks. Modules keep their own state, which survives `restart()`. */
export interface ProtocolModule {
  /** Short name shown in the endpoint list: 'foony', 'ignis', 'sockr'. */
  readonly name: string;
  /** The WebSocket path it answers, e.g. '/foony'. Omit for modules that attach themselves (Socket.IO). */
  readonly path?: string;
  /**
   * For modules that attach their own server library (Socket.IO): the path prefix whose WebSocket
   * upgrades that library answers, e.g. '/socket.io/'. An upgrade to a path no module mounts or claims
   * gets HTTP 404.
   */
  readonly upgradePrefix?: string;
  /** Largest inbound frame accepted on `path`; a larger one drops the connection. Default 1 MiB. */
  readonly maxPayload?: number;
  /** A new WebSocket connection on `path`. */
  onConnection?(connection: MockConnection, request: IncomingMessage): void;
  /**
   * Called after each (re)listen with the HTTP server, for modules that bring their own server library.
   * Their connections are not MockConnections, so they apply `faults` (delay, refusal) themselves.
   */
  attach?(server: HttpServer, faults: Faults): void;
  /** Called before the HTTP server closes (restart or close). */
  detach?(): void | Promise<void>;
  /** Drops every connection abruptly (for modules that manage their own sockets). */
  dropAll?(): void;
  /** Makes every connection half-open (for modules that manage their own sockets); see `MockConnection.silence`. */
  silenceAll?(): void;
  /** Sends a raw frame to every connection (for modules that manage their own sockets). */
  injectAll?(raw: string): void;
  /** Plain HTTP requests under the module's path; return false to pass. */
  handleHttp?(request: IncomingMessage, response: ServerResponse): boolean;
}
