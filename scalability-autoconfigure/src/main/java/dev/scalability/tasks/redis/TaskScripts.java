package dev.scalability.tasks.redis;

import java.util.List;

import dev.scalability.redis.LuaScript;

/**
 * The scripts of the Redis task queue: each change of a task's state is one of them.
 */
final class TaskScripts {

	static final LuaScript SUBMIT = script("submit.lua");

	static final LuaScript FETCH = script("fetch.lua");

	static final LuaScript SETTLE = script("settle.lua");

	static final LuaScript RENEW = script("renew.lua");

	static final LuaScript REDRIVE = script("redrive.lua");

	static final LuaScript COUNTS = script("counts.lua");

	static final LuaScript RECLAIM = script("reclaim.lua");

	static final List<LuaScript> ALL = List.of(SUBMIT, FETCH, SETTLE, RENEW, REDRIVE, COUNTS, RECLAIM);

	private TaskScripts() {
	}

	private static LuaScript script(String name) {
		return LuaScript.fromClassPath(TaskScripts.class, name);
	}

}
