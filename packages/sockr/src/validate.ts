/**
 * Shapes of the server events the client interprets, checked before any field is used: a hostile
 * payload (`{"messageId":{"toString":null}}`) must be one PROTOCOL error, not an exception in a handler.
 * Fields not listed pass through untouched; the app gets the payload as the server sent it.
 */
/** Each event's checked fields: `field` (a string) or `field:kind`, kind `s` string, `n` number, `a` array, `o` object, `?` optional. */
const SHAPES: Record<string, string> = {
  authenticated: 'userId',
  auth_error: 'message:s?',
  user_online: 'userId',
  user_offline: 'userId',
  online_status: 'statuses:o',
  receive_message: 'messageId from content timestamp:n metadata:o?',
  message_delivered: 'messageId',
  message_read: 'messageId',
  message_error: 'error messageId:s?',
  typing_start: 'from',
  typing_stop: 'from',
  message_history: 'conversationId messages:a',
  group_created: 'group:o',
  group_create_error: 'error',
  group_joined: 'groupId group:o queuedMessages:a?',
  group_join_error: 'groupId error',
  group_left: 'groupId',
  group_member_joined: 'groupId member:o',
  group_member_left: 'groupId userId',
  group_members: 'groupId members:a',
  user_groups: 'groups:a',
  group_receive_message: 'groupId messageId from content timestamp:n metadata:o?',
  group_message_delivered: 'groupId messageId',
  group_message_read: 'groupId messageId',
  group_message_error: 'groupId error messageId:s?',
  group_typing_start: 'groupId from',
  group_typing_stop: 'groupId from',
  group_message_history: 'groupId messages:a',
  call_ice_servers: 'iceServers:a',
  call_incoming: 'callId from sdpOffer iceServers:a',
  call_ringing: 'callId',
  call_answered: 'callId sdpAnswer',
  call_rejected: 'callId',
  call_ended: 'callId',
  call_busy: 'callId',
  call_ice_candidate: 'callId candidate:o',
  conference_token: 'groupId sfuUrl token',
  conference_started: 'groupId startedBy participantCount:n',
  conference_ended: 'groupId',
  conference_participant_joined: 'groupId userId participantCount:n',
  conference_participant_left: 'groupId userId participantCount:n',
  conference_error: 'groupId error',
};

/** The checks of the kinds; `kind?` also takes undefined. */
const CHECKS: Record<string, (value: unknown) => boolean> = {
  s: (v) => typeof v === 'string',
  n: (v) => typeof v === 'number' && Number.isFinite(v),
  a: (v) => Array.isArray(v),
  o: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
};

interface FieldCheck {
  field: string;
  check: (value: unknown) => boolean;
}

/** Each shape as a list of field checks, built once: this runs for every inbound event. */
const COMPILED = new Map<string, FieldCheck[]>(
  Object.entries(SHAPES).map(([event, shape]) => [
    event,
    shape.split(' ').map((spec) => {
      const [field, kind = 's'] = spec.split(':');
      const check = CHECKS[kind[0]];
      return { field, check: kind[1] ? (v: unknown) => v === undefined || check(v) : check };
    }),
  ]),
);

/** One of the server events the client knows (sockr-shared's). */
export function isServerEvent(event: string): boolean {
  return COMPILED.has(event);
}

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
