import { MemoryStore } from './memory/index.ts';
import { RedisStore } from './redis/index.ts';
import type { StateStore } from './store/index.ts';

export interface CreateStoreOptions {
  redisUrl?: string;
  /** Seeds of a Redis Cluster: wins over redisUrl. */
  redisClusterNodes?: readonly string[];
  redisSentinels?: readonly string[];
  redisSentinelName?: string;
  keyPrefix?: string;
  requestRetentionSeconds?: number;
  outboxRetentionSeconds?: number;
  /** Redis only: how long a network response waits for others to be recorded with them (ms). */
  responseGatherMs?: number;
  /** Redis only: told of every call, by what it is for (metrics). */
  onCall?: (what: string) => void;
  /** Redis only: told when each call is answered or fails, and how long it took. */
  onCallDone?: (what: string, seconds: number, failed: boolean) => void;
}

/** Redis when one is given (instances then share their state), otherwise this process's memory. */
export async function createStore(options: CreateStoreOptions): Promise<StateStore> {
  const { redisUrl, redisClusterNodes, redisSentinels, redisSentinelName, keyPrefix, requestRetentionSeconds, outboxRetentionSeconds, responseGatherMs, onCall, onCallDone } = options;
  if (redisUrl || redisClusterNodes?.length || redisSentinels?.length) {
    return RedisStore.connect({
      url: redisUrl, clusterNodes: redisClusterNodes, sentinels: redisSentinels, sentinelName: redisSentinelName,
      keyPrefix, requestRetentionSeconds, outboxRetentionSeconds, responseGatherMs, onCall, onCallDone,
    });
  }
  return new MemoryStore({ requestRetentionSeconds, outboxRetentionSeconds });
}
