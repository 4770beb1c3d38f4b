import type { Context } from 'hono';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { countRulesSchema } from '@dccrouter/domain';
import { operatorGate } from '../admin/index.ts';
import { authenticateUserCall, callRefusal, type UserLookup } from '../auth/user-call.ts';
import type { SignatureVerifier } from '../auth/verifier.ts';
import { documented } from '../openapi/index.ts';
import { errorAnswer, json, quarantineOutcome } from '../openapi/schemas.ts';
import { SIGNED_CALL, SIGNED_CALL_HEADERS, signatureRefused, signedCallRefused } from '../user-api/index.ts';
import type { ThresholdRules } from './index.ts';
import type { QuarantineDesk } from './quarantine.ts';
import type { Logger } from '../log/index.ts';
import type { RouterMetrics } from '../metrics/index.ts';

export interface TadRouteDeps {
  /** Finds the User of a signed call (see UserLookup). */
  directory: UserLookup;
  verifier: SignatureVerifier;
  adminToken: string;
  thresholds: ThresholdRules;
  quarantine: QuarantineDesk;
  metrics: RouterMetrics;
  log: Logger;
}

/** A User's own thresholds (signed GET) and the release/delete of quarantined requests. */
export function tadRoutes(deps: TadRouteDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  const operatorRefusal = operatorGate(deps);

  /** The operator (bearer) acts on any request; a User (signed call) on its own only. */
  async function caller(c: Context): Promise<{ userId?: string } | Response> {
    if (c.req.header('authorization') !== undefined) return operatorRefusal(c) ?? {};
    const auth = await authenticateUserCall(c, deps.directory, deps.verifier);
    if (!auth.ok) return callRefusal(c, auth);
    return { userId: auth.userId };
  }

  documented(app, {
    method: 'get', path: '/thresholds', tags: ['Users', 'Threshold Anomaly Detection'], security: SIGNED_CALL, summary: "The calling User's own count thresholds",
    request: { headers: SIGNED_CALL_HEADERS },
    responses: { 200: json(countRulesSchema, 'Its rules'), 401: signatureRefused, ...signedCallRefused },
  }, async (c) => {
    const auth = await authenticateUserCall(c, deps.directory, deps.verifier);
    if (!auth.ok) return callRefusal(c, auth);
    return c.json(await deps.thresholds.stored('user', auth.userId));
  });

  for (const action of ['release', 'delete'] as const) {
    documented(app, {
      method: 'post', path: `/quarantine/{ref}/${action}`, tags: ['Threshold Anomaly Detection'],
      security: [{ operatorBearer: [] }, ...SIGNED_CALL],
      summary: action === 'release' ? 'Release a quarantined request (forwarded now, TRT clock from now)' : 'Delete a quarantined request',
      description: 'By the operator (bearer) or by the owning User (a signed call, method POST); another User\'s ref is 404.',
      request: { params: z.object({ ref: z.string().meta({ param: { name: 'ref', in: 'path' }, description: 'The quarantine event reference from the acknowledgement', example: 'q3-0123456789abcdef' }) }) },
      responses: {
        200: json(quarantineOutcome, `${action === 'release' ? 'Released' : 'Deleted'}: the request's new state`),
        401: json(errorAnswer(['unauthorized', 'signature_invalid']), 'A wrong bearer token, or a bad signed call'),
        ...signedCallRefused,
        404: json(errorAnswer(['not_found']), 'No such quarantine event (of this User\'s)'),
        409: json(errorAnswer(['not_quarantined', 'unknown_user', 'user_not_active', 'role_not_eligible', 'device_not_found', 'not_authorised_for_device', 'device_type_incompatible', 'not_available_for_smets1', 'device_status_incompatible']),
          'The request is no longer quarantined, or (release) may not go on now: its User, or its device, no longer admits it (the reason names the row); it stays quarantined'),
      },
    }, async (c) => {
      const who = await caller(c);
      if (who instanceof Response) return who;
      const ref = c.req.param('ref')!;
      const outcome = action === 'release' ? await deps.quarantine.release(ref, who.userId) : await deps.quarantine.delete(ref, who.userId);
      if (!outcome.ok) return c.json({ error: { reason: outcome.reason, message: outcome.message } }, outcome.status);
      // A held request let go or dropped: by whom is part of the audit trail.
      deps.log.info({ action, ref, requestId: outcome.requestId, by: who.userId ?? 'operator' }, 'quarantined request ' + (action === 'release' ? 'released' : 'deleted'));
      return c.json({ ref, requestId: outcome.requestId, state: outcome.state });
    });
  }
  return app;
}
