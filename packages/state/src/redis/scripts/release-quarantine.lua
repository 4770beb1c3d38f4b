-- Releases a quarantined request: its new state, TRT (from now, or its ExecutionDateTime if later), egress (or held) and deadline index.
-- KEYS: request hash, egress stream, the partition's own TRT index, quarantine expiry zset,
--       the partition's list of bulk TRT indexes, the bulk TRT index (bulkIndexOf in redis/trt.ts; the
--       own index again when none), the partition's bulk TRT mark (claim-breaches.lua), the
--       originator's outbox, the partition's held set.
-- ARGV: request ID, state, at, TRT JSON (or ''), egress ('1'/'0'), check at (or ''), deadline ISO, TRT class,
--       TRT start, TRT budget, final check at (SMETS1, or ''), the bulk index's name in that list (or ''),
--       the retention in seconds (kept that long from its release), an outbox item for the
--       originator (JSON, or ''), the outbox's minimum ID (older items are trimmed), when the DCC
--       holds it until (its ExecutionDateTime still ahead: put with the held requests, claim-held.lua; or ''),
--       its record routed anew (its device moved while it was held; or ''), its destination, and
--       the quarantine event it releases (or '': whichever it is held under).
-- KEYS[10]: that event's reference key (qref), kept as long as the request from now (or '' with no event).
local f = redis.call('HMGET', KEYS[1], 'state', 'releasedAt', 'record')
-- Released by this very call (sent again by the client library after its answer was lost): done, as it says.
if f[1] ~= 'quarantined' then return (f[1] ~= 'deleted' and f[2] == ARGV[3]) and 1 or 0 end
-- Held again under another event (a released CV 4 leg's signed leg): not this reference's to release.
if ARGV[19] ~= '' and quarantine_ref(f[3]) ~= ARGV[19] then return 0 end
-- Where it goes first, its own fields next, its state and its leaving the quarantine last: a call
-- stopped part way leaves it quarantined, for the release to be made again (sent twice at worst),
-- never accepted in no queue.
local egress_id
if ARGV[5] == '1' and ARGV[16] ~= '' then
  redis.call('ZADD', KEYS[9], ARGV[16], ARGV[1])
elseif ARGV[5] == '1' then
  egress_id = redis.call('XADD', KEYS[2], '*', 'rid', ARGV[1])
end
local bulk = false
if ARGV[6] ~= '' then
  -- As in accept-batch.lua: a deadline its partition's mark has already reached (a router whose
  -- clock ran ahead moved it) goes in the partition's own index, or it would be breached uncounted.
  bulk = ARGV[12] ~= '' and tonumber(ARGV[6]) > tonumber(redis.call('GET', KEYS[7]) or '-inf')
  redis.call('ZADD', bulk and KEYS[6] or KEYS[3], ARGV[6], ARGV[1])
  if bulk then redis.call('SADD', KEYS[5], ARGV[12]) end
end
if ARGV[14] ~= '' then keep_stream(KEYS[8], redis.call('XADD', KEYS[8], 'MINID', '~', ARGV[15], '*', 'item', ARGV[14]), ARGV[15]) end
local fields = { 'state', ARGV[2], 'releasedAt', ARGV[3] }
local function field(name, value) fields[#fields + 1] = name; fields[#fields + 1] = value end
-- Its TRT whether or not a deadline is indexed (none with TRT tracking off): the response judges it by these.
if ARGV[4] ~= '' then
  field('trt', ARGV[4]); field('ts', ARGV[9]); field('tb', ARGV[10]); field('deadline', ARGV[7]); field('tclass', ARGV[8])
end
if ARGV[17] ~= '' then field('record', ARGV[17]); field('dest', ARGV[18]) end
if egress_id then field('egress', egress_id) end
if bulk then field('bk', '1') end
if ARGV[11] ~= '' then field('final', ARGV[11]) end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZREM', KEYS[4], ARGV[1])
-- At least the retention from now, or from when its TRT is last judged if later (never shortened).
local keep = tonumber(ARGV[13])
local judged = math.max(ARGV[6] ~= '' and tonumber(ARGV[6]) or 0, ARGV[11] ~= '' and tonumber(ARGV[11]) or 0, ARGV[16] ~= '' and tonumber(ARGV[16]) or 0)
if judged > 0 then keep = keep + math.max(0, math.ceil((judged - tonumber(ARGV[3])) / 1000)) end
if redis.call('TTL', KEYS[1]) < keep then redis.call('EXPIRE', KEYS[1], keep) end
-- Its reference finds it for as long as it is kept (a later release or delete of it answers 409, not 404).
if ARGV[19] ~= '' then redis.call('EXPIRE', KEYS[10], redis.call('TTL', KEYS[1])) end
return 1
