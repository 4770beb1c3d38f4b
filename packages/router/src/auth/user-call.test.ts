import { describe, expect, it } from 'vitest';
import { rawRequestTarget, requestTarget } from './user-call.ts';

describe('the request-target of a signed call', () => {
  it('is the URL\'s path and query', () => {
    expect(requestTarget('http://127.0.0.1:8080/v1/responses?after=1-0')).toBe('/v1/responses?after=1-0');
    expect(requestTarget('http://127.0.0.1:8080')).toBe('/');
  });

  it('has a raw form where the runtime re-encoded what a client may send as is, and none otherwise', () => {
    // Bun (WHATWG) encodes " < > ` { } in a path, " < > \' in a query.
    expect(rawRequestTarget('/v1/%7Bx%7D%22?after=%27x%27&q=%22%3C%3E')).toBe('/v1/{x}"?after=\'x\'&q="<>');
    // %27 in a path and %7B in a query are not the runtime's: the client sent them.
    expect(rawRequestTarget('/v1/%27?q=%7B')).toBeUndefined();
    expect(rawRequestTarget('/v1/responses?after=1-0')).toBeUndefined();
  });
});
