-- Claims events for a consumer of a group and says how often each was delivered, which
-- neither XCLAIM nor XAUTOCLAIM answers and which counts the tries of an event.
--
-- KEYS[1]  the stream
-- ARGV     group, consumer, mode, then for mode
--          'idle': cursor, count, min idle ms (XAUTOCLAIM: entries of crashed consumers)
--          'ids':  the ids to claim, for a retry; only those the consumer still owns
-- returns  {next cursor, {{id, {field, value, ...}, deliveries}, ...}, {lost ids}}: lost ids
--          were pending while their entries left the stream (trimmed or deleted); Redis
--          7 drops them from the pending list itself, the caller counts and logs them

local stream, group, consumer, mode = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local cursor = '0-0'
local claimed = {}
local lost = {}

if mode == 'idle' then
  local reply = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[6], ARGV[4], 'COUNT', ARGV[5])
  cursor = reply[1]
  claimed = reply[2]
  if reply[3] then
    lost = reply[3]
  end
else
  local owned = {}
  for i = 4, #ARGV do
    local pending = redis.call('XPENDING', stream, group, ARGV[i], ARGV[i], 1)
    if pending[1] and pending[1][2] == consumer then
      owned[#owned + 1] = ARGV[i]
    end
  end
  if #owned == 0 then
    return {cursor, {}, lost}
  end
  local args = {stream, group, consumer, 0}
  for _, id in ipairs(owned) do
    args[#args + 1] = id
  end
  claimed = redis.call('XCLAIM', unpack(args))
  local returned = {}
  for _, entry in ipairs(claimed) do
    if entry then
      returned[entry[1]] = true
    end
  end
  for _, id in ipairs(owned) do
    if not returned[id] then
      lost[#lost + 1] = id
    end
  end
end

local result = {}
for _, entry in ipairs(claimed) do
  -- Before Redis 7 an entry trimmed while pending comes back as nil: skipped here.
  if entry then
    local info = redis.call('XPENDING', stream, group, entry[1], entry[1], 1)
    if info[1] then
      result[#result + 1] = {entry[1], entry[2], info[1][4]}
    end
  end
end
if #lost > 0 then
  -- Already gone from the pending list on Redis 7; acknowledged for older servers.
  redis.call('XACK', stream, group, unpack(lost))
end
return {cursor, result, lost}
