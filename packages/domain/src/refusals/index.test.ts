import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { REFUSALS, refusalCode, refusalStatus, refuse, type RefusalReason } from './index.ts';

/** The contract's refusal table, rows 1 to 19 then the three unnumbered 503 rows, in order. */
const CONTRACT_TABLE: [RefusalReason, number, string | undefined][] = [
  ['unsupported_media_type', 415, undefined],
  ['body_too_large', 413, undefined],
  ['malformed_request', 400, undefined],
  ['unknown_user', 403, 'E1'],
  ['signature_invalid', 401, undefined],
  ['user_not_active', 403, 'E3'],
  ['unknown_service_request', 400, undefined],
  ['command_variant_not_allowed', 400, 'E12'],
  ['wrong_target', 400, 'E13'],
  ['role_not_eligible', 403, 'E2'],
  ['future_dating_not_allowed', 422, undefined],
  ['device_not_found', 404, 'E19'],
  ['not_authorised_for_device', 403, 'E4'],
  ['device_type_incompatible', 422, 'E11'],
  ['not_available_for_smets1', 422, 'E11'],
  ['device_status_incompatible', 409, 'E5'],
  ['transform_leg_missing', 409, undefined],
  ['request_id_reused', 409, undefined],
  ['overloaded', 503, undefined],
  ['state_unavailable', 503, undefined],
  ['outcome_unknown', 503, undefined],
];

const CONTRACT_PATH = new URL('../../../../../shared/CONTRACT.md', import.meta.url);
const contractPresent = existsSync(CONTRACT_PATH);

describe('REFUSALS', () => {
  it.each(CONTRACT_TABLE)('%s is HTTP %i with code %s', (reason, http, code) => {
    expect(refusalStatus(reason)).toBe(http);
    expect(refusalCode(reason)).toBe(code);
    expect(REFUSALS[reason].http).toBe(http);
  });

  it('lists the contract rows first, in the order the router checks them', () => {
    expect(Object.keys(REFUSALS).slice(0, CONTRACT_TABLE.length)).toEqual(CONTRACT_TABLE.map(([reason]) => reason));
  });

  it('gives the extra (non-table) reasons sensible statuses without DUIS codes', () => {
    expect([refusalStatus('not_found'), refusalCode('not_found')]).toEqual([404, undefined]);
    expect([refusalStatus('unauthorized'), refusalCode('unauthorized')]).toEqual([401, undefined]);
    expect([refusalStatus('invalid_field'), refusalCode('invalid_field')]).toEqual([400, undefined]);
  });

  it('refuse() carries the reason and message unchanged', () => {
    expect(refuse('device_not_found', 'device 00-DB-12-34-56-78-90-A0 is not in the inventory')).toStrictEqual({
      reason: 'device_not_found',
      message: 'device 00-DB-12-34-56-78-90-A0 is not in the inventory',
    });
  });

  it.skipIf(!contractPresent)(
    `matches the refusal table of shared/CONTRACT.md row by row${contractPresent ? '' : ' (skipped: ../shared/CONTRACT.md not found beside the repo)'}`,
    () => {
      const text = readFileSync(CONTRACT_PATH, 'utf8');
      const rows = text
        .split('\n')
        .filter((line) => /^\|\s*(\d+|–)\s*\|/.test(line))
        .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
        .filter((cells) => cells.length === 5 && /^`[a-z0-9_]+`$/.test(cells[4]))
        .map(([, , http, code, reason]) => [
          reason.replace(/`/g, ''),
          Number(/^\d+/.exec(http)![0]),
          code === '–' ? undefined : code,
        ]);
      // Row 9 (wrong body element) repeats row 7's reason: compare each reason's first row.
      const firstRows = rows.filter(([reason], i) => rows.findIndex(([other]) => other === reason) === i);
      expect(firstRows).toEqual(CONTRACT_TABLE);
      expect(rows).toHaveLength(CONTRACT_TABLE.length + 1);
      expect(rows[8]).toEqual(['unknown_service_request', 400, undefined]);
    },
  );
});
