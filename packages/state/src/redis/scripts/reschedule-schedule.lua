-- Sets a schedule's next occurrence after the one its claimer ran, only while the claim's lease
-- holds (its due time is still the lease's end): a claim taken over after the lease does it instead.
-- The occurrence ran, so its kept due time goes. An ended schedule ('' next) leaves the index and
-- is deleted.
-- KEYS[1]: the partition's due index, KEYS[2]: the schedule, KEYS[3]: the partition's hash of
-- leased occurrences' due times, KEYS[4]: the originator's schedules on the device. ARGV: member,
-- lease end, next due or '', the schedule's ID.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
  redis.call('SREM', KEYS[4], ARGV[4])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
