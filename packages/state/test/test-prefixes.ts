import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Unique key prefixes for tests sharing one redis-server, and the clean-up that deletes every key
 * written under them, so the shared server stays small.
 */
export function testPrefixes(redisUrl: string) {
  const prefixes: string[] = [];
  return {
    newPrefix(): string {
      const prefix = `test:${randomUUID()}:`;
      prefixes.push(prefix);
      return prefix;
    },
    async deleteKeys(): Promise<void> {
      const raw = new Redis(redisUrl);
      try {
        for (const prefix of prefixes.splice(0)) {
          for await (const keys of raw.scanStream({ match: `${prefix}*`, count: 1_000 })) {
            if ((keys as string[]).length) await raw.unlink(...(keys as string[]));
          }
        }
      } finally {
        await raw.quit();
      }
    },
  };
}
