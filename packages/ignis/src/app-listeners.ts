import { LazyMap, stillListening, withListener, withoutListener } from '@polysocket/core';
import type { IgnisEnvelope } from './envelope';
import type { AnyListener, AppListener } from './options';

const NONE: readonly AnyListener[] = [];

/** A `once` wrapper, which `off(event, original)` finds by the listener it wraps. */
type OnceListener = AppListener & { original: AppListener };

/**
 * The app's listeners, by event name and for every event. The lists are replaced (never changed in place) by
 * on/once/off: a delivery goes on with the lists it started with, so a listener added by a listener (a `once` that
 * re-arms itself) waits for the next event, and one removed meanwhile is skipped.
 */
export class AppListeners {
  private readonly named = new LazyMap<string, readonly AppListener[]>();
  private any: readonly AnyListener[] = NONE;

  constructor(private readonly reportListenerError: (error: unknown) => void) {}

  on(event: string, listener: AppListener): void {
    this.named.set(event, withListener(this.named.get(event), listener));
  }

  once(event: string, listener: AppListener): void {
    const wrapper: OnceListener = Object.assign(
      (data: unknown, envelope: IgnisEnvelope) => {
        this.off(event, wrapper);
        listener(data, envelope);
      },
      { original: listener },
    );
    this.on(event, wrapper);
  }

  /** Removes that listener (also one added with `once`), or every listener of the event. */
  off(event: string, listener?: AppListener): void {
    const list = this.named.get(event);
    if (list === undefined) return;
    const rest = listener ? list.filter((l) => l !== listener && (l as OnceListener).original !== listener) : [];
    if (rest.length > 0) this.named.set(event, rest);
    else this.named.delete(event);
  }

  /** Returns the function that stops listening. */
  onAny(listener: AnyListener): () => void {
    this.any = withListener(this.any, listener);
    return () => (this.any = withoutListener(this.any, listener));
  }

  deliver(frame: IgnisEnvelope): void {
    const named = this.named.get(frame.event);
    const any = this.any;
    if (named !== undefined) {
      for (let i = 0; i < named.length; i++) {
        if (!stillListening(named, this.named.get(frame.event), named[i])) continue;
        try {
          named[i](frame.data, frame);
        } catch (error) {
          this.reportListenerError(error);
        }
      }
    }
    for (let i = 0; i < any.length; i++) {
      if (!stillListening(any, this.any, any[i])) continue;
      try {
        any[i](frame.event, frame.data, frame);
      } catch (error) {
        this.reportListenerError(error);
      }
    }
  }
}
