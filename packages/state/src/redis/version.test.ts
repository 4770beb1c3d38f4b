import { describe, expect, it } from 'vitest';
import { REDIS_MIN_VERSION, tooOldRedis } from './index.ts';

describe('tooOldRedis', () => {
  it('names a Redis older than the commands the store uses, from INFO server', () => {
    expect(REDIS_MIN_VERSION).toBe('6.2');
    expect(tooOldRedis('# Server\r\nredis_version:6.0.16\r\nredis_mode:standalone\r\n')).toBe('6.0.16');
    expect(tooOldRedis('# Server\r\nredis_version:5.0.7\r\n')).toBe('5.0.7');
    for (const recent of ['6.2.0', '6.2.14', '7.0.15', '7.2.4', '10.0.0']) expect(tooOldRedis(`redis_version:${recent}\r\n`), recent).toBeUndefined();
    // A server that names no version (a proxy, a compatible store) is not judged.
    expect(tooOldRedis('# Server\r\n')).toBeUndefined();
  });
});
