/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The nd and dax devices' uevents (see device_uevent.h). */
#include "device_uevent.h"

#include <string.h>

#include "nd_tree.h"
#include "tree.h"

/* A device the tree serves on one of the buses. */
struct served {
	char *devpath;             /* "/devices/..." */
	const char *subsystem;     /* "nd" or "dax" */
	char *env;                 /* its uevent file: "KEY=VALUE\n"... */
	char *driver;              /* DRIVER's value; NULL: none */
	bool added;                /* its add was sent during this change */
};

struct device_uevents {
	struct machine *m;
	GPtrArray *served;         /* struct served *, nd bus first, then dax */
	size_t nd_count;           /* how many of them are on the nd bus */
};

static void served_free(struct served *s)
{
	g_free(s->devpath);
	g_free(s->env);
	g_free(s->driver);
	g_free(s);
}

/* The value of KEY= in env, or NULL. */
static char *env_value(const char *env, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = env; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > klen && !strncmp(p, key, klen) && p[klen] == '=')
			return g_strndup(p + klen + 1, len - klen - 1);
		p += len + (nl ? 1 : 0);
	}
	return NULL;
}

static int collect_node(void *ctx, const char *name, tree_node n, enum tree_type type,
			uint64_t next_cursor)
{
	(void)name, (void)type, (void)next_cursor;
	g_array_append_val(ctx, n);
	return 0;
}

/*
 * The devices of /sys/bus/BUS/devices in its order (the bus's klist: the
 * order they were added): each link's target is the device's directory,
 * whose uevent file is what dev_uevent() adds to its uevents.
 */
static void list_bus(const struct machine *m, const char *bus, GPtrArray *out)
{
	static const struct tree_reader root = { .cap_sys_admin = true };
	g_autofree char *dir_path = g_strdup_printf("sys/bus/%s/devices", bus);
	g_autoptr(GArray) links = g_array_new(FALSE, FALSE, sizeof(tree_node));
	tree_node dir;

	if (tree_resolve(m, dir_path, &dir) != 0)
		return;
	tree_readdir(m, dir, 0, collect_node, links);
	for (guint i = 0; i < links->len; i++) {
		tree_node link = g_array_index(links, tree_node, i), device, file;
		g_autoptr(GString) target = g_string_new(NULL);
		g_autoptr(GString) env = g_string_new(NULL);
		const char *rel;
		struct served *s;

		if (tree_readlink(m, link, target) != 0 || tree_link_target(m, link, &device) != 0 ||
		    tree_lookup(m, device, "uevent", &file) != 0 || tree_read(m, file, &root, env) != 0)
			continue;
		/* "../../../devices/...": the path below /sys */
		for (rel = target->str; !strncmp(rel, "../", 3); rel += 3)
			;
		s = g_new0(struct served, 1);
		s->devpath = g_strdup_printf("/%s", rel);
		s->subsystem = bus;
		s->env = g_strdup(env->str);
		s->driver = env_value(s->env, "DRIVER");
		g_ptr_array_add(out, s);
	}
}

static GPtrArray *list_served(const struct machine *m, size_t *nd_count)
{
	GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)served_free);

	list_bus(m, "nd", all);
	*nd_count = all->len;
	list_bus(m, "dax", all);
	return all;
}

static const struct served *find(GPtrArray *list, const char *devpath)
{
	for (guint i = 0; i < list->len; i++) {
		const struct served *s = list->pdata[i];

		if (!strcmp(s->devpath, devpath))
			return s;
	}
	return NULL;
}

static bool same_driver(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * Logs one uevent of d, its variables as kobject_uevent_env() (lib/kobject_uevent.c,
 * 6.1 and 6.12) builds them: ACTION, DEVPATH (kobject_get_path()) and
 * SUBSYSTEM (the bus's name), then dev_uevent() (drivers/base/core.c):
 * MAJOR, MINOR and DEVNAME for a device with a devt (dax), DEVTYPE
 * (dev->type->name: nd), DRIVER while one is bound, then the bus's uevent()
 * (nd_bus_uevent() -> nd_device_uevent(): MODALIAS=nd:tN, dax_bus_uevent():
 * MODALIAS=dax:t0), which is what the device's uevent file shows
 * (uevent_show() runs the same code); SEQNUM comes last (event_log).  The
 * file is read with the driver bound; DRIVER is dropped where the kernel
 * sends without one (add: before bus_probe_device(); unbind and remove:
 * after __device_release_driver() cleared dev->driver), and MODALIAS from
 * unbind (kobject_uevent_env(): zap_modalias_env() for KOBJ_UNBIND).
 */
static void send(struct machine *m, enum uevent_action a, const struct served *d)
{
	bool no_driver = a != UEVENT_BIND, no_modalias = a == UEVENT_UNBIND;
	g_autoptr(GString) env = g_string_new(NULL);

	for (const char *p = d->env; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (!(no_driver && g_str_has_prefix(p, "DRIVER=")) &&
		    !(no_modalias && g_str_has_prefix(p, "MODALIAS=")))
			g_string_append_len(env, p, (gssize)len);
		p += len;
	}
	event_log_add(&m->log, (struct event){ .kind = EVENT_DEVICE_UEVENT, .uevent = a,
					      .devpath = machine_intern(m, d->devpath),
					      .subsystem = machine_intern(m, d->subsystem),
					      .env = machine_intern(m, env->str) });
}

/*
 * Going away, children first (the reverse of the order they were added):
 * a dax device is unregistered by the driver of the nd device that made it
 * (dax_pmem's remove: unregister_dev_dax()), before that driver's unbind;
 * device_del() releases the driver (unbind) before its remove uevent.
 * The nd devices' unbinds (ndctl disables first) come before the removes
 * of the devices whose configuration went.
 */
static void send_teardown(struct device_uevents *f, GPtrArray *now)
{
	GPtrArray *was = f->served;

	for (guint i = was->len; i-- > f->nd_count;) {
		const struct served *o = was->pdata[i], *n = find(now, o->devpath);

		if (o->driver && (!n || !same_driver(o->driver, n->driver)))
			send(f->m, UEVENT_UNBIND, o);
		if (!n)
			send(f->m, UEVENT_REMOVE, o);
	}
	for (guint i = (guint)f->nd_count; i-- > 0;) {
		const struct served *o = was->pdata[i], *n = find(now, o->devpath);

		if (o->driver && (!n || !same_driver(o->driver, n->driver)))
			send(f->m, UEVENT_UNBIND, o);
	}
	for (guint i = (guint)f->nd_count; i-- > 0;) {
		const struct served *o = was->pdata[i];

		if (!find(now, o->devpath))
			send(f->m, UEVENT_REMOVE, o);
	}
}

static void send_add(struct device_uevents *f, struct served *n)
{
	if (n->added)
		return;
	send(f->m, UEVENT_ADD, n);
	n->added = true;
}

/* A new region's namespaces (namespaceA.B directly below it) that are new. */
static void send_region_namespaces(struct device_uevents *f, GPtrArray *now, const struct served *r)
{
	size_t len = strlen(r->devpath);

	for (guint i = 0; i < now->len; i++) {
		struct served *n = now->pdata[i];

		if (!strncmp(n->devpath, r->devpath, len) && g_str_has_prefix(n->devpath + len, "/namespace") &&
		    !strchr(n->devpath + len + 1, '/') && !find(f->served, n->devpath))
			send_add(f, n);
	}
}

/* What is new or bound in now[from, to), and in now[from, to) with
 * namespaces only or all but namespaces (seeds_of: 0 all, 1 non-namespaces,
 * 2 namespaces), bound or not. */
static void send_new(struct device_uevents *f, GPtrArray *now, guint from, guint to, bool bound,
		     int seeds_of)
{
	for (guint i = from; i < to; i++) {
		struct served *n = now->pdata[i];
		const struct served *o = find(f->served, n->devpath);
		bool ns = strstr(strrchr(n->devpath, '/'), "/namespace") != NULL;

		if (bound != (n->driver != NULL) || (seeds_of == 1 && ns) || (seeds_of == 2 && !ns))
			continue;
		if (!o)
			send_add(f, n);
		/* A region registered at run time (an NVDIMM's, nvdimm-add):
		 * nd_region_probe() queues its namespaces first, then the btt,
		 * pfn and dax seeds, all registered from the async domain
		 * (nd_device_register()), so the order is the scheduler's:
		 * namespace add before the region's bind on Debian 6.1 and in one
		 * 6.12 run, after the dax seed in another.  The first is sent. */
		if (!o && g_str_has_prefix(strrchr(n->devpath, '/'), "/region"))
			send_region_namespaces(f, now, n);
		if (n->driver && (!o || !same_driver(o->driver, n->driver)))
			send(f->m, UEVENT_BIND, n);
	}
}

/*
 * Coming, parents' probes last: device_add() sends add before
 * bus_probe_device() binds (bind: driver_bound()); a dax device is added and
 * bound inside the probe of the nd device that makes it (__dax_pmem_probe(),
 * devm_create_dev_dax()), so before that nd device's bind; the seeds a probe
 * uses up are replaced after it (nvdimm_bus_probe() ->
 * nd_region_advance_seeds(): the pfn or dax seed, then the namespace seed;
 * nd_device_register() adds them from an async domain, so after the bind).
 */
static void send_setup(struct device_uevents *f, GPtrArray *now, size_t nd_count)
{
	send_new(f, now, (guint)nd_count, now->len, true, 0);
	send_new(f, now, (guint)nd_count, now->len, false, 0);
	send_new(f, now, 0, (guint)nd_count, true, 0);
	send_new(f, now, 0, (guint)nd_count, false, 1);
	send_new(f, now, 0, (guint)nd_count, false, 2);
}

static void on_event(void *ctx, const struct event *e)
{
	struct device_uevents *f = ctx;
	GPtrArray *now;
	size_t nd_count;

	if (e->kind != EVENT_DEVICE || !nd_event_is_ours(e))
		return;
	now = list_served(f->m, &nd_count);
	send_teardown(f, now);
	send_setup(f, now, nd_count);
	g_ptr_array_unref(f->served);
	f->served = now;
	f->nd_count = nd_count;
}

struct device_uevents *device_uevents_follow(struct machine *m)
{
	struct device_uevents *f = g_new0(struct device_uevents, 1);

	f->m = m;
	f->served = list_served(m, &f->nd_count);
	event_log_subscribe(&m->log, on_event, f);
	return f;
}

void device_uevents_unfollow(struct device_uevents *f)
{
	if (!f)
		return;
	event_log_unsubscribe(&f->m->log, on_event, f);
	g_ptr_array_unref(f->served);
	g_free(f);
}
