-- Completes requests with their network responses, each once: judges its TRT (a breach the
-- deadline scan marked stays, but for a response that came by the time it was marked at within
-- budget: recorded after the scan, it takes the mark back; claim-breaches.lua says how a
-- bulk-indexed one shows it), records
-- the response, queues it in the User's outbox (with what the router attached at acceptance, e.g.
-- CV 3/7's local command) and settles its egress entry (or its lease: accept-batch.lua).
-- Its TRT comes from its record (open-trt.lua).
-- KEYS[1]: the TRT index of the first response's partition: it routes the call (see accept-batch.lua).
-- ARGV: key prefix, outbox min ID, egress group, then per response 8 fields: its partition tag,
--       request ID, responded at, response code, WAN ms ('' if none), '1' for a response to a
--       request not sent (recorded only while it is accepted and not queued; else ''), the outbox item's JSON up
--       to its body ('{..."body":'), the body's JSON. (The ResponseID mirrors the RequestID: not stored.)
-- Returns, flat, 6 values per response: 'recorded', breached, breached earlier, elapsed ms or '',
-- TRT class or '', the time a mark taken back was made at (ms) or ''; or 'duplicate' or 'unknown'
-- and five ''. (A table per response cost Redis more to send back than a flat list.)
local prefix, minid, group = ARGV[1], ARGV[2], ARGV[3]
local tag
local function key(kind, id) return prefix .. kind .. ':' .. tag .. ':' .. id end
local out, n_out = {}, 0
local function put(outcome, breached, earlier, elapsed, class, retracted)
  out[n_out + 1], out[n_out + 2], out[n_out + 3], out[n_out + 4], out[n_out + 5], out[n_out + 6] = outcome, breached, earlier, elapsed, class, retracted
  n_out = n_out + 6
end
-- Each partition's bulk TRT mark (claim-breaches.lua), read once per call.
local marks = {}
local function marked_up_to(partition)
  if not marks[partition] then marks[partition] = tonumber(redis.call('GET', prefix .. 'trtmarked:' .. partition) or '-inf') end
  return marks[partition]
end
for j = 4, #ARGV, 8 do
  tag = ARGV[j]
  local i = j + 1
  -- `x + 0` reads a number sent as text with one strtod; Lua 5.1's tonumber() takes two.
  local rid, at, code, wan, unsent = ARGV[i], ARGV[i + 1] + 0, ARGV[i + 2], ARGV[i + 3], ARGV[i + 4] == '1'
  local head, body = ARGV[i + 5], ARGV[i + 6]
  local req = key('req', rid)
  local f = redis.call('HMGET', req, 'state', 'breached', 'ts', 'tb', 'dest', 'egress', 'tclass', 'extras', 'deadline', 'record', 'final', 'bk')
  local state = f[1]
  if state == 'accepted' or state == 'forwarded' then f[7], f[3], f[4], f[9] = open_trt(f[7], f[3], f[4], f[9], f[10]) end
  if state == 'responded' or state == 'delivered' then
    -- Read only here, the rare case: what the first recording of a response left.
    local r = redis.call('HMGET', req, 'respondedAt', 'responseCode', 'elapsedMs', 'breachedEarlier', 'trt', 'retracted')
    if r[1] == ARGV[i + 1] and r[2] == code then
      -- The same response again (its time and code): this call sent again after its answer was
      -- lost, or the network's retry of a call that failed unconfirmed. Answered as the first run
      -- was, so what follows a recorded response (statistics, an activated firmware) is not lost.
      -- Its class: a release's TRT (its own field, kept) or else the record's.
      local class = r[5] and string.match(r[5], '"class":"([^"]*)"') or open_trt(nil, nil, nil, nil, f[10])
      put('recorded', f[2] or '0', (r[4] or r[6]) and '1' or '0', r[3] or '', class or '', r[6] or '')
    else
      put('duplicate', '', '', '', '', '')
    end
  elseif (state ~= 'accepted' and state ~= 'forwarded') or (unsent and (state ~= 'accepted' or f[6])) then
    put('unknown', '', '', '', '', '')
  else
    -- Marked by the scan (claim-breaches.lua): in its hash (the partition's own index), or, for a
    -- request indexed in bulk ('bk'), by its partition's mark having reached its deadline (start
    -- plus budget); its alert is then queued already unless it was still in its bulk index.
    local bulk = f[12] == '1'
    local bulk_index = bulk and prefix .. 'trt:' .. tag .. ':' .. f[7] .. ':' .. f[5]
    -- Its TRT start and budget as numbers, once each (a string used as a number costs a strtod each time).
    local starts, budget = f[3] and f[3] + 0, f[4] and f[4] + 0
    local earlier = f[2] == '1' or (bulk and starts + budget <= marked_up_to(tag))
    local breached = earlier
    local elapsed, retracted = '', nil
    if starts then
      -- The TRT-measured time: for SMETS1 less the WAN share the S1SP reports.
      local e = at - starts - (wan ~= '' and wan + 0 or 0)
      if e < 0 then e = 0 end
      -- Whole ms, rounded as judgeResponse rounds (Lua's %d truncates a WAN time's fraction).
      elapsed = string.format('%d', math.floor(e + 0.5))
      -- Marked at its deadline, or SMETS1's final check; answered in time by then, only recorded
      -- after the scan: the response decides (judgeResponse in shared/index.ts).
      local marked_at = f[11] and f[11] + 0 or starts + budget
      if earlier and e <= budget and at <= marked_at then
        breached = false
        retracted = string.format('%d', marked_at)
      end
      breached = breached or e > budget
    end
    -- The outbox first, the request's state after and its queues last: a call stopped part way (a
    -- key it cannot reach while a Cluster slot moves) leaves a response the network sends again
    -- queued twice at worst, never recorded with nothing queued for its User.
    local outbox = key('outbox', string.match(rid, '^[^:]+'))
    -- This response is what breaches it (late before the scan marked it, or SMETS1 judged now), or
    -- the scan marked it but had not yet queued its alert (still in its bulk index): its TRT alert.
    if breached and (not earlier or (bulk and redis.call('ZSCORE', bulk_index, rid))) then
      -- Built as claim-breaches.lua builds it: a RequestID and an ISO time need no escaping.
      local item = '{"kind":"dccAlert","alertCode":"TRT","requestId":' .. cjson.encode(rid) .. ',"body":{"alert":"TRT","requestId":'
        .. cjson.encode(rid) .. ',"deadline":' .. cjson.encode(deadline_text(f[9]) or '') .. '}}'
      redis.call('XADD', outbox, 'MINID', '~', minid, '*', 'item', item)
    end
    local extras = f[8]
    if extras then
      -- JSON keeps the last of repeated keys, so the attached fields win as in {...body, ...extras}.
      local inner = string.sub(extras, 2, -2)
      if string.sub(body, 1, 1) == '{' then
        if string.match(body, '^{%s*}$') then body = extras else body = string.sub(body, 1, -2) .. ',' .. inner .. '}' end
      else
        body = '{"value":' .. body .. ',' .. inner .. '}'
      end
    end
    -- Kept by its newest entry at once, not at the call's end: a call stopped by a later response
    -- would leave this one in a stream about to expire.
    keep_stream(outbox, redis.call('XADD', outbox, 'MINID', '~', minid, '*', 'item', head .. body .. '}'), minid)
    local fields = { 'state', 'responded', 'respondedAt', ARGV[i + 1], 'responseCode', code, 'breached', breached and '1' or '0' }
    if elapsed ~= '' then fields[#fields + 1] = 'elapsedMs'; fields[#fields + 1] = elapsed end
    if wan ~= '' then fields[#fields + 1] = 'wanMs'; fields[#fields + 1] = wan end
    -- Kept for a repeat of this response (above): its breach was counted when the scan marked it.
    if breached and earlier then fields[#fields + 1] = 'breachedEarlier'; fields[#fields + 1] = '1' end
    if retracted then fields[#fields + 1] = 'retracted'; fields[#fields + 1] = retracted end
    redis.call('HSET', req, unpack(fields))
    -- The response decides what overdue (SMETS1) left open; the deadline scan's fields are done
    -- with (the record keeps the TRT), and so is the egress entry's ID: less to keep for the request's retention.
    redis.call('HDEL', req, 'overdue', 'checkAt', 'deadline', 'tclass', 'ts', 'tb', 'final', 'egress', 'bk')
    redis.call('ZREM', bulk and bulk_index or prefix .. 'trt:' .. tag, rid)
    if f[6] == '~' then
      redis.call('ZREM', key('egresslease', f[5]), rid)
    elseif f[6] then
      local stream = key('egress', f[5])
      redis.call('XACK', stream, group, f[6])
      redis.call('XDEL', stream, f[6])
    end
    put('recorded', breached and '1' or '0', earlier and '1' or '0', elapsed, f[7] or '', retracted or '')
  end
end
return out
