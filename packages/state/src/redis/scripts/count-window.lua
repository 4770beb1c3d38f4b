-- Sliding-window counting, shared by the scripts that count (prepended to them when loaded).
-- Each counter is one hash: 'f' the floor (the highest window floor seen; buckets below it are
-- gone), 't' the total of its buckets, one field per bucket index with that bucket's count.
-- Buckets only lie in [f, f + span], so a hash has at most span + 3 fields however many events
-- it counts, and 't' makes a count O(1).

-- Brings a counter's floor up to `lo`, dropping the buckets below it. Returns its floor, total,
-- whether it starts afresh (new, or all its buckets have left the window) and, when `bucket` is
-- given (with `bucket_field`, its index as text), that bucket's count, read in the same HMGET.
local function advance_window(key, lo, span, bucket, bucket_field)
  local state = bucket and redis.call('HMGET', key, 'f', 't', bucket_field) or redis.call('HMGET', key, 'f', 't')
  -- `x + 0` reads a number sent as text with one strtod; Lua 5.1's tonumber() takes two.
  local f, t = state[1] and state[1] + 0, state[2] and state[2] + 0 or 0
  if not f or lo > f + span then
    if f then redis.call('DEL', key) end
    return lo, 0, true, 0
  end
  if lo > f then
    for b = f, lo - 1 do
      local field = string.format('%d', b)
      local v = redis.call('HGET', key, field)
      if v then
        t = t - v
        redis.call('HDEL', key, field)
      end
    end
    f = lo
    redis.call('HSET', key, 'f', string.format('%d', f), 't', string.format('%d', t))
  end
  return f, t, false, (bucket and bucket >= f) and (state[3] and state[3] + 0 or 0) or nil
end

-- Counters read and counted within one script call: each is read once (its floor, total and the
-- event's bucket in one HMGET) and written once (one HSET of them all, flush_counter), and an
-- accept-batch call holding many of one User's requests does so once for them all.
-- memo[key] = { f, t, ttl, stored = { [bucket] = count in Redis }, pending = { [bucket] = events }, dirty }.

-- Writes one memoized counter: its floor, total and counted buckets in one HSET, and the lifetime
-- (window + bucket + slack) when a bucket got its first event: a later event of that bucket
-- leaves the window before the lifetime ends, so one PEXPIRE per bucket will do.
local function flush_counter(key, m)
  if not m.dirty then return end
  local fields = { 'f', string.format('%d', m.f), 't', string.format('%d', m.t) }
  local first_in_bucket = false
  for b, n in pairs(m.pending) do
    local before = m.stored[b]
    if before == 0 then first_in_bucket = true end
    m.stored[b] = before + n
    fields[#fields + 1] = string.format('%d', b)
    fields[#fields + 1] = string.format('%d', before + n)
  end
  redis.call('HSET', key, unpack(fields))
  if first_in_bucket then redis.call('PEXPIRE', key, m.ttl) end
  m.pending, m.dirty = {}, false
end

local function flush_counters(memo)
  for key, m in pairs(memo) do flush_counter(key, m) end
end

local function memo_counter(memo, key, lo, span, bucket, bucket_field)
  local m = memo[key]
  if m and lo <= m.f then return m end
  -- New here, or its floor moves up: what was counted so far is written first, then the floor advanced as usual.
  if m then flush_counter(key, m); memo[key] = nil end
  local f, t, _, stored = advance_window(key, lo, span, bucket, bucket_field)
  m = { f = f, t = t, stored = {}, pending = {}, dirty = false }
  if stored then m.stored[bucket] = stored end
  memo[key] = m
  return m
end

-- Learns the count a bucket holds in Redis when the memo does not know it yet (a bucket below the
-- floor, or a later one within the same call): flush_counter writes counts, not increments.
local function load_bucket(key, m, b)
  if m.stored[b] == nil then
    local stored = redis.call('HGET', key, string.format('%d', b))
    m.stored[b] = stored and stored + 0 or 0
  end
end

-- A rule as count_window takes it, from its fields as a caller's ARGV carries them: the numbers
-- turned into numbers once (a string used as a number costs a strtod each time, and an
-- acceptance call judges many requests by the same counters), the bucket's text kept as its field name.
local function window_rule(key, limit, floor, bucket, span, ttl)
  return { key, limit + 0, floor + 0, bucket + 0, span + 0, ttl, bucket }
end

-- rules[i]: a window_rule (key, limit, floor, bucket, span, ttl, bucket field). If one more event
-- keeps every counter within its limit, counts it in all of them and returns true, counts; otherwise counts
-- nothing and returns false, counts, the first rule that would go past its limit (unless
-- `in_excess`: then counted all the same, and true). With a memo (one script call's counters)
-- the counts are written by flush_counters; without, at once.
local function count_window(rules, memo, in_excess)
  local own = memo == nil
  memo = memo or {}
  local counters = {}
  for i, rule in ipairs(rules) do
    counters[i] = memo_counter(memo, rule[1], rule[3], rule[5], rule[4], rule[7])
  end
  local counts = {}
  for i, m in ipairs(counters) do counts[i] = m.t end
  if not in_excess then
    for i, rule in ipairs(rules) do
      -- This event counted nowhere yet: nothing of it to write (a memo's earlier counts are written at its call's end).
      if counts[i] + 1 > rule[2] then return false, counts, i - 1 end
    end
  end
  for i, rule in ipairs(rules) do
    local m, key = counters[i], rule[1]
    -- Its own bucket, or the floor if a clock far behind puts it below.
    local b = math.max(rule[4], m.f)
    load_bucket(key, m, b)
    m.pending[b] = (m.pending[b] or 0) + 1
    m.t = m.t + 1
    m.ttl, m.dirty = rule[6], true
    counts[i] = m.t
  end
  if own then flush_counters(memo) end
  return true, counts
end
