-- Claims one partition's DSP-held requests whose time has come, to be judged again before they go
-- on (settle-held.lua): first those claimed before whose claim ran out (their claimer died or lost
-- its answer), then the due held ones, earliest first. A claim is the request in the claimed set,
-- scored by when it runs out. One no longer waiting (queued, answered or gone while held) is let go.
-- Keys are built here from the partition's hash tag, so all stay in the slot of KEYS[1].
-- KEYS: held zset, claimed zset. ARGV: now, max, claim runs out at, key prefix, partition tag ('{p3}').
-- Returns 1 if it took max (more may be due) else 0, then per claim its RequestID and record.
local now, max, until_at, prefix, tag = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, max)
local due = {}
if #lapsed < max then
  due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, max - #lapsed)
  -- The due are the lowest scores, so they are the set's first ranks: one removal for them all.
  if #due > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #due - 1) end
end
local out = { #lapsed + #due == max and 1 or 0 }
local function claim(rid)
  local f = redis.call('HMGET', prefix .. 'req:' .. tag .. ':' .. rid, 'egress', 'record', 'state')
  if f[2] and not f[1] and f[3] == 'accepted' then
    redis.call('ZADD', KEYS[2], until_at, rid)
    out[#out + 1] = rid
    out[#out + 1] = f[2]
  else
    redis.call('ZREM', KEYS[2], rid)
  end
end
for _, rid in ipairs(lapsed) do claim(rid) end
for _, rid in ipairs(due) do claim(rid) end
return out
