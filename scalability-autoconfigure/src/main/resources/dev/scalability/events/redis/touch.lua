-- Keeps the events a consumer holds (running, or waiting for their retry) from being
-- claimed as a crashed consumer's: resets their idle time without counting a delivery
-- (JUSTID). Only those it still owns: another instance may have claimed one meanwhile.
--
-- KEYS[1]  the stream
-- ARGV     group, consumer, then the ids
-- returns  the ids the consumer no longer owns

local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local owned = {stream, group, consumer, 0}
local gone = {}
for i = 3, #ARGV do
  local pending = redis.call('XPENDING', stream, group, ARGV[i], ARGV[i], 1)
  if pending[1] and pending[1][2] == consumer then
    owned[#owned + 1] = ARGV[i]
  else
    gone[#gone + 1] = ARGV[i]
  end
end
if #owned > 4 then
  owned[#owned + 1] = 'JUSTID'
  redis.call('XCLAIM', unpack(owned))
end
return gone
