/**
 * Shapes of the server events the client interprets, checked before any field is used: a hostile
 * payload (`{"messageId":{"toString":null}}`) must be one PROTOCOL error, not an exception in a handler.
 * Fields not listed pass through untouched; the app gets the payload as the server sent it.
 */
type Kind = 's' | 'n' | 'a' | 'o' | 's?' | 'o?' | 'a?';

const SHAPES: Record<string, Record<string, Kind>> = {
  authenticated: { userId: 's' },
  auth_error: { message: 's?' },
  user_online: { userId: 's' },
  user_offline: { userId: 's' },
  online_status: { statuses: 'o' },
  receive_message: { messageId: 's', from: 's', content: 's', timestamp: 'n', metadata: 'o?' },
  message_delivered: { messageId: 's' },
  message_read: { messageId: 's' },
  message_error: { error: 's', messageId: 's?' },
  typing_start: { from: 's' },
  typing_stop: { from: 's' },
  message_history: { conversationId: 's', messages: 'a' },
  group_created: { group: 'o' },
  group_create_error: { error: 's' },
  group_joined: { groupId: 's', group: 'o', queuedMessages: 'a?' },
  group_join_error: { groupId: 's', error: 's' },
  group_left: { groupId: 's' },
  group_member_joined: { groupId: 's', member: 'o' },
  group_member_left: { groupId: 's', userId: 's' },
  group_members: { groupId: 's', members: 'a' },
  user_groups: { groups: 'a' },
  group_receive_message: { groupId: 's', messageId: 's', from: 's', content: 's', timestamp: 'n', metadata: 'o?' },
  group_message_delivered: { groupId: 's', messageId: 's' },
  group_message_read: { groupId: 's', messageId: 's' },
  group_message_error: { groupId: 's', error: 's', messageId: 's?' },
  group_typing_start: { groupId: 's', from: 's' },
  group_typing_stop: { groupId: 's', from: 's' },
  group_message_history: { groupId: 's', messages: 'a' },
  call_ice_servers: { iceServers: 'a' },
  call_incoming: { callId: 's', from: 's', sdpOffer: 's', iceServers: 'a' },
  call_ringing: { callId: 's' },
  call_answered: { callId: 's', sdpAnswer: 's' },
  call_rejected: { callId: 's' },
  call_ended: { callId: 's' },
  call_busy: { callId: 's' },
  call_ice_candidate: { callId: 's', candidate: 'o' },
  conference_token: { groupId: 's', sfuUrl: 's', token: 's' },
  conference_started: { groupId: 's', startedBy: 's', participantCount: 'n' },
  conference_ended: { groupId: 's' },
  conference_participant_joined: { groupId: 's', userId: 's', participantCount: 'n' },
  conference_participant_left: { groupId: 's', userId: 's', participantCount: 'n' },
  conference_error: { groupId: 's', error: 's' },
};

const CHECKS: Record<Kind, (value: unknown) => boolean> = {
  s: (v) => typeof v === 'string',
  n: (v) => typeof v === 'number' && Number.isFinite(v),
  a: (v) => Array.isArray(v),
  o: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  's?': (v) => v === undefined || typeof v === 'string',
  'a?': (v) => v === undefined || Array.isArray(v),
  'o?': (v) => v === undefined || (v !== null && typeof v === 'object' && !Array.isArray(v)),
};

interface FieldCheck {
  field: string;
  check: (value: unknown) => boolean;
}

/** Each shape as a list of field checks, built once: this runs for every inbound event. */
const COMPILED = new Map<string, FieldCheck[]>(
  Object.entries(SHAPES).map(([event, shape]) => [
    event,
    Object.entries(shape).map(([field, kind]) => ({ field, check: CHECKS[kind] })),
  ]),
);

/** Whether `data` has the shape of `event` (events the client does not interpret always pass). */
export function isValidEvent(event: string, data: unknown): data is Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const checks = COMPILED.get(event);
  if (!checks) return true;
  for (let i = 0; i < checks.length; i++) {
    if (!checks[i].check((data as Record<string, unknown>)[checks[i].field])) return false;
  }
  return true;
}

/** A persisted message as history and `group_joined` carry it; others are dropped. */
export function isPersistedMessage(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.id === 'string' &&
    typeof m.from === 'string' &&
    typeof m.content === 'string' &&
    typeof m.timestamp === 'number'
  );
}
