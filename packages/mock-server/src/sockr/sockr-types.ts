/** Shapes as the Sockr server stores and sends them (written from the protocol notes, not the client). */
export interface StoredMessage {
  id: string;
  conversationId: string;
  from: string;
  to?: string;
  groupId?: string;
  content: string;
  timestamp: number;
  metadata?: Record<string, unknown>;
  deliveredTo: string[];
  readBy: string[];
}
export interface StoredGroup {
  id: string;
  name: string;
  createdBy: string;
  createdAt: number;
  members: string[];
  metadata?: Record<string, unknown>;
}
export interface Member {
  userId: string;
  role: 'admin' | 'member';
  joinedAt: number;
}
export interface Call {
  callId: string;
  callerId: string;
  calleeId: string;
  status: 'ringing' | 'active';
}
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface SockrMockOptions {
  /** `authenticate` tokens → userId. Default: `token:<userId>` authenticates as `<userId>`; `throw` makes the handler throw. */
  authenticate?: (token: string) => string | null;
  /** Static ICE servers. Default one public-style STUN entry. */
  iceServers?: IceServer[];
  /** TURN with coturn `use-auth-secret` credentials (HMAC-SHA1 of `expiry:userId`). */
  turn?: { urls: string | string[]; secret: string; ttl?: number };
  /** The SFU URL handed out with conference tokens. */
  sfuUrl?: string;
  pingInterval?: number;
  pingTimeout?: number;
  /** When false, the server ignores the client's `authenticated` echo (like a server without the hook). */
  postAuthHook?: boolean;
  /** socket.io's `maxHttpBufferSize` (announced as `maxPayload` in the Engine.IO handshake). Default 1 MB, as Sockr's server. */
  maxHttpBufferSize?: number;
  /** Where the generic Socket.IO demo namespace is mounted (`socketio-demo.ts`); default `/demo`, false for none. */
  demoNamespace?: string | false;
}

/** Messages a history page or a group join carries when the client names no limit. */
export const HISTORY_DEFAULT = 50;
