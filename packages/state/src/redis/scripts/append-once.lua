-- Appends entries to a stream once. The call's mark keeps the IDs it appended: run again (the
-- client library sends a call again when its reply was lost), it appends nothing and answers
-- those IDs, so a User's outbox or dead letters never hold an item twice.
-- KEYS[1]: the stream. KEYS[2]: this call's mark (same slot), unique to the call.
-- ARGV: MINID trimming ('~' approximate, '=' exact), the MINID, the mark's lifetime ms, fields
-- per entry, then each entry's field-value pairs. Returns the entries' IDs, in order.
local appended = read_mark_list(KEYS[2])
if appended then return appended end
local per = ARGV[4] * 2
local ids = {}
for i = 5, #ARGV, per do
  local args = { KEYS[1], 'MINID', ARGV[1], ARGV[2], '*' }
  for j = 0, per - 1 do args[#args + 1] = ARGV[i + j] end
  ids[#ids + 1] = redis.call('XADD', unpack(args))
end
if #ids > 0 then keep_stream(KEYS[1], ids[#ids], ARGV[2]) end
write_mark_list(KEYS[2], ids, ARGV[3])
return ids
