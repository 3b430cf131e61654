import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { FaultState } from './faults';
import { MockConnection } from './mock-connection';
import type { ProtocolModule } from './protocol-module';

export interface MockServerOptions {
  /** Default 127.0.0.1: the mock server never listens beyond loopback unless told to. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  modules?: ProtocolModule[];
  /** Receives one line per notable event (connections, faults). */
  log?: (line: string) => void;
}

export interface Endpoint {
  name: string;
  url: string;
}

interface Mounted {
  module: ProtocolModule;
  wss: WebSocketServer;
}

/** One HTTP server on loopback that mounts the WebSocket endpoints of its protocol modules. */
export class MockServer {
  readonly faults: Faults;
  private readonly faultState = new FaultState();
  private readonly mounted = new Map<string, Mounted>();
  private readonly modules: ProtocolModule[] = [];
  private readonly live = new Set<MockConnection>();
  private readonly sockets = new Set<Duplex>();
  private http: HttpServer | undefined;
  private boundPort = 0;
  private readonly host: string;

  constructor(private readonly options: MockServerOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.faults = new Faults(this, this.faultState);
    for (const module of options.modules ?? []) this.use(module);
  }

  /** Adds a protocol module; call before `listen()`. */
  use(module: ProtocolModule): this {
    this.modules.push(module);
    if (module.path) {
      if (this.mounted.has(module.path)) throw new Error(`path ${module.path} is already mounted`);
      // autoPong off: MockConnection answers pings itself, except while silenced (it still reads the socket).
      const wss = new WebSocketServer({
        noServer: true,
        maxPayload: module.maxPayload ?? 1024 * 1024,
        autoPong: false,
      });
      this.mounted.set(module.path, { module, wss });
    }
    return this;
  }

  get protocolModules(): readonly ProtocolModule[] {
    return this.modules;
  }

  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.http?.listening ?? false;
  }

  /** http://host:port */
  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  /** ws://host:port + path */
  wsUrl(path: string): string {
    return `ws://${this.host}:${this.boundPort}${path}`;
  }

  endpoints(): Endpoint[] {
    return this.modules.map((m) => ({ name: m.name, url: m.path ? this.wsUrl(m.path) : this.url }));
  }

  /** Open connections, optionally only those on one path. */
  connections(path?: string): MockConnection[] {
    return [...this.live].filter((c) => path === undefined || c.path === path);
  }

  async listen(port = this.boundPort || this.options.port || 0): Promise<{ port: number; url: string }> {
    if (this.http) throw new Error('already listening');
    const http = createServer((request, response) => this.onRequest(request, response));
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(request, socket, head),
    );
    http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.http = http;
    for (const module of this.modules) module.attach?.(http, this.faults);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, this.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const address = http.address();
    this.boundPort = typeof address === 'object' && address ? address.port : port;
    this.log(`listening on ${this.url}`);
    return { port: this.boundPort, url: this.url };
  }

  /** Stops listening and drops every connection. Module state is kept (see `restart`). */
  async close(): Promise<void> {
    const http = this.http;
    if (!http) return;
    this.http = undefined;
    for (const module of this.modules) module.dropAll?.();
    for (const module of this.modules) await module.detach?.();
    for (const connection of this.live) connection.drop();
    this.live.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.faultState.reset();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    this.log('closed');
  }

  /** Drops everything, stays down for `downMs`, and listens again on the same port with the same state. */
  async restart(downMs = 0): Promise<void> {
    const port = this.boundPort;
    await this.close();
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.listen(port);
  }

  /** @internal */
  log(line: string): void {
    this.options.log?.(line);
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://mock').pathname;
    const mounted = this.mounted.get(path);
    if (!mounted) {
      // A module's own library (socket.io) answers the paths it claims; nobody answers the rest, so refuse them
      // here (socket.io leaves an upgrade it does not recognise open, and the client would hang).
      if (!this.modules.some((m) => m.upgradePrefix !== undefined && path.startsWith(m.upgradePrefix)))
        rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (this.faultState.refusing) {
      rejectUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    mounted.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new MockConnection(path, ws, this.faultState, request.socket.remoteAddress ?? '');
      this.live.add(connection);
      connection.onClose(() => this.live.delete(connection));
      mounted.module.onConnection?.(connection, request);
    });
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://mock');
    if (url.pathname.startsWith('/_mock/')) {
      void this.faults.handleHttp(url, request, response);
      return;
    }
    for (const module of this.modules) {
      if (module.handleHttp?.(request, response)) return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Fault injection, from tests (`server.faults.drop()`) or over HTTP (`POST /_mock/faults/drop`). */
export class Faults {
  constructor(
    private readonly server: MockServer,
    /** @internal The state that connections consult (modules with their own sockets read it too). */
    readonly state: FaultState,
  ) {}

  /**
   * Drops every connection with no close frame; `target` limits it to one endpoint path or one
   * module by name (e.g. 'sockr', whose Socket.IO connections are its own).
   */
  drop(target?: string): number {
    const victims = this.server.connections(this.pathOf(target));
    for (const connection of victims) connection.drop();
    for (const module of this.modules()) if (this.targets(module, target)) module.dropAll?.();
    this.server.log(`fault: dropped ${victims.length} connection(s)`);
    return victims.length;
  }

  /** Makes every current connection half-open: silent, unread, pings unanswered, TCP still up. */
  silence(target?: string): number {
    const victims = this.server.connections(this.pathOf(target));
    for (const connection of victims) connection.silence();
    for (const module of this.modules()) if (this.targets(module, target)) module.silenceAll?.();
    this.server.log(`fault: silenced ${victims.length} connection(s)`);
    return victims.length;
  }

  /** Delays every outbound frame (Sockr: every Engine.IO packet) by `ms` from now on (0 to stop). */
  delay(ms: number): void {
    this.state.delayMs = Math.max(0, ms);
    this.server.log(`fault: outbound delay ${this.state.delayMs} ms`);
  }

  /** Sends a raw frame, unvalidated, to every connection (optionally only on one path). */
  inject(raw: string, path?: string): number {
    const targets = this.server.connections(path);
    for (const connection of targets) connection.sendRaw(raw);
    if (path === undefined) for (const module of this.modules()) module.injectAll?.(raw);
    return targets.length;
  }

  /** Refuses new connections for `ms` (HTTP 503 on upgrade; Sockr: Engine.IO refuses new handshakes). */
  refuse(ms: number): void {
    this.state.refuseUntil = Date.now() + Math.max(0, ms);
    this.server.log(`fault: refusing connections for ${ms} ms`);
  }

  /** Restarts the server, keeping module state; see MockServer.restart. */
  restart(downMs = 0): Promise<void> {
    this.server.log(`fault: restart (down ${downMs} ms)`);
    return this.server.restart(downMs);
  }

  /** Clears delay and refusal. */
  reset(): void {
    this.state.reset();
  }

  /**
   * The names `drop`, `silence` (and `?module=` over HTTP) take: every module with connections of its own
   * (a WebSocket path, or sockets it manages itself), in mounting order.
   */
  targetNames(): string[] {
    return this.modules()
      .filter((m) => m.path !== undefined || m.dropAll !== undefined || m.silenceAll !== undefined)
      .map((m) => m.name);
  }

  /** @internal */
  async handleHttp(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
    const reply = (status: number, body: unknown): void => {
      response.writeHead(status, headers).end(JSON.stringify(body));
    };
    if (url.pathname === '/_mock/endpoints') return reply(200, this.server.endpoints());
    if (request.method !== 'POST') return reply(405, { error: 'use POST' });
    const msParam = url.searchParams.get('ms');
    const ms = Number(msParam ?? '0');
    if (!Number.isFinite(ms) || ms < 0)
      return reply(400, { error: `ms must be a number of milliseconds ≥ 0, not ${JSON.stringify(msParam)}` });
    const module = url.searchParams.get('module');
    const modules = this.targetNames();
    if (module !== null && !modules.includes(module)) {
      return reply(400, {
        error: `unknown module ${JSON.stringify(module)}: use one of ${modules.join(', ')}`,
        modules,
      });
    }
    const path = url.searchParams.get('path') ?? module ?? undefined;
    switch (url.pathname) {
      case '/_mock/faults/drop':
        return reply(200, { dropped: this.drop(path) });
      case '/_mock/faults/silence':
        return reply(200, { silenced: this.silence(path) });
      case '/_mock/faults/delay':
        this.delay(ms);
        return reply(200, { delayMs: ms });
      case '/_mock/faults/refuse':
        this.refuse(ms);
        return reply(200, { refuseMs: ms });
      case '/_mock/faults/reset':
        this.reset();
        return reply(200, { reset: true });
      case '/_mock/faults/restart':
        reply(202, { restarting: true, downMs: ms });
        setTimeout(() => void this.restart(ms), 10);
        return;
      default:
        return reply(404, {
          error: 'unknown fault',
          faults: ['drop', 'silence', 'delay', 'refuse', 'restart', 'reset'],
        });
    }
  }

  /** A module name stands for its path; anything else is a path. */
  private pathOf(target: string | undefined): string | undefined {
    if (target === undefined) return undefined;
    const module = this.modules().find((m) => m.name === target);
    return module ? (module.path ?? `\u0000${module.name}`) : target;
  }

  private targets(module: ProtocolModule, target: string | undefined): boolean {
    return target === undefined || module.name === target || module.path === target;
  }

  private modules(): readonly ProtocolModule[] {
    return this.server.protocolModules;
  }
}
