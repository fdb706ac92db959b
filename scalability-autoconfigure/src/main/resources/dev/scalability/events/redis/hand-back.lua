-- Gives entries a consumer holds and has not started back to its group, without counting
-- a try: each stays pending for the consumer, idle as if abandoned, so that the next claim
-- of any consumer takes it; its delivery count goes back to what it was before this
-- consumer read it. Only those it still owns: another instance may have claimed one
-- meanwhile, and is handling it.
--
-- KEYS[1]  the stream
-- ARGV     group, consumer, idle time in milliseconds, then pairs of id and delivery count
-- returns  how many were handed back

local stream, group, consumer, idle = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local handed = 0
for i = 4, #ARGV, 2 do
  local id, count = ARGV[i], ARGV[i + 1]
  local pending = redis.call('XPENDING', stream, group, id, id, 1)
  if pending[1] and pending[1][2] == consumer then
    redis.call('XCLAIM', stream, group, consumer, 0, id, 'IDLE', idle, 'RETRYCOUNT', count, 'JUSTID')
    handed = handed + 1
  end
end
return {handed}
