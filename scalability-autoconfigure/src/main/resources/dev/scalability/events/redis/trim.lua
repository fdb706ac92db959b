-- Trims a topic's stream to its retention, never below the oldest entry a group still
-- needs: one pending (running, waiting for a retry, or held by a crashed consumer) or not
-- yet given to it. Removes at most one batch of the oldest entries per call.
--
-- KEYS[1]  the stream
-- ARGV     retention (entries kept), batch (entries removed at most)
-- returns  {entries removed, entries before}

local function parse(id)
  local ms, seq = string.match(id, '^(%d+)%-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

local function before(a, b)
  local ams, aseq = parse(a)
  local bms, bseq = parse(b)
  return ams < bms or (ams == bms and aseq < bseq)
end

-- The smallest id after another: MINID keeps its threshold, so this trims up to an id
-- inclusive. A sequence too large for a Lua number (a replay's id) moves to the next ms.
local function after(id)
  local ms, seq = string.match(id, '^(%d+)%-(%d+)$')
  if #seq > 15 then
    return string.format('%.0f', tonumber(ms) + 1) .. '-0'
  end
  return ms .. '-' .. string.format('%.0f', tonumber(seq) + 1)
end

local length = redis.call('XLEN', KEYS[1])
local excess = length - tonumber(ARGV[1])
if excess <= 0 then
  return {0, length}
end
local batch = math.min(excess, tonumber(ARGV[2]))
local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', batch + 1)
local keepFrom = oldest[#oldest][1]
if #oldest <= batch then
  -- Every entry may go (a retention of 0): keep from after the latest.
  keepFrom = after(keepFrom)
end
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local name, pending, last
  for i = 1, #group, 2 do
    if group[i] == 'name' then
      name = group[i + 1]
    elseif group[i] == 'pending' then
      pending = group[i + 1]
    elseif group[i] == 'last-delivered-id' then
      last = group[i + 1]
    end
  end
  -- Entries after the last one given to the group, it has not had yet.
  if before(after(last), keepFrom) then
    keepFrom = after(last)
  end
  if pending > 0 then
    local summary = redis.call('XPENDING', KEYS[1], name)
    if summary[2] and before(summary[2], keepFrom) then
      keepFrom = summary[2]
    end
  end
end
return {redis.call('XTRIM', KEYS[1], 'MINID', keepFrom), length}
