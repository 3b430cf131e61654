import { randomUUID } from 'node:crypto';
import type { SockrSession } from './sockr-session';
import { HISTORY_DEFAULT, type Member, type StoredGroup, type StoredMessage } from './sockr-types';

/** Groups: create, join, leave, members, group messages, their receipts, typing and history. */
export function handleGroups(session: SockrSession): void {
  const { mock, socket } = session;
  const on = session.on.bind(session);

  on('group_create', ({ name, members, metadata }, userId) => {
    if (!userId) return void socket.emit('group_create_error', { error: 'Not authenticated' });
    const now = Date.now();
    const invited = (Array.isArray(members) ? members.map(String) : []).filter((m) => m !== userId);
    const group: StoredGroup = {
      id: randomUUID(),
      name: String(name),
      createdBy: userId,
      createdAt: now,
      members: [userId, ...invited],
      ...(metadata && typeof metadata === 'object' ? { metadata: metadata as Record<string, unknown> } : {}),
    };
    mock.groups.set(group.id, group);
    mock.members.set(group.id, [
      { userId, role: 'admin', joinedAt: now },
      ...invited.map((m) => ({ userId: m, role: 'member' as const, joinedAt: now })),
    ]);
    void socket.join(group.id);
    for (const m of invited) for (const s of mock.online.get(m) ?? []) void s.join(group.id);
    socket.emit('group_created', { group });
  });

  on('group_join', ({ groupId }, userId) => {
    const id = String(groupId);
    if (!userId) return void socket.emit('group_join_error', { groupId: id, error: 'Not authenticated' });
    const group = mock.groups.get(id);
    if (!group) return void socket.emit('group_join_error', { groupId: id, error: 'Group not found' });
    const list = mock.members.get(id)!;
    if (!list.some((m) => m.userId === userId)) {
      const member: Member = { userId, role: 'member', joinedAt: Date.now() };
      list.push(member);
      group.members.push(userId);
      socket.to(id).emit('group_member_joined', { groupId: id, member });
    }
    for (const s of mock.online.get(userId) ?? [socket]) void s.join(id);
    void socket.join(id);
    socket.emit('group_joined', { groupId: id, group, queuedMessages: mock.page(id, HISTORY_DEFAULT, undefined) });
  });

  on('group_leave', ({ groupId }, userId) => {
    const id = String(groupId);
    if (!userId) return;
    const list = mock.members.get(id);
    if (list)
      mock.members.set(
        id,
        list.filter((m) => m.userId !== userId),
      );
    const group = mock.groups.get(id);
    if (group) group.members = group.members.filter((m) => m !== userId);
    for (const s of mock.online.get(userId) ?? [socket]) void s.leave(id);
    mock.io?.to(id).emit('group_member_left', { groupId: id, userId });
    socket.emit('group_left', { groupId: id });
  });

  on('get_group_members', ({ groupId }) =>
    socket.emit('group_members', { groupId, members: mock.members.get(String(groupId)) ?? [] }),
  );

  on('get_user_groups', (_, userId) => {
    if (!userId) return;
    socket.emit('user_groups', { groups: [...mock.groups.values()].filter((g) => mock.isMember(g.id, userId!)) });
  });

  on('group_send_message', ({ groupId, content, metadata }, userId) => {
    const id = String(groupId);
    if (!userId) return void socket.emit('group_message_error', { groupId: id, error: 'Not authenticated' });
    if (!mock.isMember(id, userId))
      return void socket.emit('group_message_error', { groupId: id, error: 'Not a member of this group' });
    const message: StoredMessage = {
      id: randomUUID(),
      conversationId: id,
      from: userId,
      groupId: id,
      content: String(content),
      timestamp: Date.now(),
      ...(metadata && typeof metadata === 'object' ? { metadata: metadata as Record<string, unknown> } : {}),
      deliveredTo: [],
      readBy: [],
    };
    mock.messages.push(message);
    mock.io?.to(id).emit('group_receive_message', {
      groupId: id,
      messageId: message.id,
      from: userId,
      content: message.content,
      timestamp: message.timestamp,
      metadata: message.metadata,
    });
    for (const member of mock.members.get(id) ?? []) {
      if (member.userId === userId) continue;
      if (mock.isOnline(member.userId)) message.deliveredTo.push(member.userId);
      else mock.enqueue(member.userId, message);
    }
    socket.emit('group_message_delivered', { groupId: id, messageId: message.id });
  });

  on('group_message_read', ({ groupId, messageId }, userId) => {
    if (!userId) return;
    socket.to(String(groupId)).emit('group_message_read', { groupId, messageId });
  });
  on(
    'group_typing_start',
    ({ groupId }, userId) => userId && socket.to(String(groupId)).emit('group_typing_start', { groupId, from: userId }),
  );
  on(
    'group_typing_stop',
    ({ groupId }, userId) => userId && socket.to(String(groupId)).emit('group_typing_stop', { groupId, from: userId }),
  );

  on('get_group_message_history', (data, userId) => {
    const id = String(data.groupId);
    if (!userId || !mock.isMember(id, userId)) return;
    socket.emit('group_message_history', { groupId: id, messages: mock.page(id, data.limit, data.before) });
  });
}
