/** Told of the store's calls to Redis (its metrics: calls, latency, errors). */
export interface CallObserver {
  /** Told of every call to Redis (a command, a pipeline or a batch's script), by what it is for. */
  onCall?: (what: string) => void;
  /** Told when each call is answered or fails, and how long it took (latency metrics). */
  onCallDone?: (what: string, seconds: number, failed: boolean) => void;
}

/** The reply, or a failure ('Command timed out') once `ms` have passed without it; one timer. */
export function within<T>(reply: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Command timed out')), ms);
  });
  return Promise.race([reply, late]).finally(() => clearTimeout(timer));
}

/**
 * One call to Redis, told to the observer with its time and outcome, and bounded by `limitMs`
 * when given; a failure is rethrown as it came, for the caller to explain.
 */
export async function observedCall<T>(observer: CallObserver, what: string, command: () => Promise<T>, limitMs?: number): Promise<T> {
  observer.onCall?.(what);
  const started = observer.onCallDone ? performance.now() : 0;
  try {
    const result = await (limitMs === undefined ? command() : within(command(), limitMs));
    observer.onCallDone?.(what, (performance.now() - started) / 1000, false);
    return result;
  } catch (cause) {
    observer.onCallDone?.(what, (performance.now() - started) / 1000, true);
    throw cause;
  }
}
