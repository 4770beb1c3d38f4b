import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Env, Handler, MiddlewareHandler } from 'hono';
import { DESCRIPTION } from './description.ts';

/**
 * Serves a route and documents it from the same definition. Handlers validate their input with
 * the schemas the definition documents (`route.request`), rather than through @hono/zod-openapi's
 * automatic validators: those would answer a missing Content-Type with a plain-text 415 and bad
 * JSON with Hono's own 400, where the contract's answers name a reason and a field.
 */
export function documented<E extends Env>(
  app: OpenAPIHono<E>, route: RouteConfig, ...handlers: (Handler<E> | MiddlewareHandler<E>)[]
): void {
  app.openAPIRegistry.registerPath(route);
  // A path parameter followed by a `:verb` (e.g. `{destination}:raise-alerts`) is matched whole, verb included.
  const path = route.path.replace(/\{([^}]+)\}(:[a-z-]+)$/, ':$1{[^/]+$2}').replaceAll(/\{([^}:]+)\}/g, ':$1');
  (app.on as (method: string, path: string, ...handlers: unknown[]) => unknown)(route.method.toUpperCase(), path, ...handlers);
}

/** The document, generated from every documented route of `app` (and the apps mounted in it). */
export function openApiDocument(app: OpenAPIHono<any>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'operatorBearer', {
    type: 'http', scheme: 'bearer', description: "The operators' token, ROUTER_ADMIN_TOKEN",
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'userSignedCall', {
    type: 'apiKey', in: 'header', name: 'X-DCC-Signature',
    description: 'A User\'s signed call: X-DCC-User, X-DCC-Timestamp and X-DCC-Signature over `<METHOD>\\n<request-target>\\n<timestamp>` (see "Signing")',
  });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'DCC service-request router', version: '1.1', description: DESCRIPTION },
    tags: [
      { name: 'Service requests', description: 'Signed DUIS service requests (the request path)' },
      { name: 'Users', description: 'A User reading back its own data, with signed calls' },
      { name: 'Operators', description: "The operators' API (bearer token)" },
      { name: 'Threshold Anomaly Detection' },
      { name: 'Webhooks', description: 'Dead letters of webhook delivery' },
      { name: 'Service', description: 'Health, readiness, metrics and this document' },
    ],
  });
}

/** The docs page: self-contained (no script or style from elsewhere), it renders /v1/openapi.json. */
export { DOCS_PAGE } from './docs-page.ts';
