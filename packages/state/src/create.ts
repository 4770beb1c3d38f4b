import { MemoryStore } from './memory/index.ts';
import { RedisStore } from './redis/index.ts';
import type { StateStore } from './store/index.ts';

export interface CreateStoreOptions {
  redisUrl?: string;
  keyPrefix?: string;
  requestRetentionSeconds?: number;
  outboxRetentionSeconds?: number;
  /** Redis only: told of every call, by what it is for (metrics). */
  onCall?: (what: string) => void;
}

/** Redis when a URL is given (instances then share their state), otherwise this process's memory. */
export async function createStore(options: CreateStoreOptions): Promise<StateStore> {
  const { redisUrl, keyPrefix, requestRetentionSeconds, outboxRetentionSeconds, onCall } = options;
  if (redisUrl) return RedisStore.connect({ url: redisUrl, keyPrefix, requestRetentionSeconds, outboxRetentionSeconds, onCall });
  return new MemoryStore({ requestRetentionSeconds, outboxRetentionSeconds });
}
