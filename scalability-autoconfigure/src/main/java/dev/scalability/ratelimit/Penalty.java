package dev.scalability.ratelimit;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * Blocks a key that keeps exceeding its limit: after {@code after} rejections within one
 * window (the rule's longest) the key is blocked for {@code block}; each further block
 * doubles, up to {@code maxBlock}. A key that stays out of trouble for {@code maxBlock}
 * after its last block starts again from {@code block}.
 *
 * @param after rejections within one window that trigger a block, at least 1
 * @param block the first block
 * @param maxBlock the longest block
 */
public record Penalty(int after, Duration block, Duration maxBlock) {

	public Penalty {
		Assert.isTrue(after >= 1, "after must be at least 1");
		Assert.isTrue(block != null && !block.isNegative() && !block.isZero(), "block must be positive");
		Assert.isTrue(maxBlock != null && maxBlock.compareTo(block) >= 0, "max-block must not be shorter than block");
	}

}
