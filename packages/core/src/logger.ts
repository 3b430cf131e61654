/** An optional sink for diagnostics. Console satisfies it. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

const REDACTED = '[redacted]';

/**
 * Each logger's secrets, made on its first: a client without credentials carries none. Kept here, not on the
 * logger, so no walk of a client's properties (`Object.values`, a dumper, `util.inspect` of a part) reaches them.
 */
const SECRETS = new WeakMap<RedactingLogger, Set<string>>();

/** `util.inspect` / `console.log` in Node call an object's method under this key: what holds secrets overrides it. */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * A logger wrapper that replaces every registered secret (token, key) with `[redacted]` in
 * messages, error messages and string details, so credentials never reach the app's log.
 * The core never logs frames; this is the second line of defence for text that mentions a secret.
 */
export class RedactingLogger implements Logger {
  constructor(private readonly logSink: Logger | undefined) {}

  /** `util.inspect` / `console.log` in Node must not list the secrets it hides. */
  [INSPECT](): string {
    return 'RedactingLogger {}';
  }

  /** Registers a value that must never be logged. Short values are ignored (they would redact noise). */
  addSecret(secret: unknown): void {
    if (typeof secret !== 'string' || secret.length < 4) return;
    let secrets = SECRETS.get(this);
    if (!secrets) SECRETS.set(this, (secrets = new Set()));
    secrets.add(secret);
  }

  // The four levels, made below on the prototype: each writes through `writeLevel`.
  declare debug: Logger['debug'];
  declare info: Logger['info'];
  declare warn: Logger['warn'];
  declare error: Logger['error'];

  redact(text: string): string {
    for (const secret of SECRETS.get(this) ?? []) text = text.split(secret).join(REDACTED);
    return text;
  }

  /**
   * @internal Strings and errors (as their text) and objects (through JSON) are scrubbed; other details pass as
   * they are.
   */
  writeLevel(level: keyof Logger, message: string, details: unknown[]): void {
    try {
      this.logSink?.[level](
        this.redact(message),
        ...details.map((detail) => {
          try {
            return typeof detail === 'string' || detail instanceof Error
              ? this.redact(String(detail))
              : detail && typeof detail === 'object'
                ? JSON.parse(this.redact(JSON.stringify(detail)))
                : detail;
          } catch {
            return REDACTED;
          }
        }),
      );
    } catch {
      // A throwing logger must not break the client.
    }
  }
}

for (const level of ['debug', 'info', 'warn', 'error'] as const)
  RedactingLogger.prototype[level] = function (this: RedactingLogger, message: string, ...details: unknown[]) {
    this.writeLevel(level, message, details);
  };
