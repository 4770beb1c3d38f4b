import { MemoryStore } from './memory/index.ts';
import { RedisStore } from './redis/index.ts';
import type { StateStore } from './store/index.ts';

/** Redis when a URL is given (instances then share their state), otherwise this process's memory. */
export async function createStore(options: { redisUrl?: string; keyPrefix?: string; requestRetentionSeconds?: number }): Promise<StateStore> {
  const { redisUrl, keyPrefix, requestRetentionSeconds } = options;
  if (redisUrl) return RedisStore.connect({ url: redisUrl, keyPrefix, requestRetentionSeconds });
  return new MemoryStore({ requestRetentionSeconds });
}
