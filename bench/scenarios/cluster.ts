// Scenario "cluster": the full router on a real Redis Cluster (3 masters with a replica each,
// redis-server on loopback) with 1, 2 and 4 router processes on one port (ROUTER_PROCESSES),
// side by side with one router process on the suite's single redis-server, without and with
// durability (append-only file, fsync on every write), repeats interleaved, medians reported. CPU per answered request counts the router processes and every cluster node (the
// replicas' replication work included), the inputs of the capacity model (docs/performance.md).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRedisCluster, type RedisClusterHandle } from '../../test/support/redis-cluster.ts';
import { step } from '../lib/progress.ts';
import { median, round } from '../lib/stats.ts';
import { closedLoopRun, formatMs, formatRate, repeatsText, table, warmUp, withTarget, type MeasuredRun, type Suite } from '../lib/suite.ts';
import type { Variant } from '../lib/targets.ts';
import { FULL } from './variants.ts';

const run = promisify(execFile);

interface ClusterRow {
  id: string;
  label: string;
  processes: number;
  store: 'redis' | 'redis-fsync-always' | 'cluster';
  medianPerSecond: number;
  ratioToSingleRedis: number;
  medianP99Ms: number;
  runs: number[];
  /** Median CPU µs per request: router processes, and redis-server (all cluster nodes). */
  cpuMicrosecondsPerRequest: { router: number; redis: number; total: number };
  unexpected: number;
}

async function flushCluster(cluster: RedisClusterHandle): Promise<void> {
  // FLUSHALL on every node that is a master now (a replica refuses it and follows its master).
  await Promise.all(cluster.nodes.map(async (node) => {
    const port = Number(node.split(':')[1]);
    const role = (await cluster.cli(port, 'ROLE')).split('\n')[0];
    if (role === 'master') await run('redis-cli', ['-p', String(port), 'FLUSHALL']);
  }));
}

export async function runCluster(suite: Suite) {
  const { options } = suite;
  const cluster = await step('cluster  starting a Redis Cluster: 3 masters, 3 replicas', () => startRedisCluster(), (c) => c.nodes.join(','));
  const clusterPids = [...cluster.processes.values()].map((child) => child.pid!).filter(Boolean);
  const processCounts = options.quick ? [1, 2] : [1, 2, 4];
  const variants: (Variant & { processes: number; store: ClusterRow['store'] })[] = [
    { ...FULL, id: 'single-redis-1', label: 'one router process, one redis-server (no persistence)', processes: 1, store: 'redis', env: { ROUTER_PROCESSES: '1' } },
    {
      ...FULL, id: 'single-redis-fsync-always', label: 'one router process, one redis-server with appendonly yes, appendfsync always',
      processes: 1, store: 'redis-fsync-always', env: { ROUTER_PROCESSES: '1' },
    },
    ...processCounts.map((n) => ({
      id: `cluster-${n}`, label: `${n} router process${n > 1 ? 'es' : ''}, Redis Cluster`, kind: 'router' as const, redis: false,
      processes: n, store: 'cluster' as const,
      env: { ROUTER_PROCESSES: String(n), REDIS_CLUSTER_NODES: cluster.nodes.slice(0, 3).join(',') },
    })),
  ];
  const runs = new Map<string, MeasuredRun[]>(variants.map((v) => [v.id, []]));
  try {
    for (let repeat = 1; repeat <= options.repeats; repeat++) {
      for (const variant of variants) {
        if (variant.store === 'cluster') await flushCluster(cluster);
        // deploy/redis.conf's durability, switched on at run time for this variant only.
        if (variant.store === 'redis-fsync-always') await suite.redis.configSet({ appendonly: 'yes', appendfsync: 'always' });
        const result = await step(`cluster  round ${repeat}/${options.repeats}  ${variant.label}`, () => withTarget(suite, variant, async (target) => {
          await warmUp(suite, target);
          return closedLoopRun(suite, target, variant.store === 'cluster' ? { redisPids: clusterPids } : {});
        }), (r) => `${formatRate(r.perSecond)} req/s  p99 ${r.latencyMs.p99} ms  ${JSON.stringify(r.statuses)}${r.unexpected ? `  UNEXPECTED ${r.unexpected}: ${r.unexpectedSamples[0]?.slice(-400)}` : ''}`);
        if (variant.store === 'redis-fsync-always') await suite.redis.configSet({ appendonly: 'no', appendfsync: 'everysec' });
        runs.get(variant.id)!.push(result);
      }
    }
  } finally {
    await cluster.stop();
  }
  const single = median(runs.get('single-redis-1')!.map((r) => r.perSecond));
  const rows: ClusterRow[] = variants.map((variant) => {
    const measured = runs.get(variant.id)!;
    const perSecond = median(measured.map((r) => r.perSecond));
    const micro = (key: 'target' | 'redis') => round(median(measured.map((r) => r.cpu.microsecondsPerRequest?.[key] ?? 0)));
    return {
      id: variant.id, label: variant.label, processes: variant.processes, store: variant.store,
      medianPerSecond: Math.round(perSecond), ratioToSingleRedis: round(perSecond / single),
      medianP99Ms: round(median(measured.map((r) => r.latencyMs.p99))),
      runs: measured.map((r) => Math.round(r.perSecond)),
      cpuMicrosecondsPerRequest: { router: micro('target'), redis: micro('redis'), total: round(micro('target') + micro('redis')) },
      unexpected: measured.reduce((sum, r) => sum + r.unexpected + r.errors + r.timeouts, 0),
    };
  });
  const data = {
    method: `closed loop, autocannon, ${options.connections} connections, the suite's mix; a fresh router and an emptied store per run; ${repeatsText(options.repeats)}`,
    clusterNodes: cluster.nodes.length,
    rows,
  };
  const markdown = [
    `The full router (signatures, TAD, TRT, simulated networks) on a Redis Cluster of 3 masters with one replica each, all on this machine's 2 cores beside the load generator, with 1 to ${processCounts.at(-1)} router processes on one port; the first row is one process on the suite's single redis-server, measured in the same run. ${repeatsText(options.repeats)}. CPU per answered request counts every router process and every cluster node (replication included).`,
    '',
    ...table(['configuration', 'median req/s', 'ratio to one process on one Redis (no persistence)', 'p99 ms', 'runs', 'CPU µs/req router', 'CPU µs/req Redis (all nodes)', 'CPU µs/req total', 'answered as expected'], rows.map((r) => [
      r.label, formatRate(r.medianPerSecond), r.ratioToSingleRedis, formatMs(r.medianP99Ms), r.runs.join(', '),
      r.cpuMicrosecondsPerRequest.router, r.cpuMicrosecondsPerRequest.redis, r.cpuMicrosecondsPerRequest.total, r.unexpected === 0 ? 'all' : `**${r.unexpected} not**`,
    ])),
  ];
  return { title: 'Redis Cluster: 1, 2 and 4 router processes', data, markdown };
}
