-- quarantined -> deleted. KEYS: request hash, quarantine expiry zset. ARGV: request ID, at.
local f = redis.call('HMGET', KEYS[1], 'state', 'deletedAt')
-- Deleted by this very call (sent again by the client library after its answer was lost): done, as it says.
if f[1] ~= 'quarantined' then return (f[1] == 'deleted' and f[2] == ARGV[2]) and 1 or 0 end
redis.call('HSET', KEYS[1], 'state', 'deleted', 'deletedAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
