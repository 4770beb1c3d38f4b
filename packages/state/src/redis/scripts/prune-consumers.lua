-- Removes from a stream's consumer group the consumers gone: nothing pending and idle at least
-- ARGV[2] ms (a router process that stopped: each reads under a name of its own). Judged and
-- removed in one step, so a consumer that reads meanwhile is not removed with what it took
-- (its pending entries would be dropped with it, never to be claimed again).
-- KEYS[1]: an egress stream. ARGV: the group, the idle time (ms). Returns how many were removed.
local removed = 0
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local info = {}
  for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
  if info.pending == 0 and info.idle >= tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info.name)
    removed = removed + 1
  end
end
return removed
