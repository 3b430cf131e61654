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
  const { signal, timeoutMs } = options;
  const ended = (): PolySocketError =>
    new PolySocketError('DISCONNECTED', `the attempt ended while waiting for ${name}`);
  const authFailed = (message: string, cause?: unknown): PolySocketError =>
    new PolySocketError('AUTH_FAILED', `${name} ${message}`, { retryable: true, cause });
  if (signal?.aborted) throw ended();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const value = await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => reject(authFailed(`did not settle within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', (onAbort = () => reject(ended())), { once: true });
      Promise.resolve().then(provider).then(resolve, reject);
    });
    if (!options.valid(value)) throw authFailed(`must return ${options.expected}`);
    return value;
  } catch (error) {
    throw error instanceof PolySocketError ? error : authFailed('failed', error);
  } finally {
    clearTimeout(timer);
    // With a signal, the executor above (synchronous) set `onAbort`.
    signal?.removeEventListener('abort', onAbort!);
  }
}
