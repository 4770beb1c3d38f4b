-- Ends one partition's claim of held requests (claim-held.lua), judged again by the caller: each
-- allowed goes into its destination's egress stream, or is leased to the caller to send itself (as
-- accept-batch.lua's 'lease': forwarded, in the lease set until its response, reclaim-leases.lua
-- sending it again if none comes), routed anew where its device moved while it was held. Those not
-- judged (a read failed) are held again until the claim's end; the claim's others (refused, their
-- refusal recorded as their response) are let go. A claim made void (it ran out and was claimed
-- again) settles nothing: its requests go on once, by the later claim. Its key goes last, so that
-- a script stopped part way leaves the claim to run out and be claimed again.
-- Keys are built here from the partition's hash tag, so all stay in the slot of KEYS[1].
-- KEYS: claims zset. ARGV: now, key prefix, partition tag, the claim's ID, when it runs out, how
--       many the caller sends itself at most (0: none), how many destinations it sends to, those
--       destinations, then per request: its RequestID, its destination ('' to hold it again), its
--       record routed anew ('' when it was not) and, then, its first answer's body as made from
--       the record it replaces.
-- Returns the number queued, then the RequestID of each leased to the caller; or nothing, the
-- claim being void.
local now, prefix, tag, id, until_at = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local claim_key = prefix .. 'heldclaim:' .. tag .. ':' .. id
if redis.call('EXISTS', claim_key) == 0 then return {} end
local leases_left, n_dest = tonumber(ARGV[6]), tonumber(ARGV[7])
local sent_by_caller = {}
for i = 8, 7 + n_dest do sent_by_caller[ARGV[i]] = true end
local out = { 0 }
-- Each destination's leases, and the requests held again, added a thousand members per ZADD
-- (fewer calls; unpack has a limit).
local function zadd(key, pairs_)
  for from = 1, #pairs_, 2000 do redis.call('ZADD', key, unpack(pairs_, from, math.min(from + 1999, #pairs_))) end
end
local leases, again, leased = {}, {}, {}
for i = 8 + n_dest, #ARGV, 4 do
  local rid, dest, rerouted = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local req = prefix .. 'req:' .. tag .. ':' .. rid
  if dest == '' then
    again[#again + 1] = until_at
    again[#again + 1] = rid
  -- Answered since it was claimed (a refusal), or gone (past its retention): nothing to send.
  elseif redis.call('HGET', req, 'state') == 'accepted' then
    if rerouted ~= '' then
      -- A plain acknowledgement is kept as a marker ('|=' at its end) made again from the record
      -- for a replay: written out first, so a replay gets the answer first given, not the new route.
      for _, leg in ipairs({ 'single', 'signed' }) do
        local kept = redis.call('HGET', req, leg)
        if kept and string.sub(kept, -2) == '|=' then redis.call('HSET', req, leg, string.sub(kept, 1, -2) .. ARGV[i + 3]) end
      end
      redis.call('HSET', req, 'record', rerouted, 'dest', dest)
    end
    if leases_left > 0 and sent_by_caller[dest] then
      leases_left = leases_left - 1
      local set = leases[dest]
      if not set then
        set = {}
        leases[dest] = set
      end
      set[#set + 1] = now
      set[#set + 1] = rid
      leased[#leased + 1] = req
      out[#out + 1] = rid
    else
      redis.call('HSET', req, 'egress', redis.call('XADD', prefix .. 'egress:' .. tag .. ':' .. dest, '*', 'rid', rid))
      out[1] = out[1] + 1
    end
  end
end
for dest, set in pairs(leases) do zadd(prefix .. 'egresslease:' .. tag .. ':' .. dest, set) end
-- Marked forwarded only once in a lease set: a script stopped before leaves them accepted, for
-- the claim's end to claim again, never forwarded in no set at all (sent by nobody).
for _, req in ipairs(leased) do redis.call('HSET', req, 'egress', '~', 'state', 'forwarded', 'forwardedAt', now) end
zadd(prefix .. 'held:' .. tag, again)
redis.call('DEL', claim_key)
redis.call('ZREM', KEYS[1], id)
return out
