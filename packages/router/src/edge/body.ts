/** A large body may take longer: one more second per whole MiB it declares (a batch of 16 MiB, 26 s by default). */
const MS_PER_DECLARED_MIB = 1_000;

/**
 * Reads a request body up to `limit` bytes. Refuses early on a declared Content-Length over the
 * limit, and stops reading a chunked body as soon as it passes it. A body not all there within
 * `deadlineMs` (to the second; more for a large declared length) is given up: a client trickling
 * it would otherwise hold its place in flight (MAX_INFLIGHT) for as long as it liked.
 */
export async function readBodyLimited(request: Request, limit: number, deadlineMs: number): Promise<Uint8Array | 'too_large'> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  const allowedMs = deadlineMs + (declared > 0 ? Math.floor(declared / 1024 / 1024) * MS_PER_DECLARED_MIB : 0);
  try {
    return await withinDeadline(readWithin(request, limit, declared), allowedMs);
  } catch (cause) {
    if (cause === LATE) throw new BodyTooSlowError(allowedMs);
    throw new BodyAbortedError(cause);
  }
}

const LATE = Symbol('late');
/**
 * The reads whose deadline falls in each second, each by its way to fail: one timer per second for
 * them all, not one each, and a read that ends leaves its set at once (nothing of it is held until then).
 */
const dueBySecond = new Map<number, Set<(reason: unknown) => void>>();
function withinDeadline<T>(reading: Promise<T>, ms: number): Promise<T> {
  const second = Math.ceil((Date.now() + ms) / 1000);
  let due = dueBySecond.get(second);
  if (!due) {
    const failing = (due = new Set());
    dueBySecond.set(second, failing);
    setTimeout(() => {
      dueBySecond.delete(second);
      for (const fail of failing) fail(LATE);
    }, second * 1000 - Date.now()).unref();
  }
  const set = due;
  return new Promise<T>((resolve, reject) => {
    set.add(reject);
    reading.then(
      (value) => { set.delete(reject); resolve(value); },
      (error) => { set.delete(reject); reject(error); },
    );
  });
}

async function readWithin(request: Request, limit: number, declared: number): Promise<Uint8Array | 'too_large'> {
  if (declared > limit) return 'too_large';
  // With a declared length within the limit, the runtime's own reader is the fast path.
  if (Number.isInteger(declared)) return new Uint8Array(await request.arrayBuffer());
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Splits a streamed body into lines, a chunk's worth at a time, never holding the whole body. A
 * line longer than `lineMax` characters is not held either: it comes as null, in its place.
 */
export async function* readLineBatches(request: Request, limit: number, lineMax = Number.POSITIVE_INFINITY): AsyncGenerator<(string | null)[]> {
  if (!request.body) return;
  const decoder = new TextDecoder();
  let size = 0;
  // The line not ended yet, in pieces: joined once its end comes (joined at every chunk, a line
  // of megabytes cost time growing with its square). Past lineMax, its pieces are dropped.
  let rest: string[] = [];
  let restLength = 0;
  let overlong = false;
  const hold = (piece: string) => {
    if (overlong) return;
    rest.push(piece);
    restLength += piece.length;
    if (restLength > lineMax) [rest, restLength, overlong] = [[], 0, true];
  };
  const take = (): string | null => {
    const line = overlong ? null : rest.join('');
    [rest, restLength, overlong] = [[], 0, false];
    return line;
  };
  try {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) throw new BodyTooLargeError(limit);
      const pieces = decoder.decode(chunk, { stream: true }).split('\n');
      hold(pieces[0]);
      if (pieces.length === 1) continue;
      const lines: (string | null)[] = [take()];
      for (let i = 1; i < pieces.length - 1; i++) lines.push(pieces[i].length > lineMax ? null : pieces[i]);
      hold(pieces[pieces.length - 1]);
      yield lines;
    }
  } catch (cause) {
    // The stream failing is the client's doing (gone mid-body), as for readBodyLimited.
    throw cause instanceof BodyTooLargeError ? cause : new BodyAbortedError(cause);
  }
  hold(decoder.decode());
  if (overlong || restLength > 0) yield [take()];
}

/** The client's body stopped before its end (most often: the client closed the connection). */
export class BodyAbortedError extends Error {
  constructor(cause: unknown) {
    super(`the request body ended before it was complete: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** A body given up for taking longer than its deadline to arrive (see readBodyLimited). */
export class BodyTooSlowError extends BodyAbortedError {
  constructor(deadlineMs: number) {
    super(undefined);
    this.message = `the request body did not all arrive within ${deadlineMs} ms (BODY_TIMEOUT_MS, and a second per MiB declared)`;
  }
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body is larger than ${limit} bytes`);
  }
}
