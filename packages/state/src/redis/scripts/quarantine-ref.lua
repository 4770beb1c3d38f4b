-- The quarantine event a request's record (its hash's 'record' field, packRecord in redis/records.ts)
-- is held under, or nil: the array form keeps it in its named fields (the 9th element), the older
-- object form at its top. Read only in rare steps, never per request: a release or delete, and a
-- signed leg recorded over its released transform leg (accept-batch.lua).
local function quarantine_ref(packed)
  if not packed then return nil end
  local ok, record = pcall(cjson.decode, packed)
  if not ok or type(record) ~= 'table' then return nil end
  local named = record[9] or record
  local quarantine = type(named) == 'table' and named.quarantine
  return type(quarantine) == 'table' and quarantine.ref or nil
end
