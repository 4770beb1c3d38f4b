import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  latencyP50: number;
  latencyP99: number;
  statuses: Record<string, number>;
}

/**
 * Closed-loop load: sends each prepared body exactly once over `connections` keep-alive
 * connections, so every request of the run is new to the router (no replays).
 */
export async function sendAll(url: string, bodies: { body: string; signature: string }[], connections: number): Promise<LoadResult> {
  let next = 0;
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const result = await autocannon({
    url: `${url}/v1/service-requests`,
    connections,
    amount: bodies.length,
    requests: [{
      method: 'POST',
      setupRequest: (request: any) => {
        const item = bodies[next++ % bodies.length];
        return { ...request, body: item.body, headers: { 'content-type': 'application/json', 'x-dcc-signature': item.signature } };
      },
      onResponse: (status: number) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
      },
    }],
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: bodies.length,
    seconds,
    // autocannon's own duration is counted in whole one-second samples: time the run here instead.
    perSecond: result.requests.total / seconds,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    statuses,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
