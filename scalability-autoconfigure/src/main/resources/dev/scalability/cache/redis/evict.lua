-- Removes an entry, then tells every instance to drop its copy.
--
-- KEYS[1] the entry
-- ARGV    the invalidation channel, the message
local removed = redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return removed
