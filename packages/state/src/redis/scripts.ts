// The Lua scripts, one file each (named after the step it performs), read once at load. Scripts
// that count prepend the shared sliding-window function, those that judge an open request's TRT
// its reader (open-trt.lua), those that mark bulk TRT indexes mark-bulk-trt.lua, those that
// claim egress entries take-claimed.lua, those that keep their answer under a call's mark
// mark-list.lua, those that read a request's quarantine reference (an acceptance, for a signed
// leg over its released transform leg; a release; a delete) quarantine-ref.lua, and those that
// append to an outbox or dead letters keep-stream.lua, since Redis scripts cannot include.
import { readFileSync } from 'node:fs';

/** The scripts as Redis runs them, from a reader of `scripts/<name>.lua` (bench/scripts-replay.ts reads another revision's). */
export function composeScripts(read: (name: string) => string) {
  const COUNT_WINDOW = read('count-window');
  const OPEN_TRT = read('open-trt');
  const TAKE_CLAIMED = read('take-claimed');
  const MARK_BULK_TRT = read('mark-bulk-trt');
  const MARK_LIST = read('mark-list');
  const QUARANTINE_REF = read('quarantine-ref');
  const KEEP_STREAM = read('keep-stream');
  return {
    acceptBatch: COUNT_WINDOW + QUARANTINE_REF + KEEP_STREAM + read('accept-batch'),
    respondBatch: OPEN_TRT + KEEP_STREAM + read('respond-batch'),
    advanceState: read('advance-state'),
    tryCount: COUNT_WINDOW + read('try-count'),
    addCounts: COUNT_WINDOW + read('add-counts'),
    claimBreaches: OPEN_TRT + MARK_BULK_TRT + KEEP_STREAM + read('claim-breaches'),
    markBreaches: MARK_BULK_TRT + read('mark-breaches'),
    readClaimed: TAKE_CLAIMED + read('read-claimed'),
    readOutbox: read('read-outbox'),
    claimEgress: TAKE_CLAIMED + read('claim-egress'),
    reclaimLeases: read('reclaim-leases'),
    renewEgress: read('renew-egress'),
    peekCounts: read('peek-counts'),
    releaseQuarantine: QUARANTINE_REF + KEEP_STREAM + read('release-quarantine'),
    deleteQuarantined: QUARANTINE_REF + read('delete-quarantined'),
    expireQuarantined: read('expire-quarantined'),
    claimHeld: read('claim-held'),
    settleHeld: read('settle-held'),
    lease: read('lease'),
    releaseLease: read('release-lease'),
    createEgressGroup: read('create-egress-group'),
    claimSchedules: read('claim-schedules'),
    createSchedule: read('create-schedule'),
    rescheduleSchedule: read('reschedule-schedule'),
    deleteSchedule: read('delete-schedule'),
    redriveDeadLetters: MARK_LIST + KEEP_STREAM + read('redrive-dead-letters'),
    listQuarantined: read('list-quarantined'),
    putInstallations: read('put-installations'),
    setIfUnchanged: read('set-if-unchanged'),
    incrementStats: read('increment-stats'),
    appendOnce: MARK_LIST + KEEP_STREAM + read('append-once'),
    pruneConsumers: read('prune-consumers'),
  } as const;
}

export const SCRIPTS = composeScripts((name) => readFileSync(new URL(`./scripts/${name}.lua`, import.meta.url), 'utf8'));
