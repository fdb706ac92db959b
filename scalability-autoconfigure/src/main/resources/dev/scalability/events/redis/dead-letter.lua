-- Gives up on an event for a group: writes it to the topic's dead letters with its error
-- and acknowledges it, in one step, so that it is never acknowledged without its dead
-- letter nor a dead letter twice (another instance may have claimed and settled it).
--
-- KEYS[1]  the stream the event was delivered from
-- KEYS[2]  the topic's dead letters
-- ARGV     group, entry id, dead letters kept (approximate), then the dead letter's
--          fields and values
-- returns  {1, dead letters trimmed to make room} when written, {0} when the event was
--          no longer pending

local stream, dead, group, id = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
if #redis.call('XPENDING', stream, group, id, id, 1) == 0 then
  return {0}
end
local args = {dead, 'MAXLEN', '~', ARGV[3], '*'}
for i = 4, #ARGV do
  args[#args + 1] = ARGV[i]
end
-- Written first: should the write fail (out of memory), the event stays pending.
-- The length before and after tells how many older dead letters the cap trimmed, which
-- XADD does not say: the caller reports them rather than let them go unnoticed.
local before = redis.call('XLEN', dead)
redis.call('XADD', unpack(args))
local trimmed = before + 1 - redis.call('XLEN', dead)
redis.call('XACK', stream, group, id)
return {1, trimmed}
