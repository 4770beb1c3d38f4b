-- Claims one partition's DSP-held requests whose time has come, to be judged again before they go
-- on (settle-held.lua): first the requests of claims that ran out unsettled (their claimer died or
-- lost its answer), then the due held ones, earliest first, max in all. A claim is a key listing
-- its RequestIDs, in the partition's claims zset by when it runs out; one claimed again is void
-- (its key gone, its late settle does nothing). A claim that ran out is taken whole, and only
-- where it fits, so none holds more than max. One no longer waiting (queued, answered or gone while held) is let go.
-- Keys are built here from the partition's hash tag, so all stay in the slot of KEYS[1].
-- KEYS: held zset, claims zset. ARGV: now, max, claim runs out at, key prefix, partition tag ('{p3}').
-- Returns 1 when more may be due (it took max, or a claim that ran out did not fit) else 0, the
-- claim's ID ('' when none), then per request claimed its RequestID and record.
local now, max, until_at, prefix, tag = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local claim_key = prefix .. 'heldclaim:' .. tag .. ':'
local rids, seen = {}, {}
-- Once each: a settle stopped part way may have held one again that its claim still lists.
local function add(rid)
  if not seen[rid] then
    seen[rid] = true
    rids[#rids + 1] = rid
  end
end
-- Everything is read before anything is written, and what is taken is removed from where it was
-- only once the new claim holds it: a call stopped part way (a key it cannot reach while a
-- Cluster slot moves, a key of the wrong type) leaves each request where it was, never in no set.
local full = false
local lapsed = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 16)) do
  local listed = {}
  for rid in string.gmatch(redis.call('GET', claim_key .. id) or '', '%S+') do listed[#listed + 1] = rid end
  if #rids > 0 and #rids + #listed > max then
    full = true
    break
  end
  lapsed[#lapsed + 1] = id
  for _, rid in ipairs(listed) do add(rid) end
end
local due = {}
if not full and #rids < max then
  due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, max - #rids)
  for _, rid in ipairs(due) do add(rid) end
end
local out = { (full or #rids >= max) and 1 or 0, '' }
local claimed = {}
for _, rid in ipairs(rids) do
  local f = redis.call('HMGET', prefix .. 'req:' .. tag .. ':' .. rid, 'egress', 'record', 'state')
  if f[2] and not f[1] and f[3] == 'accepted' then
    claimed[#claimed + 1] = rid
    out[#out + 1] = rid
    out[#out + 1] = f[2]
  end
end
if #claimed > 0 then
  local id = redis.call('INCR', prefix .. 'heldclaimseq:' .. tag)
  redis.call('SET', claim_key .. id, table.concat(claimed, ' '))
  redis.call('ZADD', KEYS[2], until_at, id)
  out[2] = tostring(id)
end
for _, id in ipairs(lapsed) do
  -- (Never the claim just made, should its sequence ever have been reset.)
  if id ~= out[2] then
    redis.call('DEL', claim_key .. id)
    redis.call('ZREM', KEYS[2], id)
  end
end
-- The due are the lowest scores, so they are the set's first ranks: one removal for them all.
if #due > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #due - 1) end
return out
