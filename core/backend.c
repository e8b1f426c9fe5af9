/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "backend.h"

void backend_free(struct backend *b)
{
	if (b)
		b->ops->free(b);
}
