// The deploy kit checked without a cluster or an image registry (neither is reachable here): every
// manifest parses and hangs together, names only settings the router reads, and probes paths the
// running router serves; the Dockerfile runs as non-root with a health check; and every setting
// the router reads is documented in the README's configuration table, so the two cannot drift.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');
const docs = (path: string) => parseAllDocuments(read(path), { merge: true }).map((doc) => {
  expect(doc.errors, `${path}: ${doc.errors.join('; ')}`).toEqual([]);
  return doc.toJS({ maxAliasCount: 100 });
});
const k8s = readdirSync(`${ROOT}deploy/k8s`).filter((file) => file.endsWith('.yaml')).flatMap((file) => docs(`deploy/k8s/${file}`));
const byKind = (kind: string) => k8s.filter((doc) => doc.kind === kind);

/** Every environment variable the router and the networks process read. */
function settingsRead(): Set<string> {
  const source = read('packages/router/src/config/index.ts');
  const names = [
    ...source.matchAll(/settings\.(?:integer|fraction|boolean|oneOf|nodes)\('([A-Z0-9_]+)'/g),
    ...source.matchAll(/\benv\.([A-Z0-9_]+)/g),
    ...source.matchAll(/this\.integer\('([A-Z0-9_]+)'/g),
  ].map((match) => match[1]);
  return new Set(names);
}
/** Read by Bun itself, not the router. */
const RUNTIME_SETTINGS = new Set(['BUN_RUNTIME_TRANSPILER_CACHE_PATH', 'NODE_ENV']);

let router: RouterProcess;
beforeAll(async () => { router = await startRouterProcess({ VERIFY_THREADS: '1' }); });
afterAll(async () => { await router?.stop(); });

describe('deploy kit', () => {
  it('documents every setting the router reads in the README configuration table', () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
    const undocumented = [...settingsRead()].filter((name) => !table.includes(`\`${name}\``));
    expect(settingsRead().size).toBeGreaterThan(40);
    expect(undocumented).toEqual([]);
  });

  it('has a router Deployment whose probes the router answers, a Service, a PDB and an HPA that point at it', async () => {
    const [deployment] = byKind('Deployment').filter((doc) => doc.metadata.name === 'dcc-router');
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    const [container] = deployment.spec.template.spec.containers;
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const path = container[probe].httpGet.path;
      expect((await fetch(`${router.url}${path}`)).status, `${probe} ${path}`).toBe(200);
    }
    const ports = Object.fromEntries(container.ports.map((port: { name: string; containerPort: number }) => [port.name, port.containerPort]));
    expect(ports).toEqual({ http: 8080, grpc: 50051 });
    expect(byKind('Service').find((s) => s.metadata.name === 'dcc-router').spec.selector).toEqual(labels);
    expect(byKind('PodDisruptionBudget')[0].spec.selector.matchLabels).toEqual(labels);
    expect(byKind('HorizontalPodAutoscaler')[0].spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'dcc-router' });
    // The HPA's metric is one the router exports.
    const metric = byKind('HorizontalPodAutoscaler')[0].spec.metrics.find((m: { type: string }) => m.type === 'Pods').pods.metric.name;
    expect(await (await fetch(`${router.url}/metrics`)).text()).toContain(`# TYPE ${metric} `);
    // The pod is given long enough for the router's own pre-stop delay and grace period.
    const env = Object.fromEntries(container.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(env.PRE_STOP_DELAY_MS) + Number(env.SHUTDOWN_GRACE_MS));
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('names only settings the router reads, in Kubernetes and in compose', () => {
    const known = settingsRead();
    const k8sNames = byKind('Deployment').flatMap((d) => d.spec.template.spec.containers.flatMap((c: { env: { name: string }[] }) => c.env.map((e) => e.name)));
    const [compose] = docs('deploy/docker-compose.yml');
    const composeNames = Object.values(compose.services as Record<string, { environment?: Record<string, string> }>).flatMap((service) => Object.keys(service.environment ?? {}));
    const unknown = [...k8sNames, ...composeNames].filter((name) => !known.has(name) && !RUNTIME_SETTINGS.has(name));
    expect(k8sNames.length + composeNames.length).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('composes several routers over a Redis Cluster with the networks process beside them', () => {
    const [compose] = docs('deploy/docker-compose.yml');
    const services = compose.services as Record<string, any>;
    const routers = Object.entries(services).filter(([, s]) => s.environment?.NETWORKS === 'external');
    expect(routers.length).toBeGreaterThanOrEqual(2);
    const seeds = routers[0][1].environment.REDIS_CLUSTER_NODES.split(',').map((node: string) => node.split(':')[0]);
    for (const seed of seeds) expect(services[seed], `cluster seed ${seed}`).toBeDefined();
    expect(Object.keys(services).filter((name) => /^redis-\d$/.test(name))).toHaveLength(6);
    expect(services.networks.command).toEqual(['bun', 'packages/router/src/networks-main.ts']);
    expect(existsSync(`${ROOT}deploy/redis.conf`)).toBe(true);
  });

  it('builds a non-root Bun image with a health check, from files that exist', () => {
    const dockerfile = read('deploy/Dockerfile');
    expect(dockerfile).toMatch(/^FROM oven\/bun:/m);
    const user = /^USER (\S+)/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)$/);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/readyz/m);
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) expect(existsSync(`${ROOT}${source}`), source).toBe(true);
    const command = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(existsSync(`${ROOT}${command[1]}`)).toBe(true);
  });
});
