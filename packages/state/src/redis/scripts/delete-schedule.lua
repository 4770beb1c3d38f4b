-- Deletes a schedule, its place in the partition's due index and its lease, and its entry among
-- its originator's schedules on its device (named by the schedule itself, so the caller need not
-- read it first). Answers 1 when there was one, 0 when not.
-- KEYS[1]: the schedule, KEYS[2]: the partition's due index, KEYS[3]: the partition's hash of
-- leased occurrences' due times (all in the originator's slot). ARGV: its index member, its ID,
-- the prefix of its originator's per-device sets (the device's ID completes the key, in the same slot).
local json = redis.call('GET', KEYS[1])
if not json then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local deviceId = cjson.decode(json).deviceId
if type(deviceId) == 'string' then redis.call('SREM', ARGV[3] .. deviceId, ARGV[2]) end
return 1
