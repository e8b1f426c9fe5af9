/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "jsonutil.h"

#include <inttypes.h>
#include <stdio.h>

json_object *json_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}
