// The configurations compared side by side. Each router variant switches off one stage of the
// full path, so its distance from "router (full)" is that stage's cost, measured in the same run.
import type { Variant } from '../lib/targets.ts';

export const ECHO: Variant = { id: 'echo', label: 'echo (bare Hono on Bun)', kind: 'echo' };

/** The baseline of the issue #9 targets: the echo plus an inline check of X-DCC-Signature (bench/echo-verify-server.ts). */
export const ECHO_VERIFY: Variant = { id: 'echo-verify', label: 'echo + verify (Hono on Bun, ECDSA P-256 inline)', kind: 'echo-verify' };

/**
 * The production path: Redis, signatures checked, Threshold Anomaly Detection counting (rules set
 * for every User, see targets.ts), TRT deadlines indexed, simulated networks consuming egress,
 * one router process per two cores (the default with Redis: here one, with one signature worker).
 */
export const FULL: Variant = { id: 'router', label: 'router (full: Redis, signatures, TAD, TRT, networks)', kind: 'router' };

export const STAGE_VARIANTS: Variant[] = [
  { id: 'two-processes', label: 'two router processes (ROUTER_PROCESSES=2, a signature worker each)', kind: 'router', env: { ROUTER_PROCESSES: '2' } },
  { id: 'no-signatures', label: 'signatures off (VERIFY_SIGNATURES=false)', kind: 'router', env: { VERIFY_SIGNATURES: 'false' } },
  { id: 'no-tad', label: 'Threshold Anomaly Detection off (TAD=false)', kind: 'router', env: { TAD: 'false' } },
  { id: 'no-trt', label: 'TRT tracking off (TRT_TRACKING=false)', kind: 'router', env: { TRT_TRACKING: 'false' } },
  { id: 'memory-store', label: 'embedded store instead of Redis (one process: its state is its own)', kind: 'router', redis: false },
  { id: 'external-networks', label: 'no egress here (NETWORKS=external)', kind: 'router', env: { NETWORKS: 'external' } },
  { id: 'queued-egress', label: 'every request through its egress queue (EGRESS_HAND_OVER=false)', kind: 'router', env: { EGRESS_HAND_OVER: 'false' } },
  {
    id: 'minimal', label: 'all of these off (HTTP, decode, validate, record in memory)', kind: 'router', redis: false,
    env: { VERIFY_SIGNATURES: 'false', TAD: 'false', TRT_TRACKING: 'false', NETWORKS: 'external' },
  },
];

/** What each stage variant removes, for the report's stage-cost table. */
export const STAGE_NAMES: Record<string, string> = {
  'two-processes': 'one router process per two cores (the default) rather than one per core: "without it" is with two processes',
  'no-signatures': 'signature verification (ECDSA P-256, worker thread)',
  'no-tad': 'Threshold Anomaly Detection (User and DCC counts, value rules)',
  'no-trt': 'TRT deadline index',
  'memory-store': 'Redis round trips (vs the embedded store)',
  'external-networks': 'egress and simulated networks in-process',
  'queued-egress': 'egress hand-over at acknowledgement (the default) rather than through the queue: "without it" is every request queued',
  minimal: 'all switchable stages together',
};
