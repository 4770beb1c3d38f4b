-- Sets a schedule's next occurrence after the one its claimer ran, only while the claim's lease
-- holds (its due time is still the lease's end): a claim taken over after the lease does it instead.
-- An ended schedule ('' next) leaves the index and is deleted.
-- KEYS[1]: the partition's due index, KEYS[2]: the schedule. ARGV: member, lease end, next due or ''.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
