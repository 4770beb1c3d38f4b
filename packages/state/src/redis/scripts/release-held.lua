-- Moves due held requests into their destination's egress stream. Keys are built here from the
-- partition's hash tag, so all stay in the slot of KEYS[1].
-- KEYS: held zset. ARGV: now, max, key prefix, partition tag ('{p3}').
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local released = 0
for _, rid in ipairs(due) do
  redis.call('ZREM', KEYS[1], rid)
  local req = ARGV[3] .. 'req:' .. ARGV[4] .. ':' .. rid
  local dest = redis.call('HGET', req, 'dest')
  if dest and not redis.call('HGET', req, 'egress') then
    local id = redis.call('XADD', ARGV[3] .. 'egress:' .. ARGV[4] .. ':' .. dest, '*', 'rid', rid)
    redis.call('HSET', req, 'egress', id)
    released = released + 1
  end
end
return released
