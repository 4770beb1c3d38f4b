import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.ts';
import { INTERNAL_ERROR, type Answer } from '../pipeline/answers.ts';
import { createApp, type EdgeDeps } from './app.ts';

/** The edge over a pipeline that answers each item by its body: "fault" throws (a bug), anything else is acknowledged. */
function edge() {
  const pipeline = {
    admit: () => true,
    release: () => {},
    submitItem: async (item: { body: Uint8Array }): Promise<Answer> => {
      if (Buffer.from(item.body).toString() === 'fault') throw new Error('a bug in one item');
      return { status: 202, body: '{"header":{"responseCode":"I99"}}', outcome: 'I99' };
    },
  };
  return createApp({
    pipeline, metrics: { observe: () => {}, count: () => {} }, log: createLogger('silent'),
    maxBodyBytes: 65_536, bodyTimeoutMs: 10_000, batchMaxItems: 1_000, batchMaxBytes: 1 << 20,
    draining: () => false, leaving: () => false, processIndex: 0, adminToken: 'token',
  } as unknown as EdgeDeps);
}

describe('the batch endpoint', () => {
  it('answers an item whose handling fails with internal_error on its own: the other items keep their answers', async () => {
    const response = await edge().request('/v1/service-requests:batch', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests: [{ body: 'ok', signature: 'c2ln' }, { body: 'fault', signature: 'c2ln' }, { body: 'ok', signature: 'c2ln' }] }),
    });
    expect(response.status).toBe(200);
    const { results } = await response.json() as { results: { status: number; answer: unknown }[] };
    expect(results).toEqual([
      { status: 202, answer: { header: { responseCode: 'I99' } } },
      { status: 500, answer: { error: INTERNAL_ERROR } },
      { status: 202, answer: { header: { responseCode: 'I99' } } },
    ]);
  });
});
