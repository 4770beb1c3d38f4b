// The StateStore contract for SMETS1 installations (SEC H5.8), part of describeStoreContract.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Installation } from '@dccrouter/domain';
import { ENROLLED_GROUP, type StateStore } from '../src/index.ts';

const installation = (suppliers: string[], signature: string, extra: Partial<Installation> = {}): Installation => ({
  installationId: `inst-${randomUUID()}`,
  devices: [{ deviceId: `dev-${randomUUID()}`, deviceType: 'ESME', deviceModel: 'M', firmwareVersion: '1', smets1Cohort: 'aclara', suppliers }],
  signature, suppliers, ...extra,
});

export function describeInstallationsContract(open: () => Promise<StateStore>): void {
  describe('installations', () => {
    it('round-trip whole, and read as undefined when unknown', async () => {
      const store = await open();
      const one = installation(['S1'], '["aclara",[["ESME","M","1"]]]', { acquiredAt: Date.parse('2026-02-01T00:00:00Z') });
      await store.putInstallations([one]);
      expect(await store.getInstallations([one.installationId, 'nobody'])).toStrictEqual([one, undefined]);
      expect(await store.getInstallations([])).toStrictEqual([]);
    });

    it('count installations by supplier and group, moving them when their signature changes or they are enrolled', async () => {
      const store = await open();
      const supplier = `S-${randomUUID()}`;
      const other = `S-${randomUUID()}`;
      const sigA = `["aclara",[["ESME","A","${randomUUID()}"]]]`;
      const sigB = `["aclara",[["ESME","B","${randomUUID()}"]]]`;
      const a1 = installation([supplier], sigA);
      const a2 = installation([supplier, other], sigA);
      const b1 = installation([other], sigB);
      await store.putInstallations([a1, a2, b1]);
      expect(await store.supplierInstallationGroups(supplier)).toStrictEqual({ [sigA]: 2 });
      expect(await store.supplierInstallationGroups(other)).toStrictEqual({ [sigA]: 1, [sigB]: 1 });

      // A firmware change moves a1 to signature B; a2 is enrolled; b1 loses its last device.
      await store.putInstallations([{ ...a1, signature: sigB }, { ...a2, enrolledAt: '2026-12-01T00:00:00.000Z' }, { installationId: b1.installationId, deleted: true }]);
      expect(await store.supplierInstallationGroups(supplier)).toStrictEqual({ [sigB]: 1, [ENROLLED_GROUP]: 1 });
      expect(await store.supplierInstallationGroups(other)).toStrictEqual({ [ENROLLED_GROUP]: 1 });
      expect(await store.getInstallations([b1.installationId])).toStrictEqual([undefined]);
      expect(await store.supplierInstallationGroups(`S-${randomUUID()}`)).toStrictEqual({});
    });

    it('range a supplier\'s installations of a group by acquisition time, never-acquired first', async () => {
      const store = await open();
      const supplier = `S-${randomUUID()}`;
      const sig = `["itron",[["GSME","G","${randomUUID()}"]]]`;
      const never = installation([supplier], sig);
      const early = installation([supplier], sig, { acquiredAt: 1_000 });
      const late = installation([supplier], sig, { acquiredAt: 5_000 });
      await store.putInstallations([late, never, early]);
      expect(await store.installationsStartingBy(supplier, sig, 4_999)).toStrictEqual([{ installationId: never.installationId }, { installationId: early.installationId, startsAt: 1_000 }]);
      expect((await store.installationsStartingBy(supplier, sig, 5_000)).map((found) => found.installationId)).toStrictEqual([never, early, late].map((one) => one.installationId));
      // Acquired again later: it leaves the range.
      await store.putInstallations([{ ...early, acquiredAt: 9_000 }]);
      expect((await store.installationsStartingBy(supplier, sig, 5_000)).map((found) => found.installationId)).toStrictEqual([never, late].map((one) => one.installationId));
      expect(await store.installationsStartingBy(supplier, 'no-such-group', 5_000)).toStrictEqual([]);
      // The earliest first, as many as asked for.
      expect((await store.installationsStartingBy(supplier, sig, 9_000, 2)).map((found) => found.installationId)).toStrictEqual([never, late].map((one) => one.installationId));
      expect((await store.installationsStartingBy(supplier, sig, 9_000, 1)).map((found) => found.installationId)).toStrictEqual([never.installationId]);
    });

    it('range each supplier\'s installations by its own acquisition, not another supplier\'s', async () => {
      const store = await open();
      const [electricity, gas] = [`S-${randomUUID()}`, `S-${randomUUID()}`];
      const sig = `["aclara",[["ESME","E","${randomUUID()}"],["GSME","G","1"]]]`;
      // The gas supplier took the installation's gas meter at 5,000; the electricity supplier never changed.
      const dual = installation([electricity, gas], sig, { acquiredAt: 5_000, acquiredAtBy: { [gas]: 5_000 } });
      await store.putInstallations([dual]);
      expect(await store.installationsStartingBy(electricity, sig, 0)).toStrictEqual([{ installationId: dual.installationId }]);
      expect(await store.installationsStartingBy(gas, sig, 4_999)).toStrictEqual([]);
      expect(await store.installationsStartingBy(gas, sig, 5_000)).toStrictEqual([{ installationId: dual.installationId, startsAt: 5_000 }]);
    });

    it('range an installation by the later of its supplier\'s acquisition and its eligibleFrom', async () => {
      const store = await open();
      const [electricity, gas] = [`S-${randomUUID()}`, `S-${randomUUID()}`];
      const sig = `["aclara",[["ESME","E","${randomUUID()}"],["GSME","G","1"]]]`;
      // Eligible from 3,000 (its signature changed then); the gas supplier acquired it at 5,000, the electricity supplier never.
      const dual = installation([electricity, gas], sig, { acquiredAt: 5_000, acquiredAtBy: { [gas]: 5_000 }, eligibleFrom: 3_000 });
      await store.putInstallations([dual]);
      expect(await store.installationsStartingBy(electricity, sig, 2_999)).toStrictEqual([]);
      expect(await store.installationsStartingBy(electricity, sig, 3_000)).toStrictEqual([{ installationId: dual.installationId, startsAt: 3_000 }]);
      expect(await store.installationsStartingBy(gas, sig, 4_999)).toStrictEqual([]);
      expect(await store.installationsStartingBy(gas, sig, 5_000)).toStrictEqual([{ installationId: dual.installationId, startsAt: 5_000 }]);
      // Stamped later again (a second change of signature, back to this one): it moves with it.
      await store.putInstallations([{ ...dual, eligibleFrom: 7_000 }]);
      expect(await store.installationsStartingBy(gas, sig, 6_999)).toStrictEqual([]);
      expect(await store.installationsStartingBy(electricity, sig, 7_000)).toStrictEqual([{ installationId: dual.installationId, startsAt: 7_000 }]);
    });

    it('change each installation as stored, writing, deleting or leaving it', async () => {
      const store = await open();
      const supplier = `S-${randomUUID()}`;
      const sig = `["aclara",[["ESME","E","${randomUUID()}"]]]`;
      const [kept, gone, left] = [installation([supplier], sig), installation([supplier], sig), installation([supplier], sig)];
      await store.putInstallations([kept, gone, left]);
      const fresh = `inst-${randomUUID()}`;
      const seen: [string, string | undefined][] = [];
      await store.updateInstallations([kept.installationId, gone.installationId, left.installationId, fresh], (installationId, current) => {
        seen.push([installationId, current?.installationId]);
        if (installationId === kept.installationId) return { ...current!, enrolledAt: '2026-12-01T00:00:00.000Z' };
        if (installationId === gone.installationId) return { installationId, deleted: true };
        if (installationId === fresh) return installation([supplier], sig, { installationId: fresh });
        return undefined;
      });
      expect(seen.sort()).toEqual([[kept.installationId, kept.installationId], [gone.installationId, gone.installationId], [left.installationId, left.installationId], [fresh, undefined]].sort());
      const [k, g, l, f] = await store.getInstallations([kept.installationId, gone.installationId, left.installationId, fresh]);
      expect([k?.enrolledAt, g, l, f?.installationId]).toStrictEqual(['2026-12-01T00:00:00.000Z', undefined, left, fresh]);
      expect(await store.supplierInstallationGroups(supplier)).toStrictEqual({ [sig]: 2, [ENROLLED_GROUP]: 1 });
    });

    it('change an installation again when another writer changed it between its read and its write, losing neither change', async () => {
      const store = await open();
      const one = installation([`S-${randomUUID()}`], `["aclara",[["ESME","E","${randomUUID()}"]]]`);
      await store.putInstallations([one]);
      let calls = 0;
      await store.updateInstallations([one.installationId], (_, current) => {
        // The first time, another writer (an enrolment on another instance) writes it meanwhile.
        if (++calls === 1) void store.putInstallations([{ ...current!, enrolledAt: '2026-12-01T00:00:00.000Z' }]);
        return { ...current!, eligibleFrom: 5_000 };
      });
      expect(calls).toBe(2);
      expect((await store.getInstallations([one.installationId]))[0]).toMatchObject({ enrolledAt: '2026-12-01T00:00:00.000Z', eligibleFrom: 5_000 });
    });

    it('accepts many installations in one call', async () => {
      const store = await open();
      const supplier = `S-${randomUUID()}`;
      const sig = `["edmi",[["ESME","E","${randomUUID()}"]]]`;
      const many = Array.from({ length: 2_500 }, () => installation([supplier], sig));
      await store.putInstallations(many);
      expect(await store.supplierInstallationGroups(supplier)).toStrictEqual({ [sig]: 2_500 });
      await store.putInstallations(many);
      expect(await store.supplierInstallationGroups(supplier)).toStrictEqual({ [sig]: 2_500 });
    });
  });
}
