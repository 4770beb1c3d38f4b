import { Hono, type Context } from 'hono';
import type { StateStore } from '@dccrouter/state';
import { operatorCheck } from '../admin/index.ts';
import { authenticateUserCall } from '../auth/user-call.ts';
import type { SignatureVerifier } from '../auth/verifier.ts';
import type { ThresholdRules } from './index.ts';
import type { QuarantineDesk } from './quarantine.ts';

export interface TadRouteDeps {
  store: StateStore;
  verifier: SignatureVerifier;
  adminToken: string;
  thresholds: ThresholdRules;
  quarantine: QuarantineDesk;
}

/** A User's own thresholds (signed GET) and the release/delete of quarantined requests. */
export function tadRoutes(deps: TadRouteDeps): Hono {
  const app = new Hono();
  const isOperator = operatorCheck(deps.adminToken);

  /** The operator (bearer) acts on any request; a User (signed call) on its own only. */
  async function caller(c: Context): Promise<{ userId?: string } | Response> {
    if (c.req.header('authorization') !== undefined) {
      if (isOperator(c.req.header('authorization'))) return {};
      return c.json({ error: { reason: 'unauthorized', message: 'Authorization: Bearer <ROUTER_ADMIN_TOKEN> is wrong' } }, 401);
    }
    const auth = await authenticateUserCall(c, deps.store, deps.verifier);
    if (!auth.ok) return c.json({ error: { reason: 'signature_invalid', message: auth.message } }, 401);
    return { userId: auth.userId };
  }

  app.get('/thresholds', async (c) => {
    const auth = await authenticateUserCall(c, deps.store, deps.verifier);
    if (!auth.ok) return c.json({ error: { reason: 'signature_invalid', message: auth.message } }, 401);
    return c.json(await deps.thresholds.userRules(auth.userId));
  });

  for (const action of ['release', 'delete'] as const) {
    app.post(`/quarantine/:ref/${action}`, async (c) => {
      const who = await caller(c);
      if (who instanceof Response) return who;
      const ref = c.req.param('ref');
      const outcome = action === 'release' ? await deps.quarantine.release(ref, who.userId) : await deps.quarantine.delete(ref, who.userId);
      if (!outcome.ok) return c.json({ error: { reason: outcome.reason, message: outcome.message } }, outcome.status);
      return c.json({ ref, requestId: outcome.requestId, state: outcome.state });
    });
  }
  return app;
}
