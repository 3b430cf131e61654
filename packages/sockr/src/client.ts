import { PolySocketError, missingModule } from '@polysocket/core';
import { SockrBase } from './base';
import type { SockrCall } from './call';
import type { ConferenceState, SockrCalls } from './calls';
import { pageBackwards } from './messages';
import type { SockrClientOptions } from './options';
import { Limiter } from './replies';
import type { SockrTyping } from './typing';
import { isPersistedMessage } from './validate';
import type { Group, GroupMember, IceServer, ISFUClientAdapter, PersistedMessage, SFUConnectOptions } from './types';

export type { Ask } from './base';
export type { ConferenceState } from './calls';
export type { SockrEvents, SockrLocalEvents, SockrSession } from './events';
export type { SockrClientOptions } from './options';

type Data = Record<string, unknown>;
type Sent = { messageId: string; clientMessageId: string };

/**
 * A client for Sockr (sockr-shared's 60 events on Socket.IO), on PolySocket's Socket.IO adapter:
 * login on every (re)connect, typed events, promise-returning requests with timeouts, messages
 * deduplicated by id, history paging, groups re-joined after each login; call signalling and SFU
 * conferences with the `calls` module, typing indicators with the `typing` module. It accepts
 * sockr-client's ClientConfig.
 */
export class SockrClient extends SockrBase {
  private readonly directSends: Limiter;
  private readonly groupSends: Limiter;

  constructor(options: SockrClientOptions) {
    super(options);
    const inFlight = Math.max(1, options.maxMessagesInFlight ?? 1);
    this.directSends = new Limiter(inFlight);
    this.groupSends = new Limiter(inFlight);
    if (options.autoConnect !== false) this.connect().catch(() => undefined);
  }

  // ---- presence ----

  /** `{userId: online}` for each id. */
  async getOnlineStatus(userIds: string[]): Promise<Record<string, boolean>> {
    return (await this.ask<{ statuses: Record<string, boolean> }>('get_online_status', { userIds }, 'online_status'))
      .statuses;
  }

  // ---- direct messages ----

  /**
   * Sends a direct message; resolves with the server's messageId once the server accepted it (stored,
   * and delivered or queued). Replies carry no request id, so by default one message is in flight at
   * a time; `metadata.clientMessageId` lets the recipient and other devices match it.
   */
  sendMessage(to: string, content: string, metadata: Record<string, unknown> = {}): Promise<Sent> {
    this.conversations.saw(to, 0);
    return this.sendTo(this.directSends, 'send_message', { to }, content, metadata);
  }

  /** Tells `from` (the sender) that their message was read. Fire-and-forget. */
  markMessageRead(messageId: string, from: string): void {
    void this.fire('message_read', { messageId, from });
  }

  /** One page: the newest `limit` messages before `before` (exclusive), oldest first. */
  async fetchMessageHistory(
    withUser: string,
    options: { limit?: number; before?: number } = {},
  ): Promise<PersistedMessage[]> {
    return this.markSeen(await this.history(withUser, options.limit ?? 50, options.before));
  }

  /** Every stored message of a conversation, page by page from the newest (each page oldest first, each message once). */
  getMessageHistory(
    withUser: string,
    options: { limit?: number; before?: number } = {},
  ): AsyncGenerator<PersistedMessage[], void, undefined> {
    return pageBackwards((before) => this.fetchMessageHistory(withUser, { ...options, before }), options);
  }

  // ---- groups ----

  async createGroup(name: string, members: string[] = [], metadata?: Record<string, unknown>): Promise<Group> {
    const { group } = await this.ask<{ group: Group }>(
      'group_create',
      { name, members, ...(metadata ? { metadata } : {}) },
      'group_created',
      { error: 'group_create_error' },
    );
    this.knownGroups.add(group.id);
    return group;
  }

  /** Joins; resolves with the group and its recent messages (which are also delivered as `group_message`). */
  async joinGroup(groupId: string): Promise<{ group: Group; queuedMessages: PersistedMessage[] }> {
    const reply = await this.ask<{ group: Group; queuedMessages?: PersistedMessage[] }>(
      'group_join',
      { groupId },
      'group_joined',
      { error: 'group_join_error', key: 'groupId' },
    );
    return { group: reply.group, queuedMessages: reply.queuedMessages ?? [] };
  }

  async leaveGroup(groupId: string): Promise<void> {
    this.knownGroups.delete(groupId);
    await this.ask('group_leave', { groupId }, 'group_left', { key: 'groupId' });
  }

  async getGroupMembers(groupId: string): Promise<GroupMember[]> {
    return (
      await this.ask<{ members: GroupMember[] }>('get_group_members', { groupId }, 'group_members', { key: 'groupId' })
    ).members;
  }

  async getUserGroups(): Promise<Group[]> {
    const { groups } = await this.ask<{ groups: Group[] }>('get_user_groups', {}, 'user_groups');
    for (const group of groups) this.knownGroups.add(group.id);
    return groups;
  }

  /** Resolves with the messageId once the server accepted it (the room echo arrives first, as `group_message`). */
  sendGroupMessage(groupId: string, content: string, metadata: Record<string, unknown> = {}): Promise<Sent> {
    return this.sendTo(this.groupSends, 'group_send_message', { groupId }, content, metadata);
  }

  markGroupMessageRead(groupId: string, messageId: string): void {
    void this.fire('group_message_read', { groupId, messageId });
  }

  async fetchGroupMessageHistory(
    groupId: string,
    options: { limit?: number; before?: number } = {},
  ): Promise<PersistedMessage[]> {
    const reply = await this.ask<{ messages: PersistedMessage[] }>(
      'get_group_message_history',
      { groupId, limit: options.limit ?? 50, before: options.before },
      'group_message_history',
      { key: 'groupId' },
    );
    return this.markSeen(reply.messages.filter(isPersistedMessage));
  }

  getGroupMessageHistory(
    groupId: string,
    options: { limit?: number; before?: number } = {},
  ): AsyncGenerator<PersistedMessage[], void, undefined> {
    return pageBackwards((before) => this.fetchGroupMessageHistory(groupId, { ...options, before }), options);
  }

  // ---- typing (the `typing` module) ----

  /**
   * Throttled (once per 2 s) and stopped by itself after 3 s without another call. A typing indicator is worth
   * nothing later: with nothing to send it on (before `connect()`, after `close()`) it is skipped, arming no timer.
   */
  startTyping(to: string): void {
    this.typing(true)?.direct.start(to);
  }

  stopTyping(to: string): void {
    this.typing().direct.stop(to);
  }

  startGroupTyping(groupId: string): void {
    this.typing(true)?.group.start(groupId);
  }

  stopGroupTyping(groupId: string): void {
    this.typing().group.stop(groupId);
  }

  /** Users (and `groupId:userId` pairs) currently typing to this client. */
  get typingNow(): ReadonlySet<string> {
    return this.typing().now();
  }

  // ---- calls and conferences (the `calls` module) ----

  /** STUN/TURN servers for this user (TURN credentials are short-lived). */
  async getIceServers(): Promise<IceServer[]> {
    return this.calls().getIceServers();
  }

  /**
   * Starts a call with an SDP offer. The call object follows it: calling → ringing → active → ended.
   * Throws INVALID before `connect()` and CLOSED after `close()`.
   */
  call(to: string, sdpOffer: string): SockrCall {
    return this.calls().call(to, sdpOffer);
  }

  /** Calls in progress, by callId. */
  get activeCalls(): ReadonlyMap<string, SockrCall> {
    return this.calls().calls;
  }

  /** Joins a group's SFU conference; resolves with where to connect and the access token. */
  async joinConference(groupId: string): Promise<{ sfuUrl: string; token: string }> {
    return this.calls().joinConference(groupId);
  }

  /** Joins and connects an SFU adapter (LiveKit or another) with the token. */
  async joinConferenceWith(adapter: ISFUClientAdapter, groupId: string, options?: SFUConnectOptions): Promise<void> {
    if (typeof adapter?.connect !== 'function')
      throw new PolySocketError('INVALID', 'joinConferenceWith needs an SFU adapter (ISFUClientAdapter)');
    const { sfuUrl, token } = await this.joinConference(groupId);
    await adapter.connect(sfuUrl, token, options);
  }

  /** Leaves (the server ignores it while this user has other sockets). */
  leaveConference(groupId: string): void {
    this.calls().leaveConference(groupId);
  }

  /** What is known of a group's conference, from the conference events. */
  conferenceOf(groupId: string): Readonly<ConferenceState> | undefined {
    return this.calls().conferences.get(groupId);
  }

  // ---- internals ----

  private sendTo(limiter: Limiter, event: string, to: Data, content: string, metadata: Data): Promise<Sent> {
    const clientMessageId = typeof metadata.clientMessageId === 'string' ? metadata.clientMessageId : uuid();
    const payload = { ...to, content, metadata: { ...metadata, clientMessageId } };
    const reply = event === 'send_message' ? 'message_delivered' : 'group_message_delivered';
    return limiter.run(async () => {
      const { messageId } = await this.ask<{ messageId: string }>(event, payload, reply, {
        error: reply.replace('delivered', 'error'),
        key: 'groupId',
        message: true,
        resend: event === 'send_message',
      });
      return { messageId, clientMessageId };
    });
  }

  private calls(): SockrCalls {
    if (!this.callState) throw missingModule('calls', 'sockrCalls', 'sockr');
    return this.callState;
  }

  /** With `start`: throws when nothing can be sent (a start then would leave an idle timer behind a closed client). */
  private typing(start: true): SockrTyping | undefined;
  private typing(): SockrTyping;
  private typing(start?: boolean): SockrTyping | undefined {
    if (!this.typingState) throw missingModule('typing', 'sockrTyping', 'sockr');
    // Not thrown: a keystroke handler (the React hooks') must not fail because the client is idle or closed.
    return start && this.io.connection.cannotSend() ? undefined : this.typingState;
  }

  private markSeen(messages: PersistedMessage[]): PersistedMessage[] {
    for (const message of messages) this.seen.acceptStored(message);
    return messages;
  }
}

function uuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
