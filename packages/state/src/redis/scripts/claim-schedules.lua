-- Takes one partition's schedules whose occurrence is due, each once across all instances: its
-- due time moves to the end of the caller's lease, so no other claim sees it until the caller
-- sets the next one (reschedule-schedule.lua) or dies (then it is due again at the lease's end).
-- KEYS[1]: the partition's due index (members '<originator>:<id>'). ARGV: now, max, lease end,
-- key prefix, partition tag. Returns, flat, per schedule: member, due time, its JSON.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due, 2 do
  local member = due[i]
  local json = redis.call('GET', ARGV[4] .. 'sched:' .. ARGV[5] .. ':' .. member)
  if json then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[3], member)
    out[#out + 1] = member
    out[#out + 1] = due[i + 1]
    out[#out + 1] = json
  else
    -- Deleted meanwhile: nothing to run.
    redis.call('ZREM', KEYS[1], member)
  end
end
return out
