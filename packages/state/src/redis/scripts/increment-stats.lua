-- Adds one flush of statistics to its set, once. The flush's mark says it was added: run again
-- (the client library sends a call again when its reply was lost; a sender whose call timed out
-- sends it again under the same name), it adds nothing.
-- KEYS[1]: the statistics hash. KEYS[2]: the flush's mark, in the same slot.
-- ARGV: the mark's lifetime ms, then counter name and increment pairs.
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
-- The mark last: a call stopped part way leaves none, so its sender's retry adds the flush.
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 1
