package dev.scalability.events.redis;

import java.util.List;

import dev.scalability.redis.LuaScript;

/**
 * The scripts of the event bus, each touching the keys of one topic only.
 */
final class StreamScripts {

	static final LuaScript CLAIM = script("claim.lua");

	static final LuaScript TOUCH = script("touch.lua");

	static final LuaScript HAND_BACK = script("hand-back.lua");

	static final LuaScript DEAD_LETTER = script("dead-letter.lua");

	static final LuaScript REDRIVE = script("redrive.lua");

	static final LuaScript REPLAY = script("replay.lua");

	static final LuaScript TRIM = script("trim.lua");

	static final LuaScript GROUPS = script("groups.lua");

	static final LuaScript CONSUMERS = script("consumers.lua");

	static final List<LuaScript> ALL = List.of(CLAIM, TOUCH, HAND_BACK, DEAD_LETTER, REDRIVE, REPLAY, TRIM, GROUPS, CONSUMERS);

	private StreamScripts() {
	}

	private static LuaScript script(String name) {
		return LuaScript.fromClassPath(StreamScripts.class, name);
	}

}
