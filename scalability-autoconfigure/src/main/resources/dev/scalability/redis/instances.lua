-- The live instances of an application: KEYS[1] is a sorted set of instance ids scored by
-- their last heartbeat, in milliseconds of the Redis server's clock.
-- ARGV  the instance's id, how long a heartbeat counts (ms), '1' to leave instead of beat
-- returns {the number of live instances}

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if ARGV[3] == '1' then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return {redis.call('ZCARD', KEYS[1])}
end
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return {redis.call('ZCARD', KEYS[1])}
