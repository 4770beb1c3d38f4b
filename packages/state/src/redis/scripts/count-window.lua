-- Sliding-window counting, shared by the scripts that count (prepended to them when loaded).
-- Each counter is one hash: 'f' the floor (the highest window floor seen; buckets below it are
-- gone), 't' the total of its buckets, one field per bucket index with that bucket's count.
-- Buckets only lie in [f, f + span], so a hash has at most span + 3 fields however many events
-- it counts, and 't' makes a count O(1).

-- Brings a counter's floor up to `lo`, dropping the buckets below it. Returns its floor, total
-- and whether it starts afresh (new, or all its buckets have left the window).
local function advance_window(key, lo, span)
  local state = redis.call('HMGET', key, 'f', 't')
  local f, t = tonumber(state[1]), tonumber(state[2]) or 0
  if not f or lo > f + span then
    if f then redis.call('DEL', key) end
    return lo, 0, true
  end
  if lo > f then
    for b = f, lo - 1 do
      local field = string.format('%d', b)
      local v = redis.call('HGET', key, field)
      if v then
        t = t - tonumber(v)
        redis.call('HDEL', key, field)
      end
    end
    f = lo
    redis.call('HSET', key, 'f', string.format('%d', f), 't', string.format('%d', t))
  end
  return f, t, false
end

-- rules[i] = { key, limit, floor, bucket, span, ttl }. If one more event keeps every counter
-- within its limit, counts it in all of them and returns true, counts; otherwise counts
-- nothing and returns false, counts, the first rule that would go past its limit.
local function count_window(rules)
  local floors, counts, fresh = {}, {}, {}
  for i, rule in ipairs(rules) do
    floors[i], counts[i], fresh[i] = advance_window(rule[1], tonumber(rule[3]), tonumber(rule[5]))
  end
  for i, rule in ipairs(rules) do
    if counts[i] + 1 > tonumber(rule[2]) then return false, counts, i - 1 end
  end
  for i, rule in ipairs(rules) do
    local key = rule[1]
    -- Its own bucket, or the floor if a clock far behind puts it below.
    local b = math.max(tonumber(rule[4]), floors[i])
    local first_in_bucket = redis.call('HINCRBY', key, string.format('%d', b), 1) == 1
    if fresh[i] then redis.call('HSET', key, 'f', string.format('%d', floors[i])) end
    counts[i] = redis.call('HINCRBY', key, 't', 1)
    -- The lifetime (window + bucket + slack) is set when a bucket gets its first event: a later
    -- event of that bucket leaves the window before it ends, so one PEXPIRE per bucket will do.
    if first_in_bucket then redis.call('PEXPIRE', key, rule[6]) end
  end
  return true, counts
end
