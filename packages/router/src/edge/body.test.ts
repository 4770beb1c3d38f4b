import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readLineBatches } from './body.ts';

/** A request whose body arrives in these chunks. */
function streamed(chunks: string[]): Request {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Request('http://router/v1/admin/devices:import', { method: 'POST', body, duplex: 'half' } as RequestInit);
}

async function linesOf(request: Request, limit = 1 << 30, lineMax?: number): Promise<(string | null)[]> {
  const lines: (string | null)[] = [];
  for await (const batch of readLineBatches(request, limit, lineMax)) lines.push(...batch);
  return lines;
}

describe('readLineBatches', () => {
  it('gives the body\'s lines whatever the chunks cut, a line over many chunks whole, the last without its newline', async () => {
    expect(await linesOf(streamed(['a\nb', 'c', 'd\n\ne', 'f']))).toEqual(['a', 'bcd', '', 'ef']);
    expect(await linesOf(streamed(['a\n']))).toEqual(['a']);
    const long = 'x'.repeat(1 << 16);
    expect(await linesOf(streamed([...Array(64).fill(long), '\nlast']))).toEqual([long.repeat(64), 'last']);
    // A character cut between chunks.
    const bytes = new TextEncoder().encode('é\n');
    const body = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(bytes.subarray(0, 1)); c.enqueue(bytes.subarray(1)); c.close(); } });
    expect(await linesOf(new Request('http://router/', { method: 'POST', body, duplex: 'half' } as RequestInit))).toEqual(['é']);
  });

  it('gives a line longer than lineMax as null in its place, holding none of it, and goes on', async () => {
    expect(await linesOf(streamed(['ab\nabcdef\ncd\n']), undefined, 4)).toEqual(['ab', null, 'cd']);
    // Over many chunks, and as the last line.
    expect(await linesOf(streamed(['ab\nabc', 'def', 'ghi\nok\nxyz', 'xyz']), undefined, 4)).toEqual(['ab', null, 'ok', null]);
    expect(await linesOf(streamed(['abcd\n', 'abcd']), undefined, 4)).toEqual(['abcd', 'abcd']);
  });

  it('stops at the limit', async () => {
    await expect(linesOf(streamed(['abc\n', 'def\n']), 5)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});
