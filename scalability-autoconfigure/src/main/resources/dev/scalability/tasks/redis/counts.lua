-- A queue as it is: ready, running, delayed and dead tasks.
--
-- KEYS[1] ready   KEYS[2] running   KEYS[3] delayed   KEYS[4] dead
-- returns {ready, running, delayed, dead}

return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4])}
