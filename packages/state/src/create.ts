import { MemoryStore } from './memory/index.ts';
import { RedisStore } from './redis/index.ts';
import type { StateStore } from './store/index.ts';

export interface CreateStoreOptions {
  redisUrl?: string;
  keyPrefix?: string;
  requestRetentionSeconds?: number;
  outboxRetentionSeconds?: number;
}

/** Redis when a URL is given (instances then share their state), otherwise this process's memory. */
export async function createStore(options: CreateStoreOptions): Promise<StateStore> {
  const { redisUrl, keyPrefix, requestRetentionSeconds, outboxRetentionSeconds } = options;
  if (redisUrl) return RedisStore.connect({ url: redisUrl, keyPrefix, requestRetentionSeconds, outboxRetentionSeconds });
  return new MemoryStore({ requestRetentionSeconds, outboxRetentionSeconds });
}
