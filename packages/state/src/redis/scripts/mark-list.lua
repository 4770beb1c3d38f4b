-- A call's mark that keeps its answer, a list, for the call run again (the client library sends a
-- call again when its reply was lost): shared by the scripts that answer so (prepended when loaded).
-- Each entry ends with ',' so that an empty one ('') survives.
local function read_mark_list(key)
  local text = redis.call('GET', key)
  if not text then return nil end
  local list = {}
  for item in string.gmatch(text, '([^,]*),') do list[#list + 1] = item end
  return list
end

local function write_mark_list(key, list, ms)
  redis.call('SET', key, #list > 0 and table.concat(list, ',') .. ',' or '', 'PX', ms)
end
