import type { PolySocketError } from './errors';
import type { Gate, OutboxEntry } from './outbox';
import type { EncodedFrame } from './transport';

/** A send waiting in the outbox; its promise settles when it is written or dropped. */
export class QueuedSend implements OutboxEntry {
  constructor(
    readonly data: EncodedFrame,
    readonly size: number,
    readonly expiresAt: number,
    readonly gate: Gate | undefined,
    private readonly resolve: (written: boolean) => void,
    private readonly reject: (error: PolySocketError) => void,
  ) {}
  written(): void {
    this.resolve(true);
  }
  failed(error: PolySocketError): void {
    this.reject(error);
  }
}
