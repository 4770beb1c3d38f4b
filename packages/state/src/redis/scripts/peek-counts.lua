-- The counts at a window floor, writing nothing. KEYS: counter hashes. ARGV: per rule, floor and span.
local out = {}
for i = 1, #KEYS do
  local key, lo, span = KEYS[i], tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
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
