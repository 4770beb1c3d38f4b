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

async function linesOf(request: Request, limit = 1 << 30): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of readLineBatches(request, limit)) lines.push(...batch);
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

  it('stops at the limit', async () => {
    await expect(linesOf(streamed(['abc\n', 'def\n']), 5)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});
