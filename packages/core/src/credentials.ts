import { PolySocketError } from './errors';

export interface FetchCredentialsOptions {
  timeoutMs: number;
  valid: (value: unknown) => boolean;
  expected: string;
  /** The attempt's signal: when the attempt ends (close, drop, timeout) the wait ends and its timer is released. */
  signal?: AbortSignal;
}

/**
 * Calls an app's credential provider (a token callback, an auth payload provider) with a deadline.
 * Every failure — a throw, a rejection, no answer within `timeoutMs`, or a value `valid` refuses — is a
 * retryable AUTH_FAILED naming the provider, so the attempt backs off and asks again. An aborted attempt
 * rejects with DISCONNECTED at once; a provider that settles later is ignored.
 */
export async function fetchCredentials<T>(
  name: string,
  provider: () => T | Promise<T>,
  options: FetchCredentialsOptions,
): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) throw new PolySocketError('DISCONNECTED', `the attempt ended before ${name} was called`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const value = await Promise.race([
      Promise.resolve().then(provider),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new PolySocketError('AUTH_FAILED', `${name} did not settle within ${options.timeoutMs} ms`, {
                retryable: true,
              }),
            ),
          options.timeoutMs,
        );
        if (signal) {
          onAbort = () => reject(new PolySocketError('DISCONNECTED', `the attempt ended while waiting for ${name}`));
          signal.addEventListener('abort', onAbort, { once: true });
        }
      }),
    ]);
    if (!options.valid(value))
      throw new PolySocketError('AUTH_FAILED', `${name} must return ${options.expected}`, { retryable: true });
    return value;
  } catch (error) {
    if (error instanceof PolySocketError) throw error;
    throw new PolySocketError('AUTH_FAILED', `${name} failed`, { retryable: true, cause: error });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
