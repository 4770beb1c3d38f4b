-- Takes one partition's schedules whose occurrence is due, each once across all instances: its
-- due time moves to the end of the caller's lease, so no other claim sees it until the caller
-- sets the next one (reschedule-schedule.lua) or dies (then it is due again at the lease's end).
-- The occurrence's own due time is kept aside at its first claim, so a claim after a lease ends
-- answers that occurrence again (the one not run), not the lease's end.
-- KEYS[1]: the partition's due index (members '<originator>:<id>'), KEYS[2]: the partition's
-- hash of leased occurrences' due times. ARGV: now, max, lease end, key prefix, partition tag.
-- Returns, flat, per schedule: member, the occurrence's due time, its JSON.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due, 2 do
  local member = due[i]
  local json = redis.call('GET', ARGV[4] .. 'sched:' .. ARGV[5] .. ':' .. member)
  if json then
    local dueAt = redis.call('HGET', KEYS[2], member)
    if not dueAt then
      dueAt = due[i + 1]
      redis.call('HSET', KEYS[2], member, dueAt)
    end
    redis.call('ZADD', KEYS[1], 'XX', ARGV[3], member)
    out[#out + 1] = member
    out[#out + 1] = dueAt
    out[#out + 1] = json
  else
    -- Deleted meanwhile: nothing to run.
    redis.call('ZREM', KEYS[1], member)
    redis.call('HDEL', KEYS[2], member)
  end
end
return out
