import { LazyMap } from '@polysocket/core';
import { SockrCall, type CallHost } from './call';
import type { SockrBase } from './base';
import type { IceServer } from './types';

type Data = Record<string, unknown>;

export interface ConferenceState {
  groupId: string;
  active: boolean;
  startedBy?: string;
  participantCount: number;
  participants: Set<string>;
}

/**
 * The calls module: 1:1 call signalling (`client.call`, the `call` event) and SFU conferences
 * (`joinConference`, `conferenceOf`). Pass it as the `calls` option:
 *
 *   import { SockrClient, sockrCalls } from '@polysocket/sockr';
 *   new SockrClient({ url, token, calls: sockrCalls });
 */
export interface SockrCallsModule {
  /** @internal */
  create(client: SockrBase, ringTimeoutMs: number): SockrCalls;
}

/** Calls and conferences, for the `calls` option. */
export const sockrCalls: SockrCallsModule = {
  create: (client, ringTimeoutMs) => new SockrCalls(client, ringTimeoutMs),
};

/** @internal A client's calls and conferences (made by the module, driven by the client). */
export class SockrCalls {
  /** Calls in progress, by callId. */
  readonly calls = new LazyMap<string, SockrCall>();
  readonly conferences = new LazyMap<string, ConferenceState>();
  /** Outgoing calls the server has not named yet, oldest first. */
  private unnamed: SockrCall[] = [];
  private readonly host: CallHost;

  constructor(
    private readonly client: SockrBase,
    private readonly ringTimeoutMs: number,
  ) {
    this.host = {
      emit: (event, payload) => void client.fire(event, payload),
      forget: (call) => {
        if (call.callId !== undefined && this.calls.get(call.callId) === call) this.calls.delete(call.callId);
      },
      reportListenerError: (error) => client.io.connection.reportListenerError(error),
    };
  }

  call(to: string, sdpOffer: string): SockrCall {
    const refused = this.client.io.connection.cannotSend();
    if (refused) throw refused;
    const call = new SockrCall(this.host, 'outgoing', to, { ringTimeoutMs: this.ringTimeoutMs });
    this.unnamed.push(call);
    void this.client.fire('call_initiate', { to, sdpOffer });
    return call;
  }

  async getIceServers(): Promise<IceServer[]> {
    const reply = await this.client.ask<{ iceServers: IceServer[] }>('call_get_ice_servers', {}, 'call_ice_servers', {
      timeoutMs: 5000,
    });
    return reply.iceServers;
  }

  async joinConference(groupId: string): Promise<{ sfuUrl: string; token: string }> {
    const { sfuUrl, token } = await this.client.ask<{ sfuUrl: string; token: string }>(
      'conference_join',
      { groupId },
      'conference_token',
      { error: 'conference_error', key: 'groupId' },
    );
    const me = this.client.getUserId();
    if (me !== undefined) this.conference(groupId).participants.add(me);
    return { sfuUrl, token };
  }

  leaveConference(groupId: string): void {
    const me = this.client.getUserId();
    if (me !== undefined) this.conferences.get(groupId)?.participants.delete(me);
    void this.client.fire('conference_leave', { groupId });
  }

  /** A call_* or conference_* event from the server (shape already checked). */
  onEvent(event: string, data: Data): void {
    const callId = String(data.callId ?? '');
    const call = this.calls.get(callId);
    switch (event) {
      case 'call_ringing':
      case 'call_busy': {
        const named = this.unnamed.shift();
        if (!named) return;
        if (event === 'call_busy') return named.finish('busy', callId);
        this.calls.set(callId, named);
        return named.named(callId);
      }
      case 'call_incoming': {
        const incoming = new SockrCall(this.host, 'incoming', String(data.from), {
          callId,
          sdpOffer: String(data.sdpOffer),
          iceServers: data.iceServers as IceServer[],
        });
        this.calls.set(callId, incoming);
        this.client.emit('call', incoming);
        return;
      }
      case 'call_answered':
        return call?.answered(String(data.sdpAnswer));
      case 'call_rejected':
        return call?.finish('rejected');
      case 'call_ended':
        // An empty callId answers a call whose callee is offline.
        return callId === '' ? this.unnamed.shift()?.finish('unavailable') : call?.finish('ended');
      case 'call_ice_candidate':
        return call?.remoteCandidate(data.candidate as never);
      case 'conference_ended':
        this.conferences.delete(String(data.groupId));
        return;
    }
    if (!event.startsWith('conference_') || event === 'conference_token' || event === 'conference_error') return;
    // conference_started, conference_participant_joined, conference_participant_left
    const state = this.conference(String(data.groupId));
    state.active = true;
    state.participantCount = Number(data.participantCount);
    if (event === 'conference_started') {
      state.startedBy = String(data.startedBy);
      state.participants.add(state.startedBy);
    } else if (event === 'conference_participant_joined') state.participants.add(String(data.userId));
    else state.participants.delete(String(data.userId));
  }

  /** The client closed or failed: every call ends. */
  end(): void {
    for (const call of [...this.calls.values(), ...this.unnamed.splice(0)]) call.finish('ended');
  }

  private conference(groupId: string): ConferenceState {
    let state = this.conferences.get(groupId);
    if (!state)
      this.conferences.set(groupId, (state = { groupId, active: false, participantCount: 0, participants: new Set() }));
    return state;
  }
}
