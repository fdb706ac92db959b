package dev.scalability.events;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EventIdTests {

	@Test
	void anIdIsReadAsRedisStreamsWritesItAndWrittenBackTheSame() {
		EventId id = EventId.parse("1700000000000-12");
		assertThat(id).isEqualTo(new EventId(1_700_000_000_000L, 12));
		assertThat(id.toString()).isEqualTo("1700000000000-12");
		assertThat(id.time()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
	}

	@Test
	void anIdWithoutSequenceIsTheFirstOfItsMillisecond() {
		assertThat(EventId.parse("1700000000000")).isEqualTo(new EventId(1_700_000_000_000L, 0));
		assertThat(EventId.of(Instant.ofEpochMilli(1_700_000_000_000L))).isEqualTo(EventId.parse("1700000000000-0"));
	}

	@Test
	void idsAreOrderedByTimeThenSequenceNotAsText() {
		assertThat(EventId.parse("9-5")).isLessThan(EventId.parse("10-0"));
		assertThat(EventId.parse("10-2")).isLessThan(EventId.parse("10-10"));
	}

	@Test
	void textThatIsNoIdIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventId.parse("yesterday"))
			.withMessageContaining("no event id");
		assertThatIllegalArgumentException().isThrownBy(() -> EventId.parse("1-x"));
		assertThatIllegalArgumentException().isThrownBy(() -> EventId.parse("-1-0"));
	}

}
