// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * events_reader FILE LINES TIMEOUT_MS: reads the module's `events` stream
 * the way a live consumer does (O_NONBLOCK reads, poll() while there is
 * nothing) until LINES lines have come, and copies them to stdout.
 * Exit 0 when they came, 2 when poll() waited TIMEOUT_MS for nothing,
 * 1 on any other error.  Built static by tests/kernel/kmod_test.py for the
 * guest, whose initramfs has no C library.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[4096];
	long want, got = 0;
	int fd, timeout_ms, polls = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: events_reader FILE LINES TIMEOUT_MS\n");
		return 1;
	}
	want = atol(argv[2]);
	timeout_ms = atoi(argv[3]);
	fd = open(argv[1], O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		fprintf(stderr, "events_reader: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while (got < want) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			for (ssize_t i = 0; i < n; i++)
				got += buf[i] == '\n';
			if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
				return 1;
			continue;
		}
		if (n == 0) {
			fprintf(stderr, "events_reader: unexpected end of file\n");
			return 1;
		}
		if (errno != EAGAIN) {
			fprintf(stderr, "events_reader: read: %s\n", strerror(errno));
			return 1;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, timeout_ms);

		if (r < 0) {
			fprintf(stderr, "events_reader: poll: %s\n", strerror(errno));
			return 1;
		}
		if (r == 0) {
			fprintf(stderr, "events_reader: %ld of %ld lines after waiting %d ms\n",
				got, want, timeout_ms);
			return 2;
		}
		polls++;
	}
	fprintf(stderr, "events_reader: %ld lines, woken by poll() %d times\n", got, polls);
	return 0;
}
