-- Marks one partition's requests past their check time without a response as breached, each
-- once, and queues a TRT alert for each in its User's outbox. A recorded response takes its
-- request out of its TRT index (respond-batch.lua); claiming takes it out here, so concurrent
-- claims (any number of router instances) never alert one twice. Two kinds of index
-- (bulkIndexOf in redis/trt.ts):
-- - per class and destination (`trt:{p}:<class>:<dest>`, listed in `trtkeys:{p}` for good: an
--   empty one costs a look per call): requests whose one check is their deadline. Marking is a
--   mark on the partition, not on each request (mark-bulk-trt.lua, which mark-breaches.lua also
--   runs): when a deadline is due, `trtmarked:{p}` moves to now, and every request indexed so (its
--   hash's 'bk') with a deadline up to it is marked (RedisRequests.getRequest and respond-batch.lua
--   read it so), counted by ZCOUNT (in bins of detection lag), however many there are, by
--   whichever call moved the mark. Their alerts follow, up to max per
--   call: the due range taken out, each User's alerts of the call in one outbox entry (field
--   'trt': RequestID and deadline in ms, space separated, expanded into items when read:
--   RedisOutbox.readOutbox), nothing per request read or written beyond the index: whatever ends
--   an open request must take it out of its index (respond-batch.lua does; requests quarantined,
--   deleted or answered at once have no TRT and are never indexed).
-- - the partition's own (`trt:{p}`, KEYS[1]): SMETS1 (overdue first, then final) and entries
--   left by versions before the bulk indexes; each checked against its record (HMGET), marked in
--   it (HSET) and alerted on its own (XADD), up to max. The state and breached fields guard
--   against whatever else left an entry behind (an expired or deleted request is dropped). The
--   TRT class and deadline come from the record (open-trt.lua).
-- KEYS[2]: this call's mark (same partition), unique to the call: what its answer counts (the
--          breaches claimed one by one, the groups marked), kept while the caller can still be
--          waiting for it when there are any. The client library sends a call again when its reply
--          was lost (ioredis on reconnect); run again, the call finds what it claimed gone from the
--          indexes, so it answers those counts as the first run did: the router counts those
--          breaches (the metrics, the monthly report's TRT statistics) once, not never. The alerts
--          queued in bulk are not kept (their breaches were counted when marked; only their
--          queueing lag is read from them), so a 1M-deadline burst keeps next to nothing here.
-- ARGV: now, max, key prefix, partition tag, outbox min ID, the mark's lifetime ms, alerts until
-- (ms: now less a grace, so that a response that came by its deadline but is recorded a little
-- later, batched, takes its mark back before any alert is queued), then detection-lag bounds in
-- ms, ascending. Marks go up to now; claims one by one and alerts up to `alerts until`.
-- Returns { per-request claims, flat: request ID, check time, destination, TRT class, '1' if only
-- overdue (else '0') ; marked: { class, destination, { how many with lag (to the moment marked)
-- up to each bound, all } }, ... ;
-- alerted: { class, destination, { request ID, deadline, ... } }, ... }.
local earlier = redis.call('GET', KEYS[2])
if earlier then return cjson.decode(earlier) end
local now, max, alert_until = ARGV[1], tonumber(ARGV[2]), ARGV[7]
local base = ARGV[3] .. 'req:' .. ARGV[4] .. ':'
local outbox = ARGV[3] .. 'outbox:' .. ARGV[4] .. ':'
local minid = ARGV[5]
-- Each outbox is trimmed by its first alert of the call; its later ones are only appended. Its
-- newest entry keeps it (keep_stream), once the call has appended all.
local newest = {}
local function append_alert(stream, field, value)
  if newest[stream] then
    newest[stream] = redis.call('XADD', stream, '*', field, value)
  else
    newest[stream] = redis.call('XADD', stream, 'MINID', '~', minid, '*', field, value)
  end
end
local function keep_outboxes()
  for stream, id in pairs(newest) do keep_stream(stream, id, minid) end
end

local function claim_one_by_one()
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', alert_until, 'WITHSCORES', 'LIMIT', 0, max)
  local n = #due / 2
  if n == 0 then return {} end
  -- What is due is the index's lowest-scored entries: ranks 0 to n - 1.
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
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
      append_alert(outbox .. string.match(rid, '^[^:]+'), 'item', item)
      claimed(rid, due[i + 1], f, '0')
    end
  end
  return out
end

local index_base = KEYS[1] .. ':'

-- The marked deadlines' alerts, up to what the call has left of max.
local function alert_in_bulk(members, left)
  local groups = {}
  for _, member in ipairs(members) do
    if left <= 0 then break end
    local index = index_base .. member
    local due = redis.call('ZRANGEBYSCORE', index, '-inf', alert_until, 'WITHSCORES', 'LIMIT', 0, left)
    local n = #due / 2
    -- Rank 0 to -1 would empty the index: only what was read is removed.
    if n > 0 then redis.call('ZREMRANGEBYRANK', index, 0, n - 1) end
    left = left - n
    -- Each User's alerts of this index in one outbox entry.
    local by_user, users = {}, {}
    for i = 1, #due, 2 do
      local user = string.match(due[i], '^[^:]+')
      local list = by_user[user]
      if not list then
        list = {}
        by_user[user] = list
        users[#users + 1] = user
      end
      list[#list + 1] = due[i]
      list[#list + 1] = due[i + 1]
    end
    for _, user in ipairs(users) do append_alert(outbox .. user, 'trt', table.concat(by_user[user], ' ')) end
    local class, dest = string.match(member, '^([^:]*):(.*)$')
    groups[#groups + 1] = { class, dest, due }
  end
  return groups
end

-- The answer; what it counts kept under the call's mark (see KEYS[2]).
local function answer(one_by_one, marked, alerted)
  keep_outboxes()
  if #one_by_one > 0 or #marked > 0 then
    redis.call('SET', KEYS[2], cjson.encode({ one_by_one, marked, {} }), 'PX', ARGV[6])
  end
  return { one_by_one, marked, alerted }
end

local one_by_one = claim_one_by_one()
local due = due_bulk_indexes(ARGV[3] .. 'trtkeys:' .. ARGV[4], index_base, now)
if #due == 0 then return answer(one_by_one, {}, {}) end
-- Marked here too when mark-breaches.lua has not yet reached now: alerts follow marks.
local marked = mark_bulk_indexes(ARGV[3] .. 'trtmarked:' .. ARGV[4], index_base, due, now, 8)
return answer(one_by_one, marked, alert_in_bulk(due, max - #one_by_one / 5))
