import { describe, expect, it } from 'vitest';
import { buildServiceRequest, defaultTrtBudgets, findSrv, routeFor, type Device, type User } from '@dccrouter/domain';
import type { DirectEgress } from '../egress/index.ts';
import type { TrtBudgetTable } from '../trt/budgets.ts';
import { decide, type Decision, type DecideSettings } from './decide.ts';

const USER = '90-B3-D5-1F-30-01-00-00';
const METER = '00-DB-12-34-56-78-90-A0';
const NOW = Date.parse('2030-01-01T00:00:00Z');
const user: User = { userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '' };
const smets2: Device = { deviceId: METER, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: USER };
const smets1: Device = { deviceId: METER, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'itron', importSupplier: USER };

function settings(egressTakesNow = false): DecideSettings {
  return {
    budgets: { current: () => defaultTrtBudgets() } as unknown as TrtBudgetTable,
    quarantineTtlMs: 60_000,
    trackTrt: true,
    egress: { takesNow: () => egressTakesNow } as unknown as DirectEgress,
  };
}

function decision(srvId: string, commandVariant: number, device: Device, executionDateTime?: number): Decision {
  const srv = findSrv(srvId)!;
  const built = buildServiceRequest({
    originatorId: USER, targetId: METER, counter: '1', commandVariant, serviceReference: srv.serviceReference, serviceReferenceVariant: srv.srv,
    bodyElement: srv.bodyElement, bodyValue: {},
  });
  if (!built.ok) throw new Error(built.refusal.message);
  if (executionDateTime !== undefined) built.value.executionDateTime = executionDateTime;
  const leg = commandVariant === 4 ? 'transform' : 'single';
  return { request: built.value, user, srv, leg, route: routeFor(srv, device), bodyHash: 'h', now: NOW, receivedAt: NOW, executionDateTime };
}

describe('decide', () => {
  it('acknowledges an on-demand SMETS2+ read with its TRT, checked at its deadline, and queues it for its CSP', () => {
    const { acceptance, answer } = decide(decision('4.1.1', 1, smets2), undefined, undefined, settings());
    expect(answer).toMatchObject({ status: 202, outcome: 'I99' });
    expect(JSON.parse(answer.body)).toMatchObject({ header: { responseCode: 'I99' }, trt: { budgetMs: 30_000 } });
    expect(acceptance.record).toMatchObject({ state: 'accepted', destination: 'smets2/north', trt: { class: 'smets2.onDemand', startsAt: NOW, deadline: NOW + 30_000 } });
    expect(acceptance.plainAcknowledgement).toBe(true);
    expect(acceptance.breachCheckAt).toBe(NOW + 30_000);
    expect(acceptance.breachFinalAt).toBeUndefined();
    expect(acceptance.egress).toEqual({ releaseAt: undefined });
  });

  it('hands a request over at once when this router runs its network, unless the DSP holds it for a later ExecutionDateTime', () => {
    expect(decide(decision('4.1.1', 1, smets2), undefined, undefined, settings(true)).acceptance.egress).toEqual({ releaseAt: undefined, forwardedAt: NOW });
    const later = NOW + 3_600_000;
    const held = decide(decision('4.1.1', 1, smets2, later), undefined, undefined, settings(true)).acceptance;
    expect(held.egress).toEqual({ releaseAt: later });
    expect(held.record.trt?.startsAt).toBe(later);
  });

  it('times a request its device holds for a later ExecutionDateTime from its receipt, sent at once: its device answers at once', () => {
    const later = NOW + 1_000 * 365 * 86_400_000;
    const { acceptance } = decide(decision('1.1.1', 5, smets2, later), undefined, undefined, settings(true));
    expect(acceptance.record.trt).toMatchObject({ startsAt: NOW, deadline: NOW + 30_000 });
    expect(acceptance.breachCheckAt).toBe(NOW + 30_000);
    expect(acceptance.egress).toEqual({ releaseAt: undefined, forwardedAt: NOW });
  });

  it('runs the TRT from the request\'s receipt, not from when its checks were done (queued behind other signatures)', () => {
    const received = NOW - 4_000;
    const { acceptance, answer } = decide({ ...decision('4.1.1', 1, smets2), receivedAt: received }, undefined, undefined, settings());
    expect(acceptance.record.trt).toMatchObject({ startsAt: received, deadline: received + 30_000 });
    expect(acceptance.breachCheckAt).toBe(received + 30_000);
    expect(JSON.parse(answer.body).trt.deadline).toBe(new Date(received + 30_000).toISOString());
    // Acknowledged (and accepted) when decided.
    expect(acceptance.record.acceptedAt).toBe(NOW);
  });

  it('gives a SMETS1 request a final check past its overdue one (breached without a response only then)', () => {
    const { acceptance } = decide(decision('4.1.1', 1, smets1), undefined, undefined, settings());
    expect(acceptance.record.destination).toBe('smets1/itron');
    expect(acceptance.breachFinalAt).toBeGreaterThan(acceptance.breachCheckAt!);
  });

  it('answers a CV 4 leg at once with its Pre-Command, nothing queued', () => {
    const { acceptance, answer } = decide(decision('1.1.1', 4, smets2), undefined, undefined, settings(true));
    expect(answer).toMatchObject({ status: 200, outcome: 'I0' });
    expect(JSON.parse(answer.body).body.PreCommand).toBeDefined();
    expect(acceptance.record.state).toBe('transformed');
    expect(acceptance.egress).toBeUndefined();
  });

  it('quarantines an enforced anomaly: no TRT, nothing queued, the AD1 alert naming its reference', () => {
    const anomaly = { breach: 'user' as const, action: 'quarantined' as const, detail: 'over 5 in 1 minute' };
    const { acceptance, answer } = decide(decision('4.1.1', 1, smets2), anomaly, undefined, settings(true));
    const ref = acceptance.quarantine!.ref;
    expect(acceptance.quarantine).toEqual({ ref, breach: 'user', expiresAt: NOW + 60_000 });
    expect(JSON.parse(answer.body)).toMatchObject({ quarantine: { ref, breach: 'user' } });
    expect(acceptance.record).toMatchObject({ state: 'quarantined', trt: undefined });
    expect(acceptance.egress).toBeUndefined();
    expect(acceptance.breachCheckAt).toBeUndefined();
    expect(acceptance.alert).toMatchObject({ kind: 'dccAlert', alertCode: 'AD1', body: { alert: 'AD1', ref, breach: 'user', action: 'quarantined' } });
  });
});
