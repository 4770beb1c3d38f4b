-- quarantined -> deleted. KEYS: request hash, quarantine expiry zset. ARGV: request ID, at, the
-- quarantine event it deletes (or '': whichever it is held under).
local f = redis.call('HMGET', KEYS[1], 'state', 'deletedAt', 'record')
-- Deleted by this very call (sent again by the client library after its answer was lost): done, as it says.
if f[1] ~= 'quarantined' then return (f[1] == 'deleted' and f[2] == ARGV[2]) and 1 or 0 end
-- Held again under another event (a released CV 4 leg's signed leg): not this reference's to delete.
if ARGV[3] ~= '' and quarantine_ref(f[3]) ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'deleted', 'deletedAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
