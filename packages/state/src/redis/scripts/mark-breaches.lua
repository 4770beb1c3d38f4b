-- Marks one partition's bulk-indexed deadlines due by now as breached, counted by lag
-- (mark-bulk-trt.lua), and nothing else: no alert, no request named. claim-breaches.lua queues
-- their alerts later, in calls bounded by their size; this call stays small however large the
-- backlog, so while a scan pass is long (a backlog of alerts) the router runs it on its own timer
-- and a mark is never late behind alerts.
-- KEYS[1]: the partition's TRT index (it routes the call; the bulk indexes' names start with it).
-- KEYS[2]: this call's mark, its answer kept while the caller can still be waiting for it when it
--          marked anything: run again after its reply was lost, the call answers the same counts
--          (the partition's mark has moved on, so a fresh run would count none of them).
-- ARGV: now, key prefix, partition tag, the mark's lifetime ms, then detection-lag bounds in ms, ascending.
-- Returns { { class, destination, { how many with lag up to each bound, all } }, ... }.
local earlier = redis.call('GET', KEYS[2])
if earlier then return cjson.decode(earlier) end
local now, prefix, tag = ARGV[1], ARGV[2], ARGV[3]
local index_base = KEYS[1] .. ':'
local due = due_bulk_indexes(prefix .. 'trtkeys:' .. tag, index_base, now)
if #due == 0 then return {} end
local marked = mark_bulk_indexes(prefix .. 'trtmarked:' .. tag, index_base, due, now, 5)
if #marked > 0 then redis.call('SET', KEYS[2], cjson.encode(marked), 'PX', ARGV[4]) end
return marked
