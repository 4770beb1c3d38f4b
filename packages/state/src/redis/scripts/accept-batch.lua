-- Records the acknowledgements of one partition's requests, in order, each atomically judged:
-- the same leg with the same body hash already recorded (duplicate: its answer comes back), a
-- signed leg without a transform leg of the same SRV, the same leg with another body (reused),
-- the User's thresholds (over_limit: nothing is written, the caller quarantines it), else recorded:
-- the request hash, its egress entry (or held set, or lease when the caller sends it itself), TRT
-- index, quarantine and alert, all in the partition's slot. The egress entry carries only the
-- RequestID: the record is kept once, in the hash, where egress reads it for a whole claim in one
-- call (read-claimed.lua).
-- A request's keys all carry its partition's hash tag.
-- KEYS[1]: the TRT index of the first request's partition: it routes the call. On a Redis
--          Cluster a call carries one partition's requests (one slot); a single Redis takes any.
-- KEYS[2]: this call's mark (same partition), unique to the call: which of its requests it
--          recorded, kept a while. The client library sends a call again when its reply was lost
--          (ioredis on reconnect); run again, the call finds its own records as duplicates, and
--          the mark tells them (landed: the caller hands them over) from copies recorded by
--          another router, or by an earlier call (duplicate: its sender has them). Written by
--          every call, one that found only copies too: a replica that has the mark has all the
--          master wrote before it (the caller's WAIT for replicas rests on that).
-- ARGV: key prefix, retention s, outbox min ID, the mark's lifetime ms, the number of counters, the counters (6 fields
--       each: name, limit, floor, bucket, span, ttl; each once however many requests count in
--       it), then per request its partition tag ('{p3}'), 18 fields (see pendingAcceptance in
--       redis/requests.ts), its number of counters (negative: counted even in excess, a SMETS1
--       request the DCO only detects) and their places in that list (from 1).
local prefix, retention, minid = ARGV[1], ARGV[2], ARGV[3]
local tag
local function pkey(kind) return prefix .. kind .. ':' .. tag end
local function key(kind, id) return pkey(kind) .. ':' .. id end
-- The answer, flat, request after request: 'recorded', n, n counts | 'duplicate' or 'landed', the
-- leg's answer, the record | 'over_limit', the breached rule, n, n counts | 'transform_leg_missing' |
-- 'request_id_reused'. A table per request cost Redis more to send back than most of its counting.
local out, n_out = {}, 0
local function put(value) n_out = n_out + 1; out[n_out] = value end
-- Each outbox an alert went to, with its newest entry: kept by that (keep_stream), once per call.
local newest = {}
local function put_counts(counts)
  put(#counts)
  for c = 1, #counts do put(counts[c]) end
end
-- Each partition's bulk TRT mark (claim-breaches.lua), read once per call.
local marks = {}
local function partition_mark()
  if not marks[tag] then marks[tag] = tonumber(redis.call('GET', prefix .. 'trtmarked:' .. tag) or '-inf') end
  return marks[tag]
end
-- Redis's clock in ms, read once per call (the lifetimes of all its requests count from it).
local time_ms
local function now_ms()
  if not time_ms then
    local t = redis.call('TIME')
    time_ms = t[1] * 1000 + math.floor(t[2] / 1000)
  end
  return time_ms
end
-- The User-scope counters this call reads and counts, written once at its end.
local counters = {}
local rule_of = {}
local ncounters = tonumber(ARGV[5])
for c = 1, ncounters do
  local at = 6 + (c - 1) * 6
  rule_of[c] = window_rule(prefix .. ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4], ARGV[at + 5])
end
-- This call's requests by their place in it: '1' recorded (by this run, or by an earlier run of
-- this same call), '0' not. The mark is read only when a duplicate is found, the rare case.
local mine, nth = {}, 0
local earlier_run
local i = 6 + ncounters * 6
while i <= #ARGV do
  nth = nth + 1
  mine[nth] = '0'
  tag = ARGV[i]
  i = i + 1
  local rid, leg, hash, srv, legjson, recjson = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local state, orig, dest, egress, release_at = ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], ARGV[i + 9], ARGV[i + 10]
  local check_at, qexp, qref, alert, extras, final = ARGV[i + 11], ARGV[i + 12], ARGV[i + 13], ARGV[i + 14], ARGV[i + 15], ARGV[i + 16]
  -- `x + 0` reads a number sent as text with one strtod; Lua 5.1's tonumber() takes two.
  local bulk_index, nrules = ARGV[i + 17], ARGV[i + 18] + 0
  local in_excess = nrules < 0
  if in_excess then nrules = -nrules end
  local rules = {}
  for r = 1, nrules do rules[r] = rule_of[ARGV[i + 18 + r] + 0] end
  i = i + 19 + nrules
  -- A bulk TRT index (bulkIndexOf in redis/trt.ts) marked '+' is listed in its partition's trtkeys,
  -- which claim-breaches.lua goes through, whatever becomes of this request: the router counts it
  -- listed from this call on.
  if string.sub(bulk_index, 1, 1) == '+' then
    bulk_index = string.sub(bulk_index, 2)
    redis.call('SADD', pkey('trtkeys'), bulk_index)
  end

  local req = key('req', rid)
  -- The request's state, set whatever leg recorded it: absent for a new RequestID, the usual
  -- case, which then costs this one call. A signed leg always has a record to read (its
  -- transform leg's): its state, own hash and transform leg's SRV come in one call.
  local held, existing, transform_srv, released
  if leg == 'signed' then
    local seen = redis.call('HMGET', req, 'state', 'signed:hash', 'transform:srv', 'releasedAt')
    held, existing, transform_srv, released = seen[1], seen[2], seen[3], seen[4]
  else
    held = redis.call('HGET', req, 'state')
    existing = held and redis.call('HGET', req, leg .. ':hash')
  end
  if existing == hash then
    -- With the record: a plain acknowledgement is kept as a marker and made again from it.
    local answer = redis.call('HMGET', req, leg, 'record')
    if earlier_run == nil then earlier_run = redis.call('GET', KEYS[2]) or false end
    if earlier_run and string.sub(earlier_run, nth, nth) == '1' then
      mine[nth] = '1'
      put('landed')
    else
      put('duplicate')
    end
    put(answer[1]); put(answer[2])
  elseif leg == 'signed' and (held == 'quarantined' or held == 'deleted' or transform_srv ~= srv) then
    -- A transform leg quarantined or deleted gave no Pre-Command to sign: no signed leg goes on from it.
    put('transform_leg_missing')
  elseif existing or (held and leg ~= 'signed') then
    -- A RequestID is one request: a single leg's is not a pair's, nor a pair's a single's.
    put('request_id_reused')
  else
    local admitted, counts, breached = true, {}, nil
    if nrules > 0 then admitted, counts, breached = count_window(rules, counters, in_excess) end
    if not admitted then
      put('over_limit'); put(breached); put_counts(counts)
    else
      -- The request's fields go in with one HSET: each call into Redis from a script has its cost.
      local fields = { leg .. ':hash', hash, leg .. ':srv', srv, leg, legjson, 'record', recjson,
        'state', state, 'dest', dest }
      local function field(name, value) fields[#fields + 1] = name; fields[#fields + 1] = value end
      if extras ~= '' then field('extras', extras) end
      if egress == 'now' then
        field('egress', redis.call('XADD', key('egress', dest), '*', 'rid', rid))
      elseif egress == 'lease' then
        -- Handed to its network by the caller (release_at is then the time): forwarded, and leased
        -- by that time in place of a stream entry ('~' says so) until its response settles it;
        -- reclaim-leases.lua hands it to a consumer if none comes within the redelivery delay.
        redis.call('ZADD', key('egresslease', dest), release_at, rid)
        field('egress', '~')
        field('forwardedAt', release_at)
      elseif egress == 'held' then
        redis.call('ZADD', pkey('held'), release_at, rid)
      end
      -- The TRT itself is in the record (open-trt.lua reads it there), the check time in the index.
      -- A deadline its partition's mark has already reached (a router whose clock ran ahead moved
      -- it) goes in the partition's own index: marked in bulk it would be breached uncounted.
      if check_at ~= '' and bulk_index ~= '' and check_at + 0 <= partition_mark() then bulk_index = '' end
      if check_at ~= '' and bulk_index ~= '' then
        -- Claimed in bulk, by class and destination; 'bk' says so to whoever judges it later
        -- (respond-batch.lua, RedisRequests.getRequest), since the claim does not write in the hash.
        redis.call('ZADD', pkey('trt') .. ':' .. bulk_index, check_at, rid)
        field('bk', '1')
      elseif check_at ~= '' then
        redis.call('ZADD', pkey('trt'), check_at, rid)
      end
      -- SMETS1: checkAt only marks it overdue; breached without a response at this time.
      if final ~= '' then field('final', final) end
      -- A signed leg's record is its own: what a release of its transform leg wrote goes (the
      -- memory store replaces the record whole).
      -- Its transform leg's quarantine reference (the rare case: read only here) is kept as long as
      -- the request from now, so it still finds it (its release or delete answers 409, not 404).
      local released_ref
      if released then
        released_ref = quarantine_ref(redis.call('HGET', req, 'record'))
        redis.call('HDEL', req, 'releasedAt', 'trt', 'ts', 'tb', 'tclass', 'deadline')
      end
      -- Kept for the retention after it can next move: a request held for a later
      -- ExecutionDateTime, or quarantined until its expiry, would otherwise vanish unreleased
      -- (its quarantine ref with it, or its release could not find it), and one whose TRT is
      -- judged later than the retention (a SMETS1 firmware activation days ahead) unjudged.
      local lifetime = retention
      -- (Only a judgement after the plain retention needs it; Redis's clock is read once per call.)
      local judged = math.max(check_at ~= '' and check_at + 0 or 0, final ~= '' and final + 0 or 0)
      if judged > 0 and judged <= now_ms() + retention * 1000 then judged = 0 end
      if egress == 'held' or qexp ~= '' or judged > 0 then
        local later = math.max(egress == 'held' and release_at + 0 or 0, qexp ~= '' and qexp + 0 or 0, judged)
        lifetime = retention + math.max(math.ceil((later - now_ms()) / 1000), 0)
      end
      if qexp ~= '' then
        redis.call('ZADD', pkey('qexp'), qexp, rid)
        redis.call('SET', key('qref', qref), rid, 'EX', lifetime)
      end
      if alert ~= '' then
        local outbox = key('outbox', orig)
        newest[outbox] = redis.call('XADD', outbox, 'MINID', '~', minid, '*', 'item', alert)
      end
      -- The record last, what finds it written before it: a call stopped part way leaves no
      -- record (the client's retry records it whole), never one its quarantine cannot find.
      redis.call('HSET', req, unpack(fields))
      redis.call('EXPIRE', req, lifetime)
      if released_ref then redis.call('EXPIRE', key('qref', released_ref), lifetime) end
      mine[nth] = '1'
      put('recorded'); put_counts(counts)
    end
  end
end
flush_counters(counters)
for outbox, id in pairs(newest) do keep_stream(outbox, id, minid) end
redis.call('SET', KEYS[2], table.concat(mine), 'PX', ARGV[4])
return out
