/**
 * Reads a request body up to `limit` bytes. Refuses early on a declared Content-Length over the
 * limit, and stops reading a chunked body as soon as it passes it. A body not all there within
 * `deadlineMs` (to the second) is given up: a client trickling it would otherwise hold its place
 * in flight (MAX_INFLIGHT) for as long as it liked.
 */
export async function readBodyLimited(request: Request, limit: number, deadlineMs: number): Promise<Uint8Array | 'too_large'> {
  const reading = readWithin(request, limit);
  try {
    const body = await Promise.race([reading, secondPassed(deadlineMs)]);
    if (body !== LATE) return body;
  } catch (cause) {
    throw new BodyAbortedError(cause);
  }
  reading.catch(() => undefined);
  request.body?.cancel().catch(() => undefined);
  throw new BodyTooSlowError(deadlineMs);
}

const LATE = Symbol('late');
/** One timer per second for all the bodies being read, not one each: the deadlines fall due together, to the second. */
const dueAt = new Map<number, Promise<typeof LATE>>();
function secondPassed(ms: number): Promise<typeof LATE> {
  const second = Math.ceil((Date.now() + ms) / 1000);
  let due = dueAt.get(second);
  if (!due) {
    due = new Promise((resolve) => setTimeout(() => {
      dueAt.delete(second);
      resolve(LATE);
    }, second * 1000 - Date.now()).unref());
    dueAt.set(second, due);
  }
  return due;
}

async function readWithin(request: Request, limit: number): Promise<Uint8Array | 'too_large'> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
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

/** Splits a streamed body into lines, a chunk's worth at a time, never holding the whole body. */
export async function* readLineBatches(request: Request, limit: number): AsyncGenerator<string[]> {
  if (!request.body) return;
  const decoder = new TextDecoder();
  let size = 0;
  let rest = '';
  try {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) throw new BodyTooLargeError(limit);
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop()!;
      if (lines.length > 0) yield lines;
    }
  } catch (cause) {
    // The stream failing is the client's doing (gone mid-body), as for readBodyLimited.
    throw cause instanceof BodyTooLargeError ? cause : new BodyAbortedError(cause);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield [rest];
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
    this.message = `the request body did not all arrive within ${deadlineMs} ms (BODY_TIMEOUT_MS)`;
  }
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body is larger than ${limit} bytes`);
  }
}
