/**
 * Shapes of the server events the client interprets, checked before any field is used: a hostile
 * payload (`{"messageId":{"toString":null}}`) must be one PROTOCOL error, not an exception in a handler.
 * Fields not listed pass through untouched; the app gets the payload as the server sent it.
 *
 * One event per `,`: its name, then its checked fields: `field` (a string) or `field:kind`, kind `s` string,
 * `n` number, `a` array, `o` object, `?` optional. A name starting with `*` also has a `group_` twin whose
 * fields start with `groupId`.
 */
const SHAPES =
  'authenticated userId,auth_error message:s?,user_online userId,user_offline userId,online_status statuses:o,' +
  '*receive_message messageId from content timestamp:n metadata:o?,*message_delivered messageId,' +
  '*message_read messageId,*message_error error messageId:s?,*typing_start from,*typing_stop from,' +
  'message_history conversationId messages:a,group_created group:o,group_create_error error,' +
  'group_joined groupId group:o queuedMessages:a?,group_join_error groupId error,group_left groupId,' +
  'group_member_joined groupId member:o,group_member_left groupId userId,group_members groupId members:a,' +
  'user_groups groups:a,group_message_history groupId messages:a,call_ice_servers iceServers:a,' +
  'call_incoming callId from sdpOffer iceServers:a,call_ringing callId,call_answered callId sdpAnswer,' +
  'call_rejected callId,call_ended callId,call_busy callId,call_ice_candidate callId candidate:o,' +
  'conference_token groupId sfuUrl token,conference_started groupId startedBy participantCount:n,' +
  'conference_ended groupId,conference_participant_joined groupId userId participantCount:n,' +
  'conference_participant_left groupId userId participantCount:n,conference_error groupId error';

type Check = (value: unknown) => boolean;

/** The checks of the kinds; `kind?` also takes undefined. */
const KINDS: Record<string, Check> = {
  s: (v) => typeof v === 'string',
  n: (v) => typeof v === 'number' && Number.isFinite(v),
  a: Array.isArray,
  o: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
};

/** `field:kind …` as a list of [field, check], built once: this runs for every inbound event. */
function compile(fields: string[]): [string, Check][] {
  return fields.map((spec) => {
    const [field, kind = 's'] = spec.split(':');
    const check = KINDS[kind[0]];
    return [field, kind[1] ? (v) => v === undefined || check(v) : check];
  });
}

const COMPILED = new Map<string, [string, Check][]>();
for (const entry of SHAPES.split(',')) {
  const [name, ...fields] = entry.split(' ');
  if (name[0] === '*') {
    COMPILED.set(name.slice(1), compile(fields));
    COMPILED.set(`group_${name.slice(1)}`, compile(['groupId', ...fields]));
  } else COMPILED.set(name, compile(fields));
}

const PERSISTED = compile(['id', 'from', 'content', 'timestamp:n']);

function fits(data: unknown, checks: [string, Check][]): boolean {
  return KINDS.o(data) && checks.every(([field, check]) => check((data as Record<string, unknown>)[field]));
}

/** undefined: not one of the server events the client knows (sockr-shared's); else whether `data` has its shape. */
export function checkEvent(event: string, data: unknown): boolean | undefined {
  const checks = COMPILED.get(event);
  return checks && fits(data, checks);
}

/** A persisted message as history and `group_joined` carry it; others are dropped. */
export function isPersistedMessage(value: unknown): boolean {
  return fits(value, PERSISTED);
}
