import { EventEmitter } from 'eventemitter3';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- eventemitter3's own listener type; internal only
type AnyListener = (...args: any[]) => void;

/**
 * An eventemitter3 emitter whose listeners cannot break the code that emits: each listener is
 * registered through a guard that hands its exception to `onListenerError`, so the remaining
 * listeners still run and the read loop that emitted carries on.
 */
export class SafeEmitter<Events extends EventEmitter.ValidEventTypes> extends EventEmitter<Events> {
  /**
   * Listener → its guard, and each guard → itself (so that `off(event)` tells the app's listeners from the
   * library's own); made with the first listener (an emitter nobody listens to carries none).
   */
  private guards: WeakMap<AnyListener, AnyListener> | undefined;

  /**
   * `listenerErrorSink.reportListenerError` receives what a listener threw (an object with a method rather than
   * a callback, so an owner passes itself and no closure is made per emitter); subclasses may override
   * `onListenerError` instead.
   */
  constructor(private readonly listenerErrorSink?: { reportListenerError(error: unknown): void }) {
    super();
  }

  /** Called with what a listener threw. */
  protected onListenerError(error: unknown): void {
    this.listenerErrorSink?.reportListenerError(error);
  }

  override on<E extends EventEmitter.EventNames<Events>>(
    event: E,
    fn: EventEmitter.EventListener<Events, E>,
    context?: unknown,
  ): this {
    return super.on(event, this.guardListener(fn), context);
  }

  /**
   * Registers one of the library's own listeners: without a guard (so it must not throw; what it passes on
   * to the app goes through guarded listeners) and, with a `context` as its `this`, without a closure per
   * client. `off(event, fn, context)` removes it; `off(event)` (every app listener of the event) does not.
   */
  listenInternally<E extends EventEmitter.EventNames<Events>>(
    event: E,
    fn: EventEmitter.EventListener<Events, E>,
    context?: unknown,
  ): this {
    return super.on(event, fn, context);
  }

  override once<E extends EventEmitter.EventNames<Events>>(
    event: E,
    fn: EventEmitter.EventListener<Events, E>,
    context?: unknown,
  ): this {
    return super.once(event, this.guardListener(fn), context);
  }

  override off<E extends EventEmitter.EventNames<Events>>(
    event: E,
    fn?: EventEmitter.EventListener<Events, E>,
    context?: unknown,
    once?: boolean,
  ): this {
    const guards = this.guards;
    if (fn) super.off(event, (guards?.get(fn) as typeof fn | undefined) ?? fn, context, once);
    // Without a listener: every app listener of the event, not the library's own (`listenInternally`): those are not guarded.
    else
      for (const listener of this.listeners(event)) if (guards?.get(listener) === listener) super.off(event, listener);
    return this;
  }

  private guardListener<F>(fn: F): F {
    const guards = this.guards ?? (this.guards = new WeakMap());
    let guarded = guards.get(fn as AnyListener);
    if (!guarded) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const emitter = this;
      // `apply(this, arguments)` rather than rest parameters: V8 passes the arguments through
      // without building an array, and this runs for every event delivered to the app.
      guarded = function (this: unknown) {
        try {
          // eslint-disable-next-line prefer-rest-params
          (fn as AnyListener).apply(this, arguments as unknown as unknown[]);
        } catch (error) {
          emitter.onListenerError(error);
        }
      };
      guards.set(fn as AnyListener, guarded);
      guards.set(guarded, guarded);
    }
    return guarded as F;
  }
}

// eventemitter3's `addListener` and `removeListener` are its own `on` and `off`: these are ours.
SafeEmitter.prototype.addListener = SafeEmitter.prototype.on;
SafeEmitter.prototype.removeListener = SafeEmitter.prototype.off;
