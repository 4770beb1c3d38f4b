-- quarantined -> deleted. KEYS: request hash, quarantine expiry zset. ARGV: request ID, at.
if redis.call('HGET', KEYS[1], 'state') ~= 'quarantined' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'deleted', 'deletedAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
