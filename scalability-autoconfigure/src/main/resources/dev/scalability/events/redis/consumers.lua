-- Forgets the consumers of a group whose instances are gone: those idle for a while that
-- hold nothing. One that still holds entries stays until they are claimed, since
-- XGROUP DELCONSUMER would drop them.
--
-- KEYS[1]  the stream
-- ARGV     group, idle ms, the caller's own consumer (kept)
-- returns  {consumers removed}

local removed = 0
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local name, pending, idle
  for i = 1, #consumer, 2 do
    if consumer[i] == 'name' then
      name = consumer[i + 1]
    elseif consumer[i] == 'pending' then
      pending = consumer[i + 1]
    elseif consumer[i] == 'idle' then
      idle = consumer[i + 1]
    end
  end
  if pending == 0 and idle >= tonumber(ARGV[2]) and name ~= ARGV[3] then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    removed = removed + 1
  end
end
return {removed}
