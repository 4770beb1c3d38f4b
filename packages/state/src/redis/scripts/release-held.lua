-- Moves due held requests into their destination's egress stream. Keys are built here from the
-- partition's hash tag, so all stay in the slot of KEYS[1].
-- KEYS: held zset. ARGV: now, max, key prefix, partition tag ('{p3}').
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due == 0 then return 0 end
-- The due are the lowest scores, so they are the set's first ranks: one removal for them all.
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #due - 1)
local released = 0
for _, rid in ipairs(due) do
  local req = ARGV[3] .. 'req:' .. ARGV[4] .. ':' .. rid
  local found = redis.call('HMGET', req, 'dest', 'egress')
  if found[1] and not found[2] then
    local id = redis.call('XADD', ARGV[3] .. 'egress:' .. ARGV[4] .. ':' .. found[1], '*', 'rid', rid)
    redis.call('HSET', req, 'egress', id)
    released = released + 1
  end
end
return released
