import { randomUUID } from 'node:crypto';
import type { SockrSession } from './sockr-session';
import type { StoredMessage } from './sockr-types';

/** Login, the post-login hook, online status, direct messages, receipts, typing and history. */
export function handleMessages(session: SockrSession): void {
  const { mock, socket, link } = session;
  const on = session.on.bind(session);
  const to = session.to.bind(session);

  on('authenticate', ({ token }) => {
    mock.authLog.push(String(token));
    let uid: string | null;
    try {
      uid = mock.options.authenticate ? mock.options.authenticate(String(token)) : defaultAuth(String(token));
    } catch {
      socket.emit('auth_error', { message: 'Authentication failed' });
      socket.disconnect(true);
      return;
    }
    if (!uid) {
      socket.emit('auth_error', { message: 'Invalid authentication token' });
      socket.disconnect(true);
      return;
    }
    session.userId = uid;
    if (link) link.user = mock.userFaultState(uid);
    let set = mock.online.get(uid);
    if (!set) mock.online.set(uid, (set = new Set()));
    set.add(socket);
    socket.emit('authenticated', { userId: uid, socketId: socket.id });
  });

  // The post-login hook listens for the client's echo of `authenticated` (sockr.md finding 2).
  on('authenticated', (_, userId) => {
    if (!userId || mock.options.postAuthHook === false) return;
    mock.io?.emit('user_online', { userId });
    const queued = mock.queues.get(userId) ?? [];
    mock.queues.delete(userId);
    for (const message of queued) {
      socket.emit('receive_message', {
        from: message.from,
        content: message.content,
        timestamp: message.timestamp,
        messageId: message.id,
        metadata: message.metadata,
      });
      if (!message.deliveredTo.includes(userId)) message.deliveredTo.push(userId);
    }
    for (const [groupId, list] of mock.members) if (list.some((m) => m.userId === userId)) void socket.join(groupId);
  });

  on('get_online_status', ({ userIds }) => {
    const statuses: Record<string, boolean> = {};
    for (const id of Array.isArray(userIds) ? userIds : []) statuses[String(id)] = mock.isOnline(String(id));
    socket.emit('online_status', { statuses });
  });

  on('send_message', ({ to: recipient, content, metadata }, userId) => {
    if (!userId) return void socket.emit('message_error', { error: 'Not authenticated' });
    const message: StoredMessage = {
      id: randomUUID(),
      conversationId: [userId, String(recipient)].sort().join(':'),
      from: userId,
      to: String(recipient),
      content: String(content),
      timestamp: Date.now(),
      ...(metadata && typeof metadata === 'object' ? { metadata: metadata as Record<string, unknown> } : {}),
      deliveredTo: [],
      readBy: [],
    };
    mock.messages.push(message);
    if (mock.isOnline(message.to!)) {
      to(message.to!, 'receive_message', {
        from: userId,
        content: message.content,
        timestamp: message.timestamp,
        messageId: message.id,
        metadata: message.metadata,
      });
      message.deliveredTo.push(message.to!);
    } else {
      mock.enqueue(message.to!, message);
    }
    socket.emit('message_delivered', { messageId: message.id });
  });

  on('message_read', ({ messageId, from }, userId) => {
    if (!userId) return;
    const message = mock.messages.find((m) => m.id === messageId);
    if (message && !message.readBy.includes(userId)) message.readBy.push(userId);
    if (typeof from === 'string') to(from, 'message_read', { messageId });
  });

  on('typing_start', ({ to: recipient }, userId) => userId && to(String(recipient), 'typing_start', { from: userId }));
  on('typing_stop', ({ to: recipient }, userId) => userId && to(String(recipient), 'typing_stop', { from: userId }));

  on('get_message_history', (data, userId) => {
    if (!userId) return;
    const conversationId = [userId, String(data.with)].sort().join(':');
    socket.emit('message_history', { conversationId, messages: mock.page(conversationId, data.limit, data.before) });
  });
}

function defaultAuth(token: string): string | null {
  if (token === 'throw') throw new Error('auth backend down');
  return token.startsWith('token:') && token.length > 6 ? token.slice(6) : null;
}
