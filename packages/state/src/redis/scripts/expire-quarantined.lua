-- Deletes expired quarantined requests. KEYS: quarantine expiry zset. ARGV: now, max, key prefix, partition tag.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, rid in ipairs(due) do
  local req = ARGV[3] .. 'req:' .. ARGV[4] .. ':' .. rid
  if redis.call('HGET', req, 'state') == 'quarantined' then
    redis.call('HSET', req, 'state', 'deleted', 'deletedAt', ARGV[1])
    table.insert(out, rid)
  end
  -- Off the expiry set once judged: a call stopped before leaves it there, to expire next time.
  redis.call('ZREM', KEYS[1], rid)
end
return out
