-- Marks one partition's requests past their check time without a response as breached, each
-- once, and queues a TRT alert for each in its User's outbox. A recorded response takes its
-- request out of the TRT index (respond-batch.lua), and claiming takes it out here in the same
-- step as marking, so concurrent claims (any number of router instances) never mark one twice;
-- the state and breached fields guard against whatever else left an entry behind (an expired or
-- deleted request is dropped). Per breach: one HMGET, one HSET, one XADD (the alert's JSON built
-- by concatenation, not cjson), and the index entries removed in one command for the call. The
-- TRT class and deadline come from the record (open-trt.lua).
-- KEYS[1]: the partition's TRT index. ARGV: now, max, key prefix, partition tag, outbox min ID.
-- Returns, flat, per claim: request ID, check time, destination, TRT class, '1' if only overdue (else '0').
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local n = #due / 2
if n == 0 then return {} end
-- What is due is the index's lowest-scored entries: ranks 0 to n - 1.
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
local base = ARGV[3] .. 'req:' .. ARGV[4] .. ':'
local outbox = ARGV[3] .. 'outbox:' .. ARGV[4] .. ':'
local minid = ARGV[5]
-- Each outbox is trimmed by its first alert of the call; its later ones are only appended.
local trimmed = {}
local out, k = {}, 0
local function claimed(rid, score, f, overdue)
  out[k + 1], out[k + 2], out[k + 3], out[k + 4], out[k + 5] = rid, score, f[4] or '', f[5] or '', overdue
  k = k + 5
end
for i = 1, #due, 2 do
  local rid = due[i]
  local req = base .. rid
  local f = redis.call('HMGET', req, 'state', 'breached', 'deadline', 'dest', 'tclass', 'final', 'overdue', 'record')
  local state = f[1]
  if state == 'accepted' or state == 'forwarded' then
    -- Only the class and deadline matter here: the start and budget are not read.
    local tclass, _, _, deadline = open_trt(f[5], nil, nil, f[3], f[8])
    f[3], f[5] = deadline_text(deadline), tclass
  end
  if (state == 'accepted' or state == 'forwarded') and f[2] ~= '1' and f[6] and f[7] ~= '1' then
    -- SMETS1 (contract v1.1): only overdue, a provisional state; claimed again at its final time.
    redis.call('HSET', req, 'overdue', '1')
    redis.call('ZADD', KEYS[1], f[6], rid)
    claimed(rid, due[i + 1], f, '1')
  elseif (state == 'accepted' or state == 'forwarded') and f[2] ~= '1' then
    redis.call('HSET', req, 'breached', '1')
    if f[7] == '1' then redis.call('HDEL', req, 'overdue') end
    local item
    if f[3] and not string.find(rid, '[%c"\\]') then
      -- A RequestID (EUI-64s and a decimal counter) and an ISO time need no escaping.
      item = '{"kind":"dccAlert","alertCode":"TRT","requestId":"' .. rid .. '","body":{"alert":"TRT","requestId":"'
        .. rid .. '","deadline":"' .. f[3] .. '"}}'
    else
      item = cjson.encode({ kind = 'dccAlert', alertCode = 'TRT', requestId = rid, body = { alert = 'TRT', requestId = rid, deadline = f[3] } })
    end
    -- The User is the RequestID's first part: not kept in the hash.
    local stream = outbox .. string.match(rid, '^[^:]+')
    if trimmed[stream] then
      redis.call('XADD', stream, '*', 'item', item)
    else
      trimmed[stream] = true
      redis.call('XADD', stream, 'MINID', '~', minid, '*', 'item', item)
    end
    claimed(rid, due[i + 1], f, '0')
  end
end
return out
