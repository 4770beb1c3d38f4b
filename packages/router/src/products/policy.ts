import { compilePolicy, defaultPolicy, updatePolicy, type CompiledPolicy, type Policy, type PolicyUpdate } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import { RefreshedTable } from './refreshed.ts';

const SETTING = 'policy';

/**
 * The policy tables as run-time settings shared by every instance (status admission, SMETS1
 * availability, the live SMETS1 cohorts), read by each on a one-second refresh. It is itself the
 * compiled policy the checks use, so the request path looks up sets in memory as before.
 */
export class PolicyTable extends RefreshedTable implements CompiledPolicy {
  private compiled: CompiledPolicy = compilePolicy();
  /** The stored setting's text last compiled. */
  private read = '';
  protected readonly tableName = 'policy tables';

  constructor(private readonly store: StateStore) {
    super();
  }

  get policy(): Policy {
    return this.compiled.policy;
  }

  /** Changed from the tables as stored, never overwriting another instance's change made meanwhile. */
  async update(change: PolicyUpdate): Promise<Policy> {
    const next = (await this.changeStored(() => this.store.updateSetting<Policy>(SETTING, (current) => updatePolicy({ ...defaultPolicy(), ...current }, change))))!;
    this.compiled = compilePolicy(next);
    this.read = JSON.stringify(next);
    return next;
  }

  statusAdmits: CompiledPolicy['statusAdmits'] = (status, srv) => this.compiled.statusAdmits(status, srv);
  deviceTypeAdmits: CompiledPolicy['deviceTypeAdmits'] = (srv, deviceType) => this.compiled.deviceTypeAdmits(srv, deviceType);
  smets1Admits: CompiledPolicy['smets1Admits'] = (srv, commandVariant) => this.compiled.smets1Admits(srv, commandVariant);
  smets1CohortLive: CompiledPolicy['smets1CohortLive'] = (cohort) => this.compiled.smets1CohortLive(cohort);

  async refresh(): Promise<void> {
    await this.readStored(() => this.store.getSetting<Partial<Policy>>(SETTING), (stored) => {
      // Compiled only when it changed. None stored (never set, or the store emptied) is the defaults,
      // as an instance starting now would have them: a running one must not keep what is gone.
      const text = JSON.stringify(stored ?? null);
      if (text === this.read) return;
      this.read = text;
      // Tables added since a setting was stored take their defaults.
      this.compiled = compilePolicy({ ...defaultPolicy(), ...stored });
    });
  }
}
