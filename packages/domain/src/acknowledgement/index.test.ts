import { describe, expect, it } from 'vitest';
import { acknowledgementDocument, plainAcknowledgement } from './index.ts';

const trt = { class: 'smets2.onDemand' as const, budgetMs: 30_000, startsAt: 1_796_000_000_000, deadline: 1_796_000_030_000 };

describe('acknowledgementDocument', () => {
  it('answers a request acknowledged for later 202 with its route and TRT, in the contract order', () => {
    const answer = acknowledgementDocument({ requestId: 'A:B:1', responseCode: 'I99', respondedAt: trt.startsAt, route: { generation: 'SMETS2+', destination: 'smets2/north' }, trt });
    expect(answer.status).toBe(202);
    expect(answer.body).toBe('{"header":{"requestId":"A:B:1","responseCode":"I99","responseDateTime":"2026-11-30T00:53:20.000Z"},'
      + '"route":{"generation":"SMETS2+","destination":"smets2/north"},"trt":{"budgetMs":30000,"deadline":"2026-11-30T00:53:50.000Z"}}');
  });

  it('answers what is answered at once 200, with its body', () => {
    const answer = acknowledgementDocument({ requestId: 'A:B:2', responseCode: 'I0', respondedAt: 0, route: { destination: 'dsp' }, body: { x: 1 } });
    expect(answer).toEqual({ status: 200, body: '{"header":{"requestId":"A:B:2","responseCode":"I0","responseDateTime":"1970-01-01T00:00:00.000Z"},"route":{"destination":"dsp"},"body":{"x":1}}' });
  });

  it('answers a quarantined or deleted request 202 without a TRT', () => {
    expect(acknowledgementDocument({ requestId: 'r', responseCode: 'I99', respondedAt: 0, route: { destination: 'd' }, quarantine: { ref: 'q', breach: 'user' } }).status).toBe(202);
    expect(acknowledgementDocument({ requestId: 'r', responseCode: 'I99', respondedAt: 0, route: { destination: 'd' }, deleted: { breach: 'value' } }).body).toContain('"deleted":{"breach":"value"}');
  });
});

describe('plainAcknowledgement', () => {
  it('makes the same text again from the record of a plain I99', () => {
    const original = acknowledgementDocument({ requestId: 'A:B:3', responseCode: 'I99', respondedAt: trt.startsAt, route: { generation: 'SMETS1', destination: 'smets1/itron' }, trt });
    expect(plainAcknowledgement({ requestId: 'A:B:3', destination: 'smets1/itron', generation: 'SMETS1', acceptedAt: trt.startsAt, trt })).toEqual(original);
  });

  it('differs from an answer that says more than the record (a body, a quarantine), so such answers are kept', () => {
    const withBody = acknowledgementDocument({ requestId: 'A:B:4', responseCode: 'I99', respondedAt: 5, route: { destination: 'dsp' }, body: {} });
    expect(plainAcknowledgement({ requestId: 'A:B:4', destination: 'dsp', acceptedAt: 5 })).not.toEqual(withBody);
  });
});
