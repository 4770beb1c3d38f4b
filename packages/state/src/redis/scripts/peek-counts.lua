-- The counts at a window floor, writing nothing. KEYS[1]: the first counter (it routes the call).
-- ARGV: the number of counters n, their n hashes (all in one slot), then per rule, floor and span.
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local key, lo, span = ARGV[i + 1], tonumber(ARGV[n + 2 * i]), tonumber(ARGV[n + 2 * i + 1])
  local state = redis.call('HMGET', key, 'f', 't')
  local f, t = tonumber(state[1]), tonumber(state[2]) or 0
  if not f or lo > f + span then
    t = 0
  elseif lo > f then
    for b = f, lo - 1 do
      local v = redis.call('HGET', key, string.format('%d', b))
      if v then t = t - tonumber(v) end
    end
  end
  out[i] = t
end
return out
