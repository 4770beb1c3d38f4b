-- Stores a DSP schedule once per creating request: a second call for the same RequestID (a retry
-- whose first answer was lost, or a duplicate sent at the same moment) stores nothing and answers
-- the first call's DSPScheduleID, so one 5.1 never leaves two schedules running. The marker lives
-- as long as the request's record (the retention); the schedule until it ends or is deleted.
-- KEYS[1]: the creating request's marker, KEYS[2]: the schedule, KEYS[3]: the partition's due
-- index (all in the originator's slot). ARGV: the schedule ID the caller allocated, the
-- schedule's JSON, its first due time, its index member, the marker's lifetime in seconds.
local earlier = redis.call('GET', KEYS[1])
if earlier then return earlier end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[5])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return ARGV[1]
