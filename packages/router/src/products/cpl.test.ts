import { describe, expect, it } from 'vitest';
import type { CplEntry } from '@dccrouter/domain';
import { MemoryStore } from '@dccrouter/state';
import { CplTable } from './cpl.ts';

const valid = { other: 'valid' as const };

describe('CplTable.put', () => {
  it('refuses an entry naming another device type than the model\'s other versions, and lets an entry keep or, alone, change its own', async () => {
    const table = new CplTable(new MemoryStore());
    expect(await table.put('M1', '1.0', { deviceType: 'ESME', certificates: valid })).toMatchObject({ ok: true });
    // The model's only entry: its type may be corrected.
    expect(await table.put('M1', '1.0', { deviceType: 'GSME', certificates: valid })).toMatchObject({ ok: true, entry: { deviceType: 'GSME' } });
    expect(await table.put('M1', '2.0', { deviceType: 'ESME', certificates: valid }))
      .toEqual({ ok: false, message: 'must be GSME, as M1 is listed at firmware 1.0: a model is one device type' });
    expect(await table.put('M1', '2.0', { deviceType: 'GSME', certificates: valid })).toMatchObject({ ok: true });
  });

  it('still changes the certificates of a model stored with mixed types (written before the rule), each entry keeping its type', async () => {
    const store = new MemoryStore();
    const entry = (firmwareVersion: string, deviceType: 'ESME' | 'GSME'): CplEntry => ({ deviceModel: 'M2', firmwareVersion, deviceType, certificates: valid, status: 'listed', updatedAt: '2026-01-01T00:00:00.000Z' });
    await store.putSetting('cpl', [entry('1.0', 'ESME'), entry('2.0', 'GSME')]);
    const table = new CplTable(store);
    await table.refresh();
    expect(await table.put('M2', '2.0', { deviceType: 'GSME', certificates: { other: 'withdrawn' } })).toMatchObject({ ok: true, entry: { status: 'removed' } });
    expect(await table.put('M2', '1.0', { deviceType: 'ESME', certificates: { other: 'withdrawn' } })).toMatchObject({ ok: true, entry: { status: 'removed' } });
  });
});
