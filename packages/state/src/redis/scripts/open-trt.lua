-- An open request's TRT as the deadline scan and the response need it (prepended to their scripts).
-- Its record carries it (packRecord in redis/records.ts: the array's sixth element is
-- [class, budgetMs, startsAt, deadline]), so accept-batch.lua keeps no copy of it in fields of their
-- own: a third of what an open request's hash held beyond its record. A quarantine release sets
-- the fields (its clock restarts at the release), as did versions before this one: where they are,
-- they win.

-- A time in ms since the epoch as JavaScript's toISOString writes it (UTC; Howard Hinnant's
-- civil_from_days: Redis's Lua has no os.date).
local function iso_time(ms)
  local s = math.floor(ms / 1000)
  local days = math.floor(s / 86400)
  local secs = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local day = doy - math.floor((153 * mp + 2) / 5) + 1
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400 + (month <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day,
    math.floor(secs / 3600), math.floor(secs % 3600 / 60), secs % 60, ms - s * 1000)
end

-- From the request's fields 'tclass', 'ts', 'tb', 'deadline' and 'record': its TRT class, start
-- and budget (ms, as text) and deadline (the field's ISO text, or ms from the record: see
-- deadline_text), or nothing when it has no TRT.
local function open_trt(tclass, ts, tb, deadline, record)
  if tclass then return tclass, ts, tb, deadline end
  if not record then return nil, ts, tb, deadline end
  local class, budget, starts, due = string.match(record, '^%[%b"",%-?%d+,%b"",[^,]*,%d+,%["([^"]*)",(%d+),(%d+),(%d+)%]')
  if not class then return nil, ts, tb, deadline end
  return class, starts, budget, due + 0
end

-- The deadline open_trt gave, as ISO text: formatted only when an alert names it, and once for
-- the breaches of one call that share it.
local formatted_ms, formatted_text
local function deadline_text(deadline)
  if type(deadline) ~= 'number' then return deadline end
  if deadline ~= formatted_ms then formatted_ms, formatted_text = deadline, iso_time(deadline) end
  return formatted_text
end
