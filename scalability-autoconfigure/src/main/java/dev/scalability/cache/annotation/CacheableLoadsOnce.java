package dev.scalability.cache.annotation;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.util.StringUtils;

/**
 * The {@code @Cacheable} operations as the application declares them, with one change: a
 * lone {@code @Cacheable} of one cache, with no {@code unless} and a plain return type,
 * loads through the cache ({@code sync = true}), so that concurrent misses of one key run
 * the method once per instance without the application writing it. Operations that
 * {@code sync} does not allow are left as they are.
 */
public final class CacheableLoadsOnce implements CacheOperationSource {

	private final CacheOperationSource declared;

	private final Map<Object, Collection<CacheOperation>> operations = new ConcurrentHashMap<>();

	public CacheableLoadsOnce(CacheOperationSource declared) {
		this.declared = declared;
	}

	@Override
	public boolean isCandidateClass(Class<?> targetClass) {
		return this.declared.isCandidateClass(targetClass);
	}

	@Override
	public Collection<CacheOperation> getCacheOperations(Method method, Class<?> targetClass) {
		Collection<CacheOperation> declaredOperations = this.declared.getCacheOperations(method, targetClass);
		if (declaredOperations == null || declaredOperations.size() != 1
				|| !(declaredOperations.iterator().next() instanceof CacheableOperation cacheable)
				|| !loadsOnceSafely(cacheable, method)) {
			return declaredOperations;
		}
		// Kept per method and class, as the interceptor's own metadata is.
		return this.operations.computeIfAbsent(List.of(method, (targetClass != null) ? targetClass : Object.class),
				(key) -> List.of(synchronizing(cacheable)));
	}

	private static boolean loadsOnceSafely(CacheableOperation cacheable, Method method) {
		Class<?> returned = method.getReturnType();
		return !cacheable.isSync() && !StringUtils.hasText(cacheable.getUnless())
				&& cacheable.getCacheNames().size() == 1 && !StringUtils.hasText(cacheable.getCacheManager())
				&& !StringUtils.hasText(cacheable.getCacheResolver())
				&& !CompletionStage.class.isAssignableFrom(returned) && !isReactive(returned);
	}

	private static boolean isReactive(Class<?> type) {
		String name = type.getName();
		return name.startsWith("reactor.core.publisher.") || name.startsWith("org.reactivestreams.")
				|| name.startsWith("io.reactivex.") || name.startsWith("kotlinx.coroutines.");
	}

	private static CacheOperation synchronizing(CacheableOperation cacheable) {
		CacheableOperation.Builder builder = new CacheableOperation.Builder();
		builder.setName(cacheable.getName());
		builder.setCacheNames(new ArrayList<>(cacheable.getCacheNames()).toArray(String[]::new));
		builder.setCondition(cacheable.getCondition());
		builder.setKey(cacheable.getKey());
		builder.setKeyGenerator(cacheable.getKeyGenerator());
		builder.setCacheManager(cacheable.getCacheManager());
		builder.setCacheResolver(cacheable.getCacheResolver());
		builder.setUnless(cacheable.getUnless());
		builder.setSync(true);
		return builder.build();
	}

}
