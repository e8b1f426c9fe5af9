/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "jsonutil.h"

#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

json_object *json_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

static int print_text(json_object *o, struct printbuf *pb, int level, int flags)
{
	const char *text = json_object_get_userdata(o);

	(void)level, (void)flags;
	return printbuf_memappend(pb, text, (int)strlen(text));
}

static void free_text(json_object *o, void *text)
{
	(void)o;
	g_free(text);
}

json_object *json_text(char *text)
{
	json_object *o = json_object_new_object();

	json_object_set_serializer(o, print_text, text, free_text);
	return o;
}
