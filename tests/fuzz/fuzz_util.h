/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the libFuzzer targets of tests/fuzz share: the repository's fixtures
 * (parsed once, booted per input), a walk that reads every file of a
 * machine's tree, and the entry points libFuzzer calls.
 */
#ifndef HOTPLUGFS_FUZZ_UTIL_H
#define HOTPLUGFS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "boot.h"
#include "fixture.h"
#include "machine.h"
#include "scenario.h"
#include "tree.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fixtures/NAME of the source tree, parsed; aborts if it does not load
 * (the fixtures are known good). */
struct fixture *fuzz_fixture(const char *name);
/* The machine fx describes, its scenario run; aborts on failure. */
struct machine *fuzz_boot(const struct fixture *fx);

/* Reads every file and link below the root (/proc files as root and as a
 * user), visiting at most budget nodes: what a reader could ask for.
 * Aborts when a listed node's parent is not the directory listing it. */
void fuzz_walk(const struct machine *m, unsigned budget);
/* The same below path ("proc/iomem", "sys/devices/system/memory"). */
void fuzz_walk_path(const struct machine *m, const char *path, unsigned budget);

/* Silences what the code under test prints to stderr (its FILE *, not the
 * descriptor, so the sanitizers' reports still come out), unless
 * HOTPLUGFS_FUZZ_VERBOSE is set. */
void fuzz_quiet(void);

/* A byte reader over the input. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};
static inline unsigned fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}
static inline unsigned fuzz_u16(struct fuzz_in *in)
{
	unsigned hi = fuzz_u8(in);

	return hi << 8 | fuzz_u8(in);
}
static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | fuzz_u8(in);
	return v;
}
/* Up to want bytes of the input; *len says how many there were. */
static inline const char *fuzz_bytes(struct fuzz_in *in, size_t want, size_t *len)
{
	const char *p = (const char *)in->p;

	*len = want < in->left ? want : in->left;
	in->p += *len;
	in->left -= *len;
	return p;
}

#endif
