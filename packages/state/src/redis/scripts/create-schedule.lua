-- Stores a DSP schedule once per creating request: a second call for the same RequestID (a retry
-- of a 5.1 recorded before its schedule was stored, or a duplicate at the same moment) stores
-- nothing, even once the schedule is deleted, so one 5.1 never leaves two schedules running nor
-- brings a deleted one back. The marker lives as long as the request's record (the retention);
-- the schedule until it ends or is deleted. Answers 1 when stored, 0 when not.
-- KEYS[1]: the creating request's marker, KEYS[2]: the schedule, KEYS[3]: the partition's due
-- index, KEYS[4]: the originator's schedules on the device (all in the originator's slot). ARGV:
-- the schedule's ID, its JSON, its first due time, its index member, the marker's lifetime in
-- seconds.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
-- The marker last: a call stopped part way leaves none, so the retry stores the schedule whole.
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[5])
return 1
