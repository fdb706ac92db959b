-- Stores a loaded entry only if the entry is still the one the load began from, then tells
-- every instance to drop its copy. A write or an eviction elsewhere changed the version
-- (bytes 2 to 9 of an entry or a tombstone), so a load it overtook writes nothing back.
--
-- KEYS[1] the entry
-- ARGV    its bytes, its time to live in ms, the version the load began from ('' for
--         none), the invalidation channel, the message
local head = redis.call('GETRANGE', KEYS[1], 0, 8)
if ARGV[3] == '' then
  if head ~= '' then
    return {0}
  end
elseif string.sub(head, 2, 9) ~= ARGV[3] then
  return {0}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return {1}
