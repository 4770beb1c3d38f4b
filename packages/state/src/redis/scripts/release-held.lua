-- Moves one partition's due held requests into their destination's egress stream, earliest
-- first, or leases them to the calling router to send itself (as accept-batch.lua's 'lease':
-- forwarded, in the lease set until its response, reclaim-leases.lua sending it again if none
-- comes): a request then skips the stream, its claim and its acknowledgement. One no longer
-- accepted (answered or deleted while held) is queued as before, for the claim to settle.
-- Keys are built here from the partition's hash tag, so all stay in the slot of KEYS[1].
-- KEYS: held zset. ARGV: now, max, key prefix, partition tag ('{p3}'), how many the caller sends
--       itself at most (0: none), then the destinations it sends to.
-- Returns the number queued, 1 if it took max (more may be due) else 0, then per request leased
-- its destination, RequestID and record.
local now, max, prefix, tag = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, max)
if #due == 0 then return { 0, 0 } end
-- The due are the lowest scores, so they are the set's first ranks: one removal for them all.
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #due - 1)
local leases_left = tonumber(ARGV[5])
local sent_by_caller = {}
for i = 6, #ARGV do sent_by_caller[ARGV[i]] = true end
local out = { 0, #due == max and 1 or 0 }
for _, rid in ipairs(due) do
  local req = prefix .. 'req:' .. tag .. ':' .. rid
  local f = redis.call('HMGET', req, 'dest', 'egress', 'record', 'state')
  local dest = f[1]
  if dest and not f[2] then
    if leases_left > 0 and sent_by_caller[dest] and f[4] == 'accepted' then
      leases_left = leases_left - 1
      redis.call('ZADD', prefix .. 'egresslease:' .. tag .. ':' .. dest, now, rid)
      redis.call('HSET', req, 'egress', '~', 'state', 'forwarded', 'forwardedAt', now)
      out[#out + 1] = dest
      out[#out + 1] = rid
      out[#out + 1] = f[3]
    else
      local id = redis.call('XADD', prefix .. 'egress:' .. tag .. ':' .. dest, '*', 'rid', rid)
      redis.call('HSET', req, 'egress', id)
      out[1] = out[1] + 1
    end
  end
end
return out
