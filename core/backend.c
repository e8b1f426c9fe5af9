/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "backend.h"

#include "journal.h"

bool backend_journal(struct backend *b, const char *fixture, const char *file, GError **err)
{
	if (!b->ops->journal) {
		g_set_error(err, JOURNAL_ERROR, JOURNAL_ERROR_UNSUPPORTED,
			    "%s: the %s backend keeps no journal; --state is for a simulated machine",
			    file, b->name);
		return false;
	}
	return b->ops->journal(b, fixture, file, err);
}

void backend_free(struct backend *b)
{
	if (b)
		b->ops->free(b);
}
