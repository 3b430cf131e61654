import { randomUUID } from 'node:crypto';
import type { SockrSession } from './sockr-session';
import type { Call } from './sockr-types';

/** P2P call signalling (with the ICE servers the mock hands out) and SFU conferences with a fake provider. */
export function handleCalls(session: SockrSession): void {
  const { mock, socket } = session;
  const on = session.on.bind(session);
  const to = session.to.bind(session);

  on(
    'call_get_ice_servers',
    (_, userId) => userId && socket.emit('call_ice_servers', { iceServers: mock.iceServersFor(userId) }),
  );

  on('call_initiate', (data, userId) => {
    if (!userId) return;
    // A test hook (`holdCalls`) may keep the call unnamed for a while: no call_ringing, no call_incoming yet.
    if (mock.heldCalls) mock.heldCalls.push(() => initiate(data, userId));
    else initiate(data, userId);
  });
  function initiate({ to: callee, sdpOffer }: Record<string, unknown>, userId: string): void {
    const calleeId = String(callee);
    if (!mock.isOnline(calleeId)) return void socket.emit('call_ended', { callId: '' });
    if ([...mock.calls.values()].some((c) => c.calleeId === calleeId || c.callerId === calleeId)) {
      return void socket.emit('call_busy', { callId: randomUUID() });
    }
    const call: Call = { callId: randomUUID(), callerId: userId, calleeId, status: 'ringing' };
    mock.calls.set(call.callId, call);
    socket.emit('call_ringing', { callId: call.callId });
    to(calleeId, 'call_incoming', {
      callId: call.callId,
      from: userId,
      sdpOffer,
      iceServers: mock.iceServersFor(calleeId),
    });
  }
  on('call_answer', ({ callId, sdpAnswer }, userId) => {
    const call = mock.calls.get(String(callId));
    if (!userId || !call) return;
    call.status = 'active';
    to(call.callerId, 'call_answered', { callId: call.callId, sdpAnswer });
  });
  on('call_reject', ({ callId }, userId) => {
    const call = mock.calls.get(String(callId));
    if (!userId || !call) return;
    mock.calls.delete(call.callId);
    to(call.callerId, 'call_rejected', { callId: call.callId });
  });
  on('call_hangup', ({ callId }, userId) => {
    const call = mock.calls.get(String(callId));
    if (!userId || !call) return;
    mock.calls.delete(call.callId);
    to(userId === call.callerId ? call.calleeId : call.callerId, 'call_ended', { callId: call.callId });
  });
  on('call_ice_candidate', ({ callId, candidate }, userId) => {
    const call = mock.calls.get(String(callId));
    if (!userId || !call) return;
    to(userId === call.callerId ? call.calleeId : call.callerId, 'call_ice_candidate', {
      callId: call.callId,
      candidate,
    });
  });

  on('conference_join', ({ groupId }, userId) => {
    const id = String(groupId);
    if (!userId) return void socket.emit('conference_error', { groupId: id, error: 'Not authenticated' });
    if (!mock.isMember(id, userId))
      return void socket.emit('conference_error', { groupId: id, error: 'Not a member of this group' });
    let room = mock.conferences.get(id);
    const first = !room;
    if (!room) mock.conferences.set(id, (room = { startedBy: userId, participants: new Map() }));
    const again = room.participants.has(userId);
    room.participants.set(userId, Date.now());
    socket.emit('conference_token', {
      groupId: id,
      sfuUrl: mock.options.sfuUrl ?? 'wss://sfu.mock.invalid',
      token: fakeSfuToken(id, userId),
    });
    if (again) return;
    if (first) mock.io?.to(id).emit('conference_started', { groupId: id, startedBy: userId, participantCount: 1 });
    else
      mock.io
        ?.to(id)
        .emit('conference_participant_joined', { groupId: id, userId, participantCount: room.participants.size });
  });
  on('conference_leave', ({ groupId }, userId) => {
    if (!userId || mock.socketsOf(userId) > 1) return;
    mock.leaveConference(String(groupId), userId);
  });
}

/** A stand-in SFU access token: room, identity and expiry, base64url (a real provider would sign it). */
function fakeSfuToken(room: string, identity: string): string {
  return Buffer.from(
    JSON.stringify({ room, identity, exp: Math.floor(Date.now() / 1000) + 3600, nonce: randomUUID() }),
  ).toString('base64url');
}
