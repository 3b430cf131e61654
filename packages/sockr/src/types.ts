/**
 * sockr-shared 1.3, as the seed defines it: the SocketEvent enum, EventPayloads and the shared
 * types. Plus, in `ClientPayloads`, the client→server payloads the real server reads that the seed
 * leaves out (typing `{to}`, group typing `{groupId}`, `message_read {messageId, from}`).
 */

export enum SocketEvent {
  // Connection (Socket.IO lifecycle)
  CONNECT = 'connect',
  DISCONNECT = 'disconnect',
  ERROR = 'error',
  // Authentication
  AUTHENTICATE = 'authenticate',
  AUTHENTICATED = 'authenticated',
  AUTH_ERROR = 'auth_error',
  // Presence
  USER_ONLINE = 'user_online',
  USER_OFFLINE = 'user_offline',
  GET_ONLINE_STATUS = 'get_online_status',
  ONLINE_STATUS = 'online_status',
  // Direct messaging
  SEND_MESSAGE = 'send_message',
  RECEIVE_MESSAGE = 'receive_message',
  MESSAGE_DELIVERED = 'message_delivered',
  MESSAGE_READ = 'message_read',
  MESSAGE_ERROR = 'message_error',
  TYPING_START = 'typing_start',
  TYPING_STOP = 'typing_stop',
  GET_MESSAGE_HISTORY = 'get_message_history',
  MESSAGE_HISTORY = 'message_history',
  // Group management
  GROUP_CREATE = 'group_create',
  GROUP_CREATED = 'group_created',
  GROUP_CREATE_ERROR = 'group_create_error',
  GROUP_JOIN = 'group_join',
  GROUP_JOINED = 'group_joined',
  GROUP_JOIN_ERROR = 'group_join_error',
  GROUP_LEAVE = 'group_leave',
  GROUP_LEFT = 'group_left',
  GROUP_MEMBER_JOINED = 'group_member_joined',
  GROUP_MEMBER_LEFT = 'group_member_left',
  GET_GROUP_MEMBERS = 'get_group_members',
  GROUP_MEMBERS = 'group_members',
  GET_USER_GROUPS = 'get_user_groups',
  USER_GROUPS = 'user_groups',
  // Group messaging
  GROUP_SEND_MESSAGE = 'group_send_message',
  GROUP_RECEIVE_MESSAGE = 'group_receive_message',
  GROUP_MESSAGE_DELIVERED = 'group_message_delivered',
  GROUP_MESSAGE_READ = 'group_message_read',
  GROUP_MESSAGE_ERROR = 'group_message_error',
  GROUP_TYPING_START = 'group_typing_start',
  GROUP_TYPING_STOP = 'group_typing_stop',
  GET_GROUP_MESSAGE_HISTORY = 'get_group_message_history',
  GROUP_MESSAGE_HISTORY = 'group_message_history',
  // Voice calling (P2P)
  CALL_GET_ICE_SERVERS = 'call_get_ice_servers',
  CALL_ICE_SERVERS = 'call_ice_servers',
  CALL_INITIATE = 'call_initiate',
  CALL_INCOMING = 'call_incoming',
  CALL_RINGING = 'call_ringing',
  CALL_ANSWER = 'call_answer',
  CALL_ANSWERED = 'call_answered',
  CALL_REJECT = 'call_reject',
  CALL_REJECTED = 'call_rejected',
  CALL_HANGUP = 'call_hangup',
  CALL_ENDED = 'call_ended',
  CALL_BUSY = 'call_busy',
  CALL_ICE_CANDIDATE = 'call_ice_candidate',
  // Group conference calling (SFU)
  CONFERENCE_JOIN = 'conference_join',
  CONFERENCE_LEAVE = 'conference_leave',
  CONFERENCE_TOKEN = 'conference_token',
  CONFERENCE_STARTED = 'conference_started',
  CONFERENCE_ENDED = 'conference_ended',
  CONFERENCE_PARTICIPANT_JOINED = 'conference_participant_joined',
  CONFERENCE_PARTICIPANT_LEFT = 'conference_participant_left',
  CONFERENCE_ERROR = 'conference_error',
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRecord = Record<string, any>;

export interface EventPayloads {
  // Auth
  authenticate: { token: string };
  authenticated: { userId: string; socketId: string };
  auth_error: { message: string };
  // Presence
  user_online: { userId: string };
  user_offline: { userId: string };
  get_online_status: { userIds: string[] };
  online_status: { statuses: Record<string, boolean> };
  // Direct messaging
  send_message: { to: string; content: string; metadata?: AnyRecord };
  receive_message: { from: string; content: string; timestamp: number; messageId: string; metadata?: AnyRecord };
  message_delivered: { messageId: string };
  message_read: { messageId: string; from?: string };
  message_error: { messageId: string; error: string };
  typing_start: { from: string };
  typing_stop: { from: string };
  get_message_history: { with: string; limit?: number; before?: number };
  message_history: { conversationId: string; messages: PersistedMessage[] };
  // Group management
  group_create: { name: string; members?: string[]; metadata?: AnyRecord };
  group_created: { group: Group };
  group_create_error: { error: string };
  group_join: { groupId: string };
  group_joined: { groupId: string; group: Group; queuedMessages?: PersistedMessage[] };
  group_join_error: { groupId: string; error: string };
  group_leave: { groupId: string };
  group_left: { groupId: string };
  group_member_joined: { groupId: string; member: GroupMember };
  group_member_left: { groupId: string; userId: string };
  get_group_members: { groupId: string };
  group_members: { groupId: string; members: GroupMember[] };
  get_user_groups: Record<string, never>;
  user_groups: { groups: Group[] };
  // Group messaging
  group_send_message: { groupId: string; content: string; metadata?: AnyRecord };
  group_receive_message: {
    groupId: string;
    messageId: string;
    from: string;
    content: string;
    timestamp: number;
    metadata?: AnyRecord;
  };
  group_message_delivered: { groupId: string; messageId: string };
  group_message_read: { groupId: string; messageId: string };
  group_message_error: { groupId: string; messageId?: string; error: string };
  group_typing_start: { groupId: string; from: string };
  group_typing_stop: { groupId: string; from: string };
  get_group_message_history: { groupId: string; limit?: number; before?: number };
  group_message_history: { groupId: string; messages: PersistedMessage[] };
  // Voice calling (P2P)
  call_get_ice_servers: Record<string, never>;
  call_ice_servers: { iceServers: IceServer[] };
  call_initiate: { to: string; sdpOffer: string };
  call_incoming: { callId: string; from: string; sdpOffer: string; iceServers: IceServer[] };
  call_ringing: { callId: string };
  call_answer: { callId: string; sdpAnswer: string };
  call_answered: { callId: string; sdpAnswer: string };
  call_reject: { callId: string };
  call_rejected: { callId: string };
  call_hangup: { callId: string };
  call_ended: { callId: string };
  call_busy: { callId: string };
  call_ice_candidate: { callId: string; candidate: IceCandidateInit };
  // Group conference calling (SFU)
  conference_join: { groupId: string };
  conference_leave: { groupId: string };
  conference_token: { groupId: string; sfuUrl: string; token: string };
  conference_started: { groupId: string; startedBy: string; participantCount: number };
  conference_ended: { groupId: string };
  conference_participant_joined: { groupId: string; userId: string; participantCount: number };
  conference_participant_left: { groupId: string; userId: string; participantCount: number };
  conference_error: { groupId: string; error: string };
}

/** What the real server reads from the client where it differs from EventPayloads. */
export interface ClientPayloads {
  typing_start: { to: string };
  typing_stop: { to: string };
  group_typing_start: { groupId: string };
  group_typing_stop: { groupId: string };
  message_read: { messageId: string; from?: string };
  message_error: { messageId?: string; error: string };
}

/** Events the server sends (the ones `SockrClient.on` types). */
export type ServerEvent =
  | 'authenticated'
  | 'auth_error'
  | 'user_online'
  | 'user_offline'
  | 'online_status'
  | 'receive_message'
  | 'message_delivered'
  | 'message_read'
  | 'message_error'
  | 'typing_start'
  | 'typing_stop'
  | 'message_history'
  | 'group_created'
  | 'group_create_error'
  | 'group_joined'
  | 'group_join_error'
  | 'group_left'
  | 'group_member_joined'
  | 'group_member_left'
  | 'group_members'
  | 'user_groups'
  | 'group_receive_message'
  | 'group_message_delivered'
  | 'group_message_read'
  | 'group_message_error'
  | 'group_typing_start'
  | 'group_typing_stop'
  | 'group_message_history'
  | 'call_ice_servers'
  | 'call_incoming'
  | 'call_ringing'
  | 'call_answered'
  | 'call_rejected'
  | 'call_ended'
  | 'call_busy'
  | 'call_ice_candidate'
  | 'conference_token'
  | 'conference_started'
  | 'conference_ended'
  | 'conference_participant_joined'
  | 'conference_participant_left'
  | 'conference_error';

/** Server → client payloads; `message_error.messageId` can be missing on the wire ("Not authenticated"). */
export type ServerPayloads = Omit<Pick<EventPayloads, ServerEvent>, 'message_error'> & {
  message_error: { messageId?: string; error: string };
};

export interface User {
  id: string;
  socketId: string;
  connectedAt: number;
  metadata?: AnyRecord;
}

export interface UserConnection {
  userId: string;
  socketId: string;
  isOnline: boolean;
}

export interface Message {
  id: string;
  from: string;
  to: string;
  content: string;
  timestamp: number;
  delivered: boolean;
  metadata?: AnyRecord;
}

export interface PersistedMessage {
  id: string;
  /** `${userA}:${userB}` (sorted) for 1:1, the groupId for groups. */
  conversationId: string;
  from: string;
  to?: string;
  groupId?: string;
  content: string;
  timestamp: number;
  metadata?: AnyRecord;
  deliveredTo: string[];
  readBy: string[];
}

export interface MessageOptions {
  requireAcknowledgment?: boolean;
  timeout?: number;
}

export interface PaginationOpts {
  limit: number;
  before?: number;
  after?: number;
}

export interface Group {
  id: string;
  name: string;
  createdBy: string;
  createdAt: number;
  members: string[];
  metadata?: AnyRecord;
}

export type GroupMemberRole = 'admin' | 'member';

export interface GroupMember {
  userId: string;
  role: GroupMemberRole;
  joinedAt: number;
}

export interface GroupMessage {
  id: string;
  groupId: string;
  from: string;
  content: string;
  timestamp: number;
  metadata?: AnyRecord;
  deliveredTo: string[];
  readBy: string[];
}

export type CallStatus = 'initiating' | 'ringing' | 'active' | 'ended' | 'rejected' | 'busy';

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface ActiveCall {
  callId: string;
  callerId: string;
  calleeId: string;
  status: CallStatus;
  startedAt: number;
}

export interface ConferenceParticipant {
  userId: string;
  joinedAt: number;
}

export interface ConferenceRoom {
  groupId: string;
  participants: ConferenceParticipant[];
  startedAt: number;
  startedBy: string;
}

export interface TokenOptions {
  ttl?: number;
  canPublish?: boolean;
  canSubscribe?: boolean;
}

export interface RoomOptions {
  emptyTimeout?: number;
}

/** Server-side SFU provider (implemented by the mock server's fake SFU). */
export interface ISFUProvider {
  connect?(): Promise<void>;
  disconnect?(): Promise<void>;
  generateToken(roomName: string, participantIdentity: string, opts?: TokenOptions): Promise<string>;
  createRoom?(roomName: string, opts?: RoomOptions): Promise<void>;
  deleteRoom?(roomName: string): Promise<void>;
}

export interface SFUConnectOptions {
  audio?: boolean;
  video?: boolean;
}

export interface SFUPublishOptions {
  audio?: boolean;
  video?: boolean;
}

/** The track type the adapter hands over (a browser MediaStreamTrack); opaque to this package. */
export type MediaTrack = unknown;

/** Client-side SFU abstraction (LiveKit, mediasoup, ...), as sockr-shared defines it. */
export interface ISFUClientAdapter {
  connect(sfuUrl: string, token: string, opts?: SFUConnectOptions): Promise<void>;
  disconnect(): Promise<void>;
  publishTracks(opts?: SFUPublishOptions): Promise<void>;
  onTrackSubscribed(handler: (track: MediaTrack, participantId: string) => void): void;
  onTrackUnsubscribed(handler: (track: MediaTrack, participantId: string) => void): void;
  onParticipantConnected(handler: (participantId: string) => void): void;
  onParticipantDisconnected(handler: (participantId: string) => void): void;
  onDisconnected(handler: () => void): void;
}

/** sockr-client's ClientConfig. */
export interface ClientConfig {
  url: string;
  autoConnect?: boolean;
  reconnection?: boolean;
  reconnectionAttempts?: number;
  reconnectionDelay?: number;
  timeout?: number;
  transports?: ('websocket' | 'polling')[];
}

/** The 1:1 conversation id the server uses: both userIds sorted, joined with ':'. */
export function conversationIdOf(a: string, b: string): string {
  return [a, b].sort().join(':');
}
