-- Adds events already admitted elsewhere (an instance's locally counted DCC-scope requests) to
-- shared counters, and answers each counter's total: the periodic reconciliation of local counting.
-- KEYS[1]: the first counter (it routes the call). ARGV: this call's mark (a key in the counters'
-- slot; '' when it adds nothing) and its lifetime (ms), the number of counters, their hashes (all in one slot), then per
-- counter: window floor, span, TTL ms, number of (bucket, n) pairs, the pairs.
-- A negative n takes events back from a bucket still there (one that left the window is gone).
-- A call run again (the client library sends it again when its reply is lost to a reconnect)
-- finds its mark and adds nothing the second time: it answers the totals as they are.
-- A call with nothing to add has no mark ('') and only reads the totals.
local again = ARGV[1] ~= '' and redis.call('EXISTS', ARGV[1]) == 1
local counters = tonumber(ARGV[3])
-- Every counter is checked before any is written: a call stopped at a later one would leave the
-- earlier ones counted, and its retry (no mark yet) would count them again.
for i = 1, counters do
  local kind = redis.call('TYPE', ARGV[i + 3]).ok
  if kind ~= 'hash' and kind ~= 'none' then return redis.error_reply('WRONGTYPE counter ' .. ARGV[i + 3] .. ' holds a ' .. kind) end
end
local out = {}
local a = counters + 4
for i = 1, counters do
  local key = ARGV[i + 3]
  local lo, span, ttl, pairs = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2], tonumber(ARGV[a + 3])
  local f, t, fresh = advance_window(key, lo, span)
  for p = 0, again and -1 or pairs - 1 do
    local b, n = tonumber(ARGV[a + 4 + 2 * p]), tonumber(ARGV[a + 5 + 2 * p])
    if b >= f then
      local field = string.format('%d', b)
      if n < 0 then n = -math.min(-n, tonumber(redis.call('HGET', key, field)) or 0) end
      if n ~= 0 then
        if redis.call('HINCRBY', key, field, n) <= 0 then redis.call('HDEL', key, field) end
        t = t + n
      end
    end
  end
  if t > 0 then
    redis.call('HSET', key, 'f', string.format('%d', f), 't', string.format('%d', t))
    redis.call('PEXPIRE', key, ttl)
  elseif not fresh then
    redis.call('HSET', key, 't', '0')
  end
  out[i] = t
  a = a + 4 + 2 * pairs
end
-- The mark last: a call stopped part way leaves none, so its retry adds what this one did not.
if ARGV[1] ~= '' and not again then redis.call('SET', ARGV[1], '1', 'PX', ARGV[2]) end
return out
