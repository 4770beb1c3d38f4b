export * from './store/index.ts';
export { MemoryStore } from './memory/index.ts';
export { MinHeap } from './memory/queues.ts';
export { RedisStore, type RedisStoreOptions } from './redis/index.ts';
export type { RedisCredentials } from './redis/connection/index.ts';
export { readRedisUrl, withoutCredentials } from './redis/connection/index.ts';
export { createStore } from './create.ts';
export { PARTITIONS, partitionOf, originatorOf, compareCursors, outboxCursorRefusal, respondedRequestIds, quarantineRef, DEAD_LETTER_CURSOR, QUARANTINE_CURSOR } from './shared/index.ts';
export * from './counters/index.ts';
