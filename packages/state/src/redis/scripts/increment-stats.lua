-- Adds one flush of statistics to its set, once. The flush's mark says it was added: run again
-- (the client library sends a call again when its reply was lost; a sender whose call timed out
-- sends it again under the same name), it adds nothing.
-- KEYS[1]: the statistics hash. KEYS[2]: the flush's mark, in the same slot.
-- ARGV: the mark's lifetime ms, then counter name and increment pairs.
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
-- Every counter is checked before any is added to: a call stopped at a later one would leave the
-- earlier ones added, and its sender's retry (no mark yet) would add them again.
for i = 2, #ARGV, 2 do
  local value = redis.call('HGET', KEYS[1], ARGV[i])
  if value and not string.match(value, '^%-?%d+$') then return redis.error_reply('ERR statistic ' .. ARGV[i] .. ' is not an integer') end
end
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
-- The mark last: a call stopped part way leaves none, so its sender's retry adds the flush.
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 1
