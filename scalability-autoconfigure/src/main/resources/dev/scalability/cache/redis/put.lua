-- Stores an entry, then tells every instance to drop its copy: the write is in Redis before
-- any instance hears of it, so that an instance that reloads at once finds the new value.
--
-- KEYS[1] the entry
-- ARGV    its bytes, its time to live in ms, the invalidation channel, the message
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
