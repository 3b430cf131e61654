import type { CloseInfo, Transport, TransportData, TransportListener } from '@polysocket/core';
import { parseHandshake } from './engine';
import type { PollingTransport } from './polling-transport';

/**
 * Starts on long-polling and moves the same Engine.IO session to a WebSocket: after the `open`
 * packet it opens a WebSocket with the session id, sends `2probe`, and on `3probe` waits for the
 * poll in flight to return (the server ends it with a noop), sends `5` (upgrade) and switches.
 * If the probe fails the session simply stays on polling.
 */
export class UpgradingTransport implements Transport {
  private active: Transport;
  private listener: TransportListener | undefined;
  private probe: Transport | undefined;
  private switching = false;
  private held: TransportData[] = [];
  private closed = false;
  private upgraded = false;

  constructor(
    private readonly polling: PollingTransport,
    private readonly websocket: (sid: string) => Transport,
  ) {
    this.active = polling;
  }

  get name(): string {
    return this.upgraded ? 'websocket' : 'polling';
  }

  /** Why the transport in use failed, if it did (see PollingTransport.error). */
  get error(): Error | undefined {
    return (this.active as { error?: Error }).error;
  }

  get bufferedAmount(): number {
    return this.active.bufferedAmount;
  }

  open(listener: TransportListener): void {
    this.listener = listener;
    let sawOpen = false;
    this.polling.open({
      onOpen: () => listener.onOpen(),
      onMessage: (data) => {
        if (this.upgraded) return;
        listener.onMessage(data);
        if (!sawOpen && typeof data === 'string' && data.charAt(0) === '0') {
          sawOpen = true;
          this.maybeUpgrade(data);
        }
      },
      onClose: (info) => {
        if (!this.upgraded) this.finish(info);
      },
      onError: (error) => listener.onError(error),
    });
  }

  send(data: TransportData): void {
    if (this.switching) this.held.push(data);
    else this.active.send(data);
  }

  ping(): boolean {
    return this.active.ping?.() ?? false;
  }

  close(code?: number, reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.listener = undefined;
    this.probe?.close();
    this.active.close(code, reason);
  }

  private maybeUpgrade(openPacket: string): void {
    let sid: string;
    let upgrades: string[];
    try {
      ({ sid, upgrades } = parseHandshake(openPacket.slice(1)));
    } catch {
      return;
    }
    if (!upgrades.includes('websocket')) return;
    const probe = this.websocket(sid);
    this.probe = probe;
    probe.open({
      onOpen: () => {
        try {
          probe.send('2probe');
        } catch {
          this.abandonProbe();
        }
      },
      onMessage: (data) => {
        if (this.upgraded) {
          this.listener?.onMessage(data);
        } else if (data === '3probe' && !this.switching) {
          void this.switchTo(probe);
        }
      },
      onClose: (info) => {
        if (this.upgraded) this.finish(info);
        else this.abandonProbe();
      },
      onError: (error) => {
        if (this.upgraded) this.listener?.onError(error);
      },
      onPong: () => this.listener?.onPong?.(),
    });
  }

  private async switchTo(probe: Transport): Promise<void> {
    this.switching = true;
    await this.polling.pause();
    if (this.closed || this.probe !== probe) return;
    const leftover = this.polling.takeQueued();
    try {
      probe.send('5');
      this.polling.detach();
      this.upgraded = true;
      this.active = probe;
      this.probe = undefined;
      this.switching = false;
      for (const data of [...leftover, ...this.held]) probe.send(data);
      this.held = [];
    } catch {
      // The WebSocket died at the last moment: the session is lost with it.
      this.finish({ code: 1006, reason: 'upgrade failed', wasClean: false });
    }
  }

  private abandonProbe(): void {
    const probe = this.probe;
    this.probe = undefined;
    probe?.close();
    if (this.switching) {
      // Polling was paused for nothing; the session cannot go back reliably, so end it and reconnect.
      this.finish({ code: 1006, reason: 'upgrade probe failed after pausing polling', wasClean: false });
    }
  }

  private finish(info: CloseInfo): void {
    if (this.closed) return;
    const listener = this.listener;
    this.close();
    listener?.onClose(info);
  }
}
