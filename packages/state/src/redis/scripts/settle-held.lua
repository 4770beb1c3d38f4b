-- Sends on one partition's claimed held requests (claim-held.lua), judged again by the caller:
-- each into its destination's egress stream, or leased to the caller to send itself (as
-- accept-batch.lua's 'lease': forwarded, in the lease set until its response, reclaim-leases.lua
-- sending it again if none comes), routed anew where its device moved while it was held. Claimed twice
-- (a claim that ran out, claimed again), a request goes on once: by whichever call settles it
-- first. One no longer waiting (answered by the caller's refusal, or deleted) only loses its claim.
-- Keys are built here from the partition's hash tag, so all stay in the slot of KEYS[1].
-- KEYS: claimed zset. ARGV: now, key prefix, partition tag, how many the caller sends itself at
--       most (0: none), how many destinations it sends to, those destinations, then per request:
--       its RequestID, its record routed anew ('' to keep it), and that record's destination.
-- Returns the number queued, then per request leased its destination, RequestID and record.
local now, prefix, tag = ARGV[1], ARGV[2], ARGV[3]
local leases_left, n_dest = tonumber(ARGV[4]), tonumber(ARGV[5])
local sent_by_caller = {}
for i = 6, 5 + n_dest do sent_by_caller[ARGV[i]] = true end
local out = { 0 }
for i = 6 + n_dest, #ARGV, 3 do
  local rid = ARGV[i]
  if redis.call('ZREM', KEYS[1], rid) == 1 then
    local req = prefix .. 'req:' .. tag .. ':' .. rid
    local f = redis.call('HMGET', req, 'dest', 'egress', 'record', 'state')
    if f[1] and not f[2] and f[4] == 'accepted' then
      local dest, record = f[1], f[3]
      if ARGV[i + 1] ~= '' then
        dest, record = ARGV[i + 2], ARGV[i + 1]
        redis.call('HSET', req, 'record', record, 'dest', dest)
      end
      if leases_left > 0 and sent_by_caller[dest] then
        leases_left = leases_left - 1
        redis.call('ZADD', prefix .. 'egresslease:' .. tag .. ':' .. dest, now, rid)
        redis.call('HSET', req, 'egress', '~', 'state', 'forwarded', 'forwardedAt', now)
        out[#out + 1] = dest
        out[#out + 1] = rid
        out[#out + 1] = record
      else
        redis.call('HSET', req, 'egress', redis.call('XADD', prefix .. 'egress:' .. tag .. ':' .. dest, '*', 'rid', rid))
        out[1] = out[1] + 1
      end
    end
  end
end
return out
