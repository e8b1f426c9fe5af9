/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The store loop of bench/speed.sh: open/write/close of memoryN/state for
 * COUNT blocks from FIRST, ROUNDS times, alternating "offline" and "online"
 * (the first round offlines).  Prints "STORES SECONDS ERRORS".  The same
 * loop runs against the served tree and a plain tmpfs copy.
 * usage: store_loop MEMORY-DIR FIRST COUNT ROUNDS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	unsigned long first, count, rounds, stores = 0, errors = 0;
	char path[4096];

	if (argc != 5) {
		fprintf(stderr, "usage: store_loop MEMORY-DIR FIRST COUNT ROUNDS\n");
		return 2;
	}
	first = strtoul(argv[2], NULL, 10);
	count = strtoul(argv[3], NULL, 10);
	rounds = strtoul(argv[4], NULL, 10);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long r = 0; r < rounds; r++) {
		const char *word = r % 2 ? "online\n" : "offline\n";
		size_t len = strlen(word);

		for (unsigned long b = first; b < first + count; b++) {
			int fd;

			snprintf(path, sizeof(path), "%s/memory%lu/state", argv[1], b);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, word, len) != (ssize_t)len)
				errors++;
			if (fd >= 0)
				close(fd);
			stores++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lu %.6f %lu\n", stores,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, errors);
	return 0;
}
