-- Removes an entry, leaving a tombstone in its place for a while so that a load that began
-- before cannot write back what it read, then tells every instance to drop its copy.
--
-- KEYS[1] the entry
-- ARGV    the tombstone, its time to live in ms, the invalidation channel, the message
-- Returns 1 when an entry was there, 0 when none (or only a tombstone) was.
local format = redis.call('GETRANGE', KEYS[1], 0, 0)
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
if format == '' or format == '\4' then
  return {0}
end
return {1}
