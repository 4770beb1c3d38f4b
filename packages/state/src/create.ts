import { MemoryStore } from './memory/index.ts';
import { RedisStore, type RedisStoreOptions } from './redis/index.ts';
import type { StateStore } from './store/index.ts';

/** Where the state lives, and the Redis store's settings (see RedisStoreOptions); a store in memory takes only the retentions. */
export interface CreateStoreOptions
  extends Pick<RedisStoreOptions, 'credentials' | 'connectDeadlineMs' | 'keyPrefix' | 'requestRetentionSeconds' | 'outboxRetentionSeconds' | 'deadLetterRetentionSeconds' | 'responseGatherMs' | 'trtAlertGraceMs' | 'waitReplicas' | 'waitTimeoutMs' | 'onCall' | 'onCallDone'> {
  redisUrl?: string;
  /** Seeds of a Redis Cluster: wins over redisUrl. */
  redisClusterNodes?: readonly string[];
  redisSentinels?: readonly string[];
  redisSentinelName?: string;
}

/** Redis when one is given (instances then share their state), otherwise this process's memory. */
export async function createStore(options: CreateStoreOptions): Promise<StateStore> {
  const { redisUrl, redisClusterNodes, redisSentinels, redisSentinelName, ...settings } = options;
  if (redisUrl || redisClusterNodes?.length || redisSentinels?.length) {
    return RedisStore.connect({ url: redisUrl, clusterNodes: redisClusterNodes, sentinels: redisSentinels, sentinelName: redisSentinelName, ...settings });
  }
  const { requestRetentionSeconds, outboxRetentionSeconds, deadLetterRetentionSeconds } = settings;
  return new MemoryStore({ requestRetentionSeconds, outboxRetentionSeconds, deadLetterRetentionSeconds });
}
