/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The event log's ring (core/event_log.h): it starts small and grows, and
 * every event the ring keeps is found by its seq before, across and after
 * the growth and the wrap. */
#include "event_log.h"

static void test_growth_and_wrap(void)
{
	struct event_log log;
	const uint64_t total = EVENT_LOG_CAPACITY + 5000;

	event_log_init(&log);
	g_assert_cmpuint(log.size, <, EVENT_LOG_CAPACITY);
	for (uint64_t seq = 1; seq <= total; seq++) {
		struct event e = { .kind = EVENT_UEVENT, .block = seq };

		g_assert_cmpuint(event_log_add(&log, e), ==, seq);
		/* the oldest and the newest still kept, and one between */
		g_assert_cmpuint(event_log_get(&log, seq)->block, ==, seq);
		if (seq > EVENT_LOG_CAPACITY)
			g_assert_null(event_log_get(&log, seq - EVENT_LOG_CAPACITY));
		g_assert_cmpuint(event_log_get(&log, seq > EVENT_LOG_CAPACITY
						     ? seq - EVENT_LOG_CAPACITY + 1 : 1)->block, ==,
				 seq > EVENT_LOG_CAPACITY ? seq - EVENT_LOG_CAPACITY + 1 : 1);
		g_assert_cmpuint(event_log_get(&log, (seq + 1) / 2 > seq - EVENT_LOG_CAPACITY + 1 ||
							 seq <= EVENT_LOG_CAPACITY
						     ? (seq + 1) / 2 : seq)->seq, >=, 1);
	}
	g_assert_cmpuint(log.size, ==, EVENT_LOG_CAPACITY);
	for (uint64_t seq = total - EVENT_LOG_CAPACITY + 1; seq <= total; seq++)
		g_assert_cmpuint(event_log_get(&log, seq)->block, ==, seq);
	g_assert_null(event_log_get(&log, total + 1));
	event_log_clear(&log);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/event-log/growth-and-wrap", test_growth_and_wrap);
	return g_test_run();
}
