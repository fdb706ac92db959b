-- Removes an entry, leaving a tombstone in its place for a while so that a load that began
-- before cannot write back what it read, then tells every instance to drop its copy. A
-- Redis out of memory refuses the tombstone: the entry is then deleted without one, since
-- a delete is always allowed and a stale entry is worse than a missing guard.
--
-- KEYS[1] the entry
-- ARGV    the tombstone, its time to live in ms, the invalidation channel, the message
-- Returns 1 when an entry was there, 0 when none (or only a tombstone) was.
local format = redis.call('GETRANGE', KEYS[1], 0, 0)
local stored = redis.pcall('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if type(stored) == 'table' and stored.err then
  redis.call('DEL', KEYS[1])
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
if format == '' or format == '\4' then
  return {0}
end
return {1}
