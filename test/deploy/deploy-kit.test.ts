// The deploy kit checked without a Kubernetes cluster or an image registry (neither is reachable
// here): every manifest is valid against the Kubernetes API's schemas (kubernetes-models, offline)
// and names no field they lack (their TypeScript interfaces' excess-property check), parses and
// hangs together, names only settings the router reads, and probes paths the running
// router serves; the Redis Cluster's init Job forms a cluster from empty nodes, once; the image is
// built where a Docker daemon answers (skipped, saying why, elsewhere); the Dockerfile runs as
// non-root with a health check; and every setting the router reads is documented in the README's
// configuration table, so the two cannot drift.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service } from 'kubernetes-models/v1';
import { redisClusterUnsupported, startClusterNodes } from '../support/redis-cluster.ts';
import { freePort } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';

const run = promisify(execFile);

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
    ...source.matchAll(/settings\.(?:integer|durationMs|fraction|boolean|oneOf|nodes)\('([A-Z0-9_]+)'/g),
    ...source.matchAll(/\benv\.([A-Z0-9_]+)/g),
    ...source.matchAll(/this\.integer\('([A-Z0-9_]+)'/g),
  ].map((match) => match[1]);
  return new Set(names);
}
/** Read by Bun itself, not the router. */
const RUNTIME_SETTINGS = new Set(['BUN_RUNTIME_TRANSPILER_CACHE_PATH', 'NODE_ENV']);

/**
 * Each kind the manifests use, by `apiVersion/kind`: its kubernetes-models class (the API's schema,
 * whose validators let unknown fields through) and its TypeScript interface (module, name), whose
 * excess-property check does not, as kubectl's strict field validation would not.
 */
const KINDS: Record<string, { Model: new (data: any) => { validate(): void }; types: [module: string, name: string] }> = {
  'apps/v1/Deployment': { Model: Deployment, types: ['kubernetes-models/apps/v1/Deployment', 'IDeployment'] },
  'apps/v1/StatefulSet': { Model: StatefulSet, types: ['kubernetes-models/apps/v1/StatefulSet', 'IStatefulSet'] },
  'v1/Service': { Model: Service, types: ['kubernetes-models/v1/Service', 'IService'] },
  'policy/v1/PodDisruptionBudget': { Model: PodDisruptionBudget, types: ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'] },
  'autoscaling/v2/HorizontalPodAutoscaler': { Model: HorizontalPodAutoscaler, types: ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'] },
  'batch/v1/Job': { Model: Job, types: ['kubernetes-models/batch/v1/Job', 'IJob'] },
  'networking.k8s.io/v1/NetworkPolicy': { Model: NetworkPolicy, types: ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'] },
};

/** The schema's complaints about a manifest ('' when valid); a kind with no schema here is one too. */
function schemaErrors(doc: { apiVersion: string; kind: string }): string {
  const Model = KINDS[`${doc.apiVersion}/${doc.kind}`]?.Model;
  if (!Model) return `no schema for ${doc.apiVersion} ${doc.kind}`;
  try {
    new Model(doc).validate();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Each manifest as an object literal typed by its kind's interface, type-checked in memory:
 * TypeScript's excess-property check names any field the API does not have (a misspelt
 * `livenessProb` would be dropped by a lenient client, and refused by `kubectl apply`'s strict
 * field validation). Each complaint names its manifest; none when every field is known.
 */
function unknownFieldErrors(manifests: { apiVersion: string; kind: string }[]): string[] {
  const file = `${ROOT}test/deploy/manifests.generated.ts`;
  const source = manifests.map((doc, i) => {
    const [module, name] = KINDS[`${doc.apiVersion}/${doc.kind}`]?.types ?? [];
    // A kind without an interface here fails to compile, naming it.
    if (!module) return `// ${doc.apiVersion} ${doc.kind}\nexport const m${i}: never = 'no interface for ${doc.apiVersion} ${doc.kind}';`;
    return `import type { ${name} as T${i} } from '${module}';\nexport const m${i}: T${i} = ${JSON.stringify(doc)};`;
  }).join('\n');
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  host.fileExists = (name) => name === file || ts.sys.fileExists(name);
  host.getSourceFile = (name, version) => (name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version));
  const program = ts.createProgram([file], options, host);
  // Each manifest's const is on line 2i + 1 (after its import): a complaint names its manifest.
  const nameOf = (line: number) => {
    const doc = manifests[Math.floor(line / 2)] as { kind: string; metadata?: { name?: string } } | undefined;
    return doc ? `${doc.kind} ${doc.metadata?.name}` : `line ${line + 1}`;
  };
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    return `${nameOf(line)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/** Why `docker build` cannot run here (no docker client, or no daemon answering), or undefined. */
async function dockerUnavailable(): Promise<string | undefined> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 });
    return undefined;
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') return 'the docker client is not installed';
    return `\`docker info\` failed (no Docker daemon reachable): ${stderr?.trim().split('\n').at(-1) ?? (error as Error).message}`;
  }
}

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

  it('is valid against the Kubernetes API schemas, every manifest', () => {
    expect(k8s.map((doc) => doc.kind).sort()).toEqual(['Deployment', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'NetworkPolicy', 'PodDisruptionBudget', 'PodDisruptionBudget', 'Service', 'Service', 'StatefulSet']);
    expect(k8s.map((doc) => `${doc.kind} ${doc.metadata.name}: ${schemaErrors(doc)}`)).toEqual(k8s.map((doc) => `${doc.kind} ${doc.metadata.name}: `));
    // The schemas bite: a port given by name where a number is required, a Deployment without its selector.
    const [router] = byKind('Deployment').filter((doc) => doc.metadata.name === 'dcc-router');
    const broken = structuredClone(router);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(schemaErrors(broken)).toMatch(/containerPort must be integer/);
    delete broken.spec.selector;
    expect(schemaErrors(broken)).toMatch(/data\/spec must have required property selector/);
  });

  it('names no field the Kubernetes API does not have, in any manifest', () => {
    expect(unknownFieldErrors(k8s)).toEqual([]);
    // The check bites: a misspelt probe and a field at the top of a Service, each named.
    const [router] = byKind('Deployment').filter((doc) => doc.metadata.name === 'dcc-router');
    const misspelt = structuredClone(router);
    const [container] = misspelt.spec.template.spec.containers;
    container.livenessProb = container.livenessProbe;
    const [service] = byKind('Service');
    const errors = unknownFieldErrors([misspelt, { ...structuredClone(service), replicas: 2 }]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(`Deployment dcc-router: Object literal may only specify known properties, and '"livenessProb"' does not exist in type 'IContainer'.`);
    expect(errors[1]).toBe(`Service ${service.metadata.name}: Object literal may only specify known properties, and '"replicas"' does not exist in type 'IService'.`);
  }, 60_000);

  it('forms the Redis Cluster with its init Job, from empty nodes, and finds it formed when run again', async ({ skip }) => {
    const [statefulSet] = byKind('StatefulSet');
    const [job] = byKind('Job');
    const [container] = job.spec.template.spec.containers;
    expect(container.image).toBe(statefulSet.spec.template.spec.containers[0].image);
    // It names every pod of the StatefulSet through its headless Service.
    const script: string = container.args[0];
    const nodesLine = /^nodes="([^"]+)"$/m.exec(script)!;
    const pods = Array.from({ length: statefulSet.spec.replicas }, (_, i) => `${statefulSet.metadata.name}-${i}.${statefulSet.spec.serviceName}:6379`);
    expect(nodesLine[1].split(' ')).toEqual(pods);
    const unsupported = await redisClusterUnsupported();
    if (unsupported) {
      console.warn(`init Job run skipped: ${unsupported}`);
      skip(unsupported);
    }
    // The same script on loopback nodes behind a password, given to it as the Job's env gives it
    // (REDISCLI_AUTH, from the nodes' Secret): the pods' names are the one thing swapped.
    expect(container.env).toEqual([{ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'dcc-redis', key: 'password' } } }]);
    const password = 'from the secret';
    const auth = { env: { ...process.env, REDISCLI_AUTH: password } };
    const nodes = await startClusterNodes(pods.length, ['--requirepass', password, '--masterauth', password]);
    try {
      const onLoopback = script.replace(nodesLine[0], `nodes="${nodes.ports.map((port) => `127.0.0.1:${port}`).join(' ')}"`);
      const first = await run(container.command[0], [...container.command.slice(1), onLoopback], { timeout: 60_000, ...auth });
      expect(first.stdout).toContain('All 16384 slots covered');
      await expect.poll(async () => (await run('redis-cli', ['-p', String(nodes.ports[5]), 'cluster', 'info'], auth)).stdout, { timeout: 10_000 }).toMatch(/cluster_state:ok/);
      const again = await run(container.command[0], [...container.command.slice(1), onLoopback], { timeout: 60_000, ...auth });
      expect(again.stdout.trim()).toBe('the cluster exists');
    } finally {
      await nodes.stop();
    }
  }, 90_000);

  it('forms the compose kit\'s Redis Cluster with its init service, from empty nodes, and finds it formed when run again', async ({ skip }) => {
    const [compose] = docs('deploy/docker-compose.yml');
    const [shell, flag, escaped] = compose.services['redis-cluster-init'].command as string[];
    // Compose reads $$ as $.
    const script = escaped.replaceAll('$$', '$');
    const nodesLine = /^nodes="([^"]+)"$/m.exec(script)!;
    expect(nodesLine[1].split(' ')).toEqual([1, 2, 3, 4, 5, 6].map((n) => `redis-${n}:6379`));
    const unsupported = await redisClusterUnsupported();
    if (unsupported) {
      console.warn(`compose init run skipped: ${unsupported}`);
      skip(unsupported);
    }
    const nodes = await startClusterNodes(6, []);
    try {
      const onLoopback = script.replace(nodesLine[0], `nodes="${nodes.ports.map((port) => `127.0.0.1:${port}`).join(' ')}"`);
      const first = await run(shell, [flag, onLoopback], { timeout: 60_000 });
      expect(first.stdout).toContain('All 16384 slots covered');
      // Run again at once, whatever the cluster's state reads meanwhile.
      const again = await run(shell, [flag, onLoopback], { timeout: 60_000 });
      expect(again.stdout.trim()).toBe('the cluster exists');
    } finally {
      await nodes.stop();
    }
  }, 90_000);

  it('runs Redis Cluster nodes that answer clients from other pods given the password, and only them, as the StatefulSet starts them', async ({ skip }) => {
    // A client from another pod comes from a non-loopback address: this machine's own stands in for it.
    const address = Object.values(networkInterfaces()).flat().find((face) => face?.family === 'IPv4' && !face.internal)?.address;
    if (!address) return skip('no non-loopback IPv4 address to connect from');
    const unsupported = await redisClusterUnsupported();
    if (unsupported) return skip(unsupported);
    const [statefulSet] = byKind('StatefulSet');
    const [container] = statefulSet.spec.template.spec.containers;
    const dir = mkdtempSync(join(tmpdir(), 'dccrouter-k8s-redis-'));
    const port = await freePort();
    // The pod's own name and volume swapped for this machine's; the rest as the StatefulSet says.
    const line = `${container.args[0].replace('$(hostname)', 'dcc-redis-0').replace('/data/nodes.conf', join(dir, 'nodes.conf'))} --port ${port} --dir ${dir}`;
    // The password from its Secret, as the container's env says: the routers' too.
    const secretOf = (env: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[], name: string) => env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    expect(secretOf(container.env, 'REDIS_PASSWORD')).toEqual({ name: 'dcc-redis', key: 'password' });
    for (const deployment of byKind('Deployment')) expect(secretOf(deployment.spec.template.spec.containers[0].env, 'REDIS_PASSWORD'), deployment.metadata.name).toEqual({ name: 'dcc-redis', key: 'password' });
    const password = 'from the secret';
    const node = spawn(container.command[0], [...container.command.slice(1), line], { stdio: 'ignore', env: { ...process.env, REDIS_PASSWORD: password } });
    const cli = (host: string, auth?: string) => run('redis-cli', ['-h', host, '-p', String(port), 'ping'], { env: { ...process.env, ...(auth ? { REDISCLI_AUTH: auth } : {}) } })
      .then(({ stdout }) => stdout.trim(), (error: { stdout?: string }) => error.stdout?.trim() ?? '');
    try {
      await expect.poll(() => cli('127.0.0.1', password), { timeout: 10_000 }).toBe('PONG');
      expect(await cli(address, password)).toBe('PONG');
      expect(await cli(address)).toMatch(/NOAUTH/);
      expect((await run('redis-cli', ['-p', String(port), 'config', 'get', 'maxmemory'], { env: { ...process.env, REDISCLI_AUTH: password } })).stdout).toMatch(/maxmemory\s+2516582400/);
    } finally {
      node.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('lets only the pods that hold Redis\'s password reach it, and only the nodes reach each other\'s cluster bus', () => {
    const [policy] = byKind('NetworkPolicy');
    const redisLabels = byKind('StatefulSet')[0].spec.template.metadata.labels;
    expect(policy.spec.podSelector.matchLabels).toEqual(redisLabels);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    type Rule = { from: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] };
    const admitted = (labels: Record<string, string>, port: number) => (policy.spec.ingress as Rule[]).some((rule) =>
      rule.ports.some((p) => p.port === port) && rule.from.some((peer) => Object.entries(peer.podSelector.matchLabels).every(([k, v]) => labels[k] === v)));
    // Each pod given the password (the routers, the networks, the init Job) and the nodes themselves reach the client port.
    const clients = [...byKind('Deployment'), ...byKind('Job')].filter((doc) => JSON.stringify(doc.spec.template.spec.containers).includes('"dcc-redis"'));
    expect(clients.map((doc) => doc.metadata.name).sort()).toEqual(['dcc-networks', 'dcc-redis-cluster-init', 'dcc-router']);
    for (const doc of clients) {
      expect(admitted(doc.spec.template.metadata?.labels ?? {}, 6379), doc.metadata.name).toBe(true);
      expect(admitted(doc.spec.template.metadata?.labels ?? {}, 16379), doc.metadata.name).toBe(false);
    }
    expect([admitted(redisLabels, 6379), admitted(redisLabels, 16379)]).toEqual([true, true]);
    // Any other pod, none; and the ports are the Service's.
    expect(admitted({ 'app.kubernetes.io/name': 'something-else' }, 6379)).toBe(false);
    const servicePorts = byKind('Service').find((doc) => doc.metadata.name === 'dcc-redis').spec.ports.map((p: { port: number }) => p.port);
    expect([...new Set((policy.spec.ingress as Rule[]).flatMap((rule) => rule.ports.map((p) => p.port)))].sort()).toEqual(servicePorts.sort());
  });

  it('holds the networks process to the routers\' REDIS_WAIT_REPLICAS: it records the responses', () => {
    const waitOf = (name: string) => byKind('Deployment').find((doc) => doc.metadata.name === name)!
      .spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'REDIS_WAIT_REPLICAS')?.value;
    expect(waitOf('dcc-router')).toBe('1');
    expect(waitOf('dcc-networks')).toBe(waitOf('dcc-router'));
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
    expect(byKind('PodDisruptionBudget').find((p) => p.metadata.name === 'dcc-router').spec.selector.matchLabels).toEqual(labels);
    // Redis's own: one node of the cluster out at a time, so a master and its replica never together.
    const redisBudget = byKind('PodDisruptionBudget').find((p) => p.metadata.name === 'dcc-redis');
    expect(redisBudget.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: byKind('StatefulSet')[0].spec.selector.matchLabels } });
    expect(byKind('HorizontalPodAutoscaler')[0].spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'dcc-router' });
    // The HPA's metric is one the router exports.
    const metric = byKind('HorizontalPodAutoscaler')[0].spec.metrics.find((m: { type: string }) => m.type === 'Pods').pods.metric.name;
    expect(await (await fetch(`${router.url}/metrics`)).text()).toContain(`# TYPE ${metric} `);
    // The pod is given long enough for the router's own pre-stop delay and grace period.
    const env = Object.fromEntries(container.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(env.PRE_STOP_DELAY_MS) + Number(env.SHUTDOWN_GRACE_MS));
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('alerts only on metrics the router exports, in rules Prometheus can load', async () => {
    const [rules] = docs('deploy/prometheus/alerts.yaml');
    const alerts = (rules.groups as { rules: { alert: string; expr: string; labels: { severity: string } }[] }[]).flatMap((group) => group.rules);
    expect(alerts.length).toBeGreaterThan(5);
    const exported = await (await fetch(`${router.url}/metrics`)).text();
    for (const { alert, expr, labels } of alerts) {
      expect(alert, expr).toMatch(/^DccRouter[A-Za-z]+$/);
      expect(['critical', 'warning', 'info'], alert).toContain(labels.severity);
      const metrics = [...expr.matchAll(/\bdccrouter_[a-z_]+/g)].map(([name]) => name);
      expect(metrics.length, alert).toBeGreaterThan(0);
      for (const metric of metrics) expect(exported, `${alert}: ${metric}`).toContain(`# TYPE ${metric} `);
    }
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
    // One signing key for every router, made once by the key service into the volume they read.
    const keys = new Set(routers.map(([, s]) => s.environment.ROUTER_SIGNING_KEY));
    expect([...keys]).toEqual(['/keys/router-signing-key.pem']);
    for (const [, router] of routers) expect(router.volumes).toContain('router-keys:/keys:ro');
    expect(services['router-key-init'].volumes).toEqual(['router-keys:/keys']);
    expect(services['router-key-init'].command.join(' ')).toContain('/keys/router-signing-key.pem');
    // Masters that lost their replicas refuse writes (docs/redis.md: durability).
    for (const name of Object.keys(services).filter((n) => /^redis-\d$/.test(n))) {
      expect(services[name].command.join(' ')).toContain('--min-replicas-to-write 1 --min-replicas-max-lag 1');
    }
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

  it('builds the image with docker, where a Docker daemon answers', async ({ skip }) => {
    const unavailable = await dockerUnavailable();
    if (unavailable) {
      console.warn(`docker build skipped: ${unavailable}`);
      skip(unavailable);
    }
    const tag = 'dcc-router:deploy-kit-test';
    await run('docker', ['build', '-f', 'deploy/Dockerfile', '-t', tag, '.'], { cwd: ROOT, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    try {
      const [image] = JSON.parse((await run('docker', ['image', 'inspect', tag])).stdout);
      expect(image.Config.User).toBe('bun');
      expect(image.Config.Healthcheck.Test.join(' ')).toContain('/readyz');
      expect(image.Config.Cmd).toEqual(['bun', 'packages/router/src/main.ts']);
    } finally {
      await run('docker', ['image', 'rm', '-f', tag]);
    }
  }, 960_000);
});
