package dev.scalability.cache.redis;

import java.util.List;

import dev.scalability.redis.LuaScript;

/**
 * The scripts of the Redis cache: a write and its invalidation in one call.
 */
final class CacheScripts {

	static final LuaScript PUT = LuaScript.fromClassPath(CacheScripts.class, "put.lua");

	static final LuaScript PUT_IF_UNCHANGED = LuaScript.fromClassPath(CacheScripts.class, "put-if-unchanged.lua");

	static final LuaScript EVICT = LuaScript.fromClassPath(CacheScripts.class, "evict.lua");

	static final List<LuaScript> ALL = List.of(PUT, PUT_IF_UNCHANGED, EVICT);

	private CacheScripts() {
	}

}
