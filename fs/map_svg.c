/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Draws the address map (map_svg.h).  Columns, left to right: the address
 * axis, the resources of /proc/iomem (a resource nested N deep starts N
 * columns in, over its parent), the memory blocks, the nodes.  Addresses grow
 * downwards, as /proc/iomem lists them, on the scale of map_scale.h.
 * Coordinates are whole pixels, so the output depends on integers only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "map_bands.h"
#include "map_scale.h"
#include "map_style.h"
#include "map_svg.h"

#define MARGIN 24
#define MIN_WIDTH 900
#define AXIS_W 112            /* hex labels, right-aligned at the axis */
#define COL_W 176             /* one nesting level: room for a parent's label */
#define LEAF_EXTRA 40         /* more room for the labels of the deepest bands */
#define NEST_INSET 4          /* a child's right edge, inside its parent's */
#define GAP 14
#define BLOCK_W 264
#define NODE_W 72
#define TWO_LINES_PX 30       /* a band this tall gets a second line of text */
#define THREE_LINES_PX 44

#define FONT "DejaVu Sans, Verdana, Arial, sans-serif"
#define MONO "DejaVu Sans Mono, Menlo, Consolas, monospace"

/* Where everything goes. */
struct layout {
	int width, height;
	int axis_x;               /* the axis line */
	int res_x, res_w;         /* resource columns */
	int blk_x, node_x;        /* 0 without memory blocks */
	int right;                /* right edge of the map */
	int map_y;                /* y of the first cut */
};

struct picture {
	const struct map_model *model;
	struct map_bands bands;
	struct map_scale scale;
	struct layout at;
	GString *out;
};

/* ------------------------------------------------------------------- text */

/* Advance widths of DejaVu Sans in thousandths of an em, a-z then A-Z (its
 * bold face is about a tenth wider): enough to decide where a label must be
 * shortened, whatever font the viewer finally uses. */
static const unsigned short lower_widths[26] = {
	613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974,
	634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525,
};
static const unsigned short upper_widths[26] = {
	684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863,
	748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685,
};

static unsigned char_width(gunichar c)
{
	if (c >= 'a' && c <= 'z')
		return lower_widths[c - 'a'];
	if (c >= 'A' && c <= 'Z')
		return upper_widths[c - 'A'];
	if (c >= '0' && c <= '9')
		return 636;
	if (c == ' ' || c == '.' || c == ',' || c == ':' || c == '/' || c == '|')
		return 335;
	if (c == '-' || c == '(' || c == ')' || c == '[' || c == ']')
		return 390;
	return 800;                           /* anything else: err on the wide side */
}

/* The faces the picture uses (the classes of its style sheet). */
struct face {
	const char *cls;
	int px;
	bool bold;
};
static const struct face NAME0 = { "n0", 12, true };       /* a top-level resource */
static const struct face NAME = { "n", 11, false };        /* other bands */
static const struct face DETAIL = { "d", 10, false };      /* sizes, states */
static const struct face LEGEND = { "l", 11, false };

/* Thousandths of an em to pixels in face f, rounded up. */
static int em_px(unsigned w, const struct face *f)
{
	if (f->bold)
		w += w / 10;
	return (int)((w * (unsigned)f->px + 999) / 1000);
}

static int text_px(const char *s, const struct face *f)
{
	unsigned w = 0;

	for (const char *p = s; *p; p = g_utf8_next_char(p))
		w += char_width(g_utf8_get_char(p));
	return em_px(w, f);
}

/* s, or its longest prefix that fits in px with "…" after it. */
static char *fit(const char *s, int px, const struct face *f)
{
	const unsigned ellipsis = char_width(0x2026);
	const char *end = s;
	unsigned w = 0;

	if (text_px(s, f) <= px)
		return g_strdup(s);
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		w += char_width(g_utf8_get_char(p));
		if (em_px(w + ellipsis, f) > px)
			break;
		end = g_utf8_next_char(p);
	}
	return end == s ? g_strdup("") : g_strdup_printf("%.*s…", (int)(end - s), s);
}

/* XML character data or attribute value: names come from the kernel, and
 * XML 1.0 allows no control characters but tab, newline and return. */
static void put_escaped(GString *o, const char *s)
{
	g_autofree char *valid = g_utf8_make_valid(s, -1);

	for (const char *p = valid; *p; p++) {
		switch (*p) {
		case '&': g_string_append(o, "&amp;"); break;
		case '<': g_string_append(o, "&lt;"); break;
		case '>': g_string_append(o, "&gt;"); break;
		case '"': g_string_append(o, "&quot;"); break;
		case '\'': g_string_append(o, "&#39;"); break;
		default:
			if ((unsigned char)*p < 0x20)
				g_string_append(o, "\xef\xbf\xbd");    /* U+FFFD */
			else
				g_string_append_c(o, *p);
		}
	}
}

static void put_text(GString *o, int x, int y, const char *cls, const char *anchor,
		     const char *s)
{
	g_string_append_printf(o, "<text x=\"%d\" y=\"%d\" class=\"%s\"%s%s%s>", x, y, cls,
			       anchor ? " text-anchor=\"" : "", anchor ? anchor : "",
			       anchor ? "\"" : "");
	put_escaped(o, s);
	g_string_append(o, "</text>\n");
}

static void put_title(GString *o, const char *s)
{
	g_string_append(o, "<title>");
	put_escaped(o, s);
	g_string_append(o, "</title>");
}

static void put_rect(GString *o, int x, int y, int w, int h, const struct map_colour *c)
{
	g_string_append_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			       "fill=\"%s\" stroke=\"%s\"/>", x, y, w, h, c->fill, c->stroke);
}

/* name cut at its last space that leaves a first line fitting in px; false
 * when there is none. */
static bool split_name(const char *name, int px, const struct face *f, char **first,
		       char **rest)
{
	for (const char *sp = name + strlen(name); sp > name; sp--) {
		g_autofree char *head = NULL;

		if (*sp != ' ')
			continue;
		head = g_strndup(name, (gsize)(sp - name));
		if (text_px(head, f) <= px) {
			*first = g_steal_pointer(&head);
			*rest = g_strdup(sp + 1);
			return true;
		}
	}
	return false;
}

/*
 * The label of a band at [x, x + w) x [y, y + h), centred vertically: its name,
 * on two lines if it is too long for one and the band tall enough; its detail
 * on a line of its own when there is room, else after the name when both fit
 * on one line, else not at all (the band's <title> still has it).
 */
static void put_label(GString *o, int x, int y, int w, int h, const struct face *face,
		      const char *name, const char *detail)
{
	int mid = y + h / 2;
	g_autofree char *first = NULL, *rest = NULL;

	if (text_px(name, face) > w && h >= TWO_LINES_PX &&
	    split_name(name, w, face, &first, &rest)) {
		bool with_detail = detail && h >= THREE_LINES_PX;
		int top = mid - (with_detail ? 13 : 6);
		g_autofree char *b = fit(rest, w, face);

		put_text(o, x, top, face->cls, NULL, first);
		put_text(o, x, top + 13, face->cls, NULL, b);
		if (with_detail) {
			g_autofree char *c = fit(detail, w, &DETAIL);

			put_text(o, x, top + 26, DETAIL.cls, NULL, c);
		}
	} else if (h >= TWO_LINES_PX && detail) {
		g_autofree char *a = fit(name, w, face), *b = fit(detail, w, &DETAIL);

		put_text(o, x, mid - 2, face->cls, NULL, a);
		put_text(o, x, mid + 11, DETAIL.cls, NULL, b);
	} else if (detail && text_px(name, face) + 8 + text_px(detail, &DETAIL) <= w) {
		g_string_append_printf(o, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, mid + 4,
				       face->cls);
		put_escaped(o, name);
		g_string_append_printf(o, "<tspan class=\"%s\" dx=\"8\">", DETAIL.cls);
		put_escaped(o, detail);
		g_string_append(o, "</tspan></text>\n");
	} else {
		g_autofree char *a = fit(name, w, face);

		put_text(o, x, mid + 4, face->cls, NULL, a);
	}
}

static char *size_words(uint64_t bytes)
{
	char buf[32];

	map_format_size(bytes, buf, sizeof(buf));
	return g_strdup(buf);
}

/* ------------------------------------------------------------------ layout */

static int y_of(const struct picture *p, uint64_t addr)
{
	return p->at.map_y + map_scale_y(&p->scale, addr);
}

static void lay_out_columns(struct picture *p)
{
	struct layout *at = &p->at;

	at->axis_x = MARGIN + AXIS_W;
	at->res_x = at->axis_x + 10;
	at->res_w = p->bands.depths ? (int)p->bands.depths * COL_W + LEAF_EXTRA : 0;
	at->right = at->res_x + at->res_w;
	if (p->bands.blocks->len) {
		at->blk_x = at->right + (at->res_w ? GAP : 0);
		at->node_x = at->blk_x + BLOCK_W + 6;
		at->right = at->node_x + NODE_W;
	}
	at->width = MAX(at->right + MARGIN, MIN_WIDTH);
}

/* ------------------------------------------------------------------ header */

static void put_header(struct picture *p, const char *title, const char *note)
{
	const struct map_model *m = p->model;
	g_autoptr(GString) sub = g_string_new(NULL);

	put_text(p->out, MARGIN, MARGIN + 16, "t", NULL, title);
	if (m->has_iomem)
		g_string_append_printf(sub, "/proc/iomem: %u resources", m->resources->len);
	if (m->has_memory) {
		g_autofree char *bs = size_words(m->block_size);

		g_string_append_printf(sub, "%s%" PRIu64 " memory blocks", sub->len ? " · " : "",
				       m->n_blocks);
		if (m->block_size)
			g_string_append_printf(sub, " of %s", bs);
	}
	if (note)
		g_string_append_printf(sub, "%s%s", sub->len ? " · " : "", note);
	put_text(p->out, MARGIN, MARGIN + 38, "st", NULL, sub->str);
}

/* ------------------------------------------------------------------ legend */

/* Legend entries flow left to right and wrap. */
struct flow {
	GString *o;
	int x, y, left, right;
};

static void flow_item(struct flow *f, const char *fill, const char *stroke, const char *label)
{
	int w = 16 + 6 + text_px(label, &LEGEND) + 18;

	if (f->x + w > f->right && f->x > f->left) {
		f->x = f->left;
		f->y += 20;
	}
	g_string_append_printf(f->o, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"12\" "
			       "fill=\"%s\" stroke=\"%s\"/>", f->x, f->y - 10, fill, stroke);
	put_text(f->o, f->x + 22, f->y, "l", NULL, label);
	f->x += w;
}

static void flow_heading(struct flow *f, const char *heading)
{
	f->y += 22;
	put_text(f->o, MARGIN, f->y, "lh", NULL, heading);
	f->x = f->left;
}

static int compare_classes(gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	unsigned rx = map_block_class_rank(x), ry = map_block_class_rank(y);

	return rx != ry ? (rx > ry) - (rx < ry) : strcmp(x, y);
}

static int compare_node_sets(gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	bool sx = strchr(x, ',') != NULL, sy = strchr(y, ',') != NULL;
	size_t lx = strlen(x), ly = strlen(y);

	/* single nodes by number, then sets of several */
	if (sx != sy)
		return sx - sy;
	return lx != ly ? (lx > ly) - (lx < ly) : strcmp(x, y);
}

/* The distinct values of what, each once, sorted by cmp. */
static GPtrArray *distinct(GPtrArray *values, GCompareFunc cmp)
{
	GPtrArray *out = g_ptr_array_new();

	g_ptr_array_sort(values, cmp);
	for (guint i = 0; i < values->len; i++)
		if (!i || cmp(&values->pdata[i], &values->pdata[i - 1]))
			g_ptr_array_add(out, values->pdata[i]);
	return out;
}

static void legend_resources(struct picture *p, struct flow *f)
{
	bool seen[MAP_RES_KINDS] = { false };

	for (guint i = 0; i < p->bands.resources->len; i++) {
		const struct map_resource *r = g_ptr_array_index(p->bands.resources, i);

		seen[map_resource_kind(r->name)] = true;
	}
	flow_heading(f, "Resources (/proc/iomem): a nested resource starts one column to the right");
	f->y += 20;
	for (int k = 0; k < MAP_RES_KINDS; k++) {
		const struct map_colour *c = map_resource_colour(k);

		if (seen[k])
			flow_item(f, c->fill, c->stroke, c->legend);
	}
	for (guint i = 0; i < p->scale.pieces->len; i++)
		if (g_array_index(p->scale.pieces, guint8, i) & MAP_PIECE_HOLE) {
			flow_item(f, "url(#hole)", "#bbbbbb", "hole: no resource there");
			break;
		}
}

static void legend_blocks(struct picture *p, struct flow *f)
{
	const struct map_model *m = p->model;
	g_autoptr(GPtrArray) classes = g_ptr_array_new();
	g_autoptr(GPtrArray) nodes = g_ptr_array_new();
	g_autoptr(GPtrArray) classes1 = NULL, nodes1 = NULL;
	g_autofree char *bs = size_words(m->block_size);
	g_autofree char *heading = g_strdup_printf("Memory blocks (%s each, runs of equal state, "
						   "zone and nodes drawn as one band)", bs);
	bool mixed = false;

	for (guint i = 0; i < m->runs->len; i++) {
		const struct map_block_run *r = &g_array_index(m->runs, struct map_block_run, i);

		g_ptr_array_add(classes, (gpointer)map_block_class(r->state, r->zones));
	}
	for (guint i = 0; i < p->bands.nodes->len; i++) {
		const struct map_node_band *n = &g_array_index(p->bands.nodes, struct map_node_band, i);

		if (*n->nodes)
			g_ptr_array_add(nodes, n->nodes);
	}
	for (guint i = 0; i < p->bands.blocks->len; i++)
		mixed |= g_array_index(p->bands.blocks, struct map_block_band, i).mixed;
	classes1 = distinct(classes, compare_classes);
	nodes1 = distinct(nodes, compare_node_sets);

	flow_heading(f, heading);
	f->y += 20;
	for (guint i = 0; i < classes1->len; i++) {
		const char *cls = classes1->pdata[i];
		const struct map_colour *c = map_block_colour(cls);
		g_autofree char *other = g_strdup_printf("online, zone %s", cls);

		flow_item(f, c->fill, c->stroke, c->legend ? c->legend : other);
	}
	if (mixed) {
		g_autofree char *what = g_strdup_printf("mixed: a group of %" PRIu64 " blocks holding "
							"several runs (counted in its label)",
							p->bands.blocks_per_group);

		flow_item(f, "url(#mixed)", "#666666", what);
	}
	if (!nodes1->len)
		return;
	flow_heading(f, "Nodes (the memoryN/nodeK links)");
	f->y += 20;
	for (guint i = 0; i < nodes1->len; i++) {
		const char *n = nodes1->pdata[i];
		const struct map_colour *c = map_node_colour(n);
		g_autofree char *label = g_strdup_printf(strchr(n, ',') ? "nodes %s" : "node%s", n);

		flow_item(f, c->fill, c->stroke, label);
	}
}

/* The scale, explained and shown: a bar per size, as tall as its piece, to
 * the right of the words if there is room, else below them. */
static void legend_scale(struct flow *f)
{
	static const uint64_t sizes[] = { 4096, UINT64_C(1) << 20, UINT64_C(1) << 30,
					  UINT64_C(1) << 40 };
	static const char *const lines[] = {
		"Addresses grow downwards and are cut at every edge of a band.",
		"Each piece between two cuts is " G_STRINGIFY(MAP_SCALE_MIN_PX)
		" px tall at 4 KiB or less,",
		"plus " G_STRINGIFY(MAP_SCALE_DOUBLING_PX) " px per doubling of its size: "
		"1 KiB and 4 TiB both show.",
		"A hole is " G_STRINGIFY(MAP_SCALE_HOLE_PX) " px tall whatever its size, "
		"which its label gives.",
		"The axis gives the address of every cut in hex (a band ends",
		"where the next address begins).",
	};
	GString *o = f->o;
	int text_w = 0, ruler_w = 0, x, base;

	flow_heading(f, "Scale (piecewise logarithmic)");
	for (unsigned i = 0; i < G_N_ELEMENTS(lines); i++) {
		put_text(o, MARGIN, f->y + 16 * (int)(i + 1), "l", NULL, lines[i]);
		text_w = MAX(text_w, text_px(lines[i], &LEGEND));
	}
	for (unsigned i = 0; i <= G_N_ELEMENTS(sizes); i++) {
		g_autofree char *what = i < G_N_ELEMENTS(sizes) ? size_words(sizes[i]) :
								 g_strdup("any hole");

		ruler_w += 34 + text_px(what, &LEGEND) + 22;
	}
	if (MARGIN + text_w + 40 + ruler_w <= f->right) {
		x = MARGIN + text_w + 40;
		base = f->y + 16 * (int)G_N_ELEMENTS(lines);
	} else {
		x = MARGIN;
		base = f->y + 16 * (int)G_N_ELEMENTS(lines) + 14 +
		       map_scale_piece_px(sizes[G_N_ELEMENTS(sizes) - 1]);
	}
	for (unsigned i = 0; i <= G_N_ELEMENTS(sizes); i++) {
		bool hole = i == G_N_ELEMENTS(sizes);
		int h = hole ? MAP_SCALE_HOLE_PX : map_scale_piece_px(sizes[i]);
		g_autofree char *what = hole ? g_strdup("any hole") : size_words(sizes[i]);
		g_autofree char *px = g_strdup_printf("%d px", h);

		g_string_append_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"28\" height=\"%d\" "
				       "fill=\"%s\" stroke=\"%s\"/>", x, base - h, h,
				       hole ? "url(#hole)" : "#dff1d8", hole ? "#bbbbbb" : "#5aae61");
		put_text(o, x + 34, base - 14, "l", NULL, what);
		put_text(o, x + 34, base - 2, "d", NULL, px);
		x += 34 + text_px(what, &LEGEND) + 22;
	}
	f->y = base;
}

static void legend_bounds(struct picture *p, struct flow *f)
{
	const struct map_bands *b = &p->bands;

	if (b->resources_left_out) {
		g_autofree char *s = b->top_level_cut ?
			g_strdup_printf("Not drawn: %u resources, the smallest top-level ones and all "
					"nested ones (at most %d resources are drawn).",
					b->resources_left_out, MAP_MAX_RESOURCES) :
			g_strdup_printf("Not drawn: %u resources nested %u or more levels deep (at most "
					"%d resources and %d levels are drawn).",
					b->resources_left_out, b->depths, MAP_MAX_RESOURCES,
					MAP_MAX_DEPTH);

		f->y += 22;
		put_text(f->o, MARGIN, f->y, "lh", NULL, s);
	}
}

static void put_legend(struct picture *p, int y)
{
	struct flow f = { p->out, MARGIN, y, MARGIN, p->at.width - MARGIN };

	if (p->model->has_iomem)
		legend_resources(p, &f);
	if (p->bands.blocks->len)
		legend_blocks(p, &f);
	legend_scale(&f);
	legend_bounds(p, &f);
	p->at.map_y = f.y + 52;
}

/* --------------------------------------------------------------------- map */

static void put_column_headings(struct picture *p)
{
	int y = p->at.map_y - 14;

	put_text(p->out, p->at.axis_x, y, "ch", "end", "address");
	if (p->at.res_w)
		put_text(p->out, p->at.res_x, y, "ch", NULL, "/proc/iomem");
	if (p->at.blk_x) {
		put_text(p->out, p->at.blk_x, y, "ch", NULL, "memory blocks");
		put_text(p->out, p->at.node_x, y, "ch", NULL, "node");
	}
}

static void put_holes(struct picture *p)
{
	const struct map_scale *s = &p->scale;
	int label_x = p->at.res_w ? p->at.res_x + p->at.res_w / 2 :
				    p->at.res_x + (p->at.right - p->at.res_x) / 2;

	g_string_append(p->out, "<g id=\"holes\">\n");
	for (guint i = 0; i + 1 < s->cuts->len; i++) {
		uint64_t a = g_array_index(s->cuts, uint64_t, i);
		uint64_t b = g_array_index(s->cuts, uint64_t, i + 1);
		int y = y_of(p, a), h = y_of(p, b) - y;
		guint8 piece = g_array_index(s->pieces, guint8, i);
		/* across the block columns too where there are no blocks */
		int right = piece & MAP_PIECE_BLOCKS ? p->at.res_x + p->at.res_w : p->at.right;
		g_autofree char *size = NULL, *label = NULL;

		if (!(piece & MAP_PIECE_HOLE))
			continue;
		size = size_words(b - a);
		label = g_strdup_printf("hole · %s", size);
		g_string_append_printf(p->out, "<g class=\"hole\" data-start=\"0x%08" PRIx64
				       "\" data-end=\"0x%08" PRIx64 "\">", a, b - 1);
		g_string_append_printf(p->out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				       "fill=\"url(#hole)\"/>", p->at.res_x, y, right - p->at.res_x, h);
		put_text(p->out, label_x, y + h / 2 + 4, "h", "middle", label);
		g_string_append(p->out, "</g>\n");
	}
	g_string_append(p->out, "</g>\n");
}

static void put_resources(struct picture *p)
{
	const GPtrArray *rs = p->bands.resources;

	g_string_append(p->out, "<g id=\"resources\">\n");
	for (guint i = 0; i < rs->len; i++) {
		const struct map_resource *r = g_ptr_array_index(rs, i);
		const struct map_resource *next = i + 1 < rs->len ? g_ptr_array_index(rs, i + 1) : NULL;
		bool parent = next && next->depth > r->depth;
		uint64_t end = map_exclusive_end(r->end);
		int x = p->at.res_x + (int)r->depth * COL_W;
		int w = p->at.res_w - (int)r->depth * (COL_W + NEST_INSET);
		int y = y_of(p, r->start), h = y_of(p, end) - y;
		g_autofree char *size = size_words(end - r->start);
		g_autofree char *tip = g_strdup_printf("%s: %08" PRIx64 "-%08" PRIx64 " (%s)",
						       r->name, r->start, r->end, size);

		g_string_append_printf(p->out, "<g class=\"res\" data-start=\"0x%08" PRIx64
				       "\" data-end=\"0x%08" PRIx64 "\" data-depth=\"%u\" data-name=\"",
				       r->start, r->end, r->depth);
		put_escaped(p->out, r->name);
		g_string_append(p->out, "\">");
		put_title(p->out, tip);
		put_rect(p->out, x, y, w, h, map_resource_colour(map_resource_kind(r->name)));
		put_label(p->out, x + 6, y, (parent ? COL_W : w) - 12, h, r->depth ? &NAME : &NAME0,
			  r->name, size);
		g_string_append(p->out, "</g>\n");
	}
	g_string_append(p->out, "</g>\n");
}

/* "online Normal", "offline" ...: a run's state and zone in words. */
static char *run_words(const struct map_block_run *r)
{
	if (strcmp(r->state, "online") == 0)
		return strcmp(r->zones, "none") == 0 ? g_strdup("online, spans zones") :
						       g_strdup_printf("online %s", r->zones);
	return g_strdup(r->state);
}

/* Blocks added up by a key, keys in order of first appearance. */
struct tally {
	GPtrArray *keys;
	GArray *sums;             /* uint64_t */
};

static void tally_add(struct tally *t, char *key, uint64_t n)
{
	guint k = 0;

	while (k < t->keys->len && strcmp(t->keys->pdata[k], key) != 0)
		k++;
	if (k == t->keys->len) {
		g_ptr_array_add(t->keys, key);
		g_array_set_size(t->sums, k + 1);
	} else {
		g_free(key);
	}
	g_array_index(t->sums, uint64_t, k) += n;
}

/* "KEY|N;KEY|N" or, with count_first, "N KEY, N KEY". */
static void tally_print(const struct tally *t, bool count_first, GString *out)
{
	for (guint k = 0; k < t->keys->len; k++) {
		const char *key = t->keys->pdata[k];
		uint64_t n = g_array_index(t->sums, uint64_t, k);

		if (count_first)
			g_string_append_printf(out, "%s%" PRIu64 " %s", k ? ", " : "", n, key);
		else
			g_string_append_printf(out, "%s%s|%" PRIu64, k ? ";" : "", key, n);
	}
}

/*
 * data-counts: "STATE|VALID_ZONES|N;..." for the blocks of the band, one
 * entry per distinct state and valid_zones (so its length does not grow with
 * the runs a mixed band stands for), and the band's detail in words.
 */
static void describe_blocks(const struct map_model *m, const struct map_block_band *b,
			    GString *counts, GString *detail)
{
	g_autoptr(GPtrArray) count_keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) word_keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) count_sums = g_array_new(FALSE, TRUE, sizeof(uint64_t));
	g_autoptr(GArray) word_sums = g_array_new(FALSE, TRUE, sizeof(uint64_t));
	struct tally by_key = { count_keys, count_sums }, by_words = { word_keys, word_sums };
	const struct map_block_run *run = &g_array_index(m->runs, struct map_block_run, b->run_first);

	for (guint i = b->run_first; i <= b->run_last; i++) {
		const struct map_block_run *r = &g_array_index(m->runs, struct map_block_run, i);
		uint64_t n = map_band_blocks_in_run(m, b, i);

		tally_add(&by_key, g_strdup_printf("%s|%s", r->state, r->zones), n);
		tally_add(&by_words, run_words(r), n);
	}
	tally_print(&by_key, false, counts);
	if (b->mixed) {
		/* "2048 online Normal, 2048 offline" */
		tally_print(&by_words, true, detail);
		return;
	}
	g_string_append(detail, word_keys->pdata[0]);
	if (strcmp(run->state, "online") != 0 && *run->zones)
		g_string_append_printf(detail, " (valid_zones: %s)", run->zones);
	if (b->last > b->first)
		g_string_append_printf(detail, " · %" PRIu64 " blocks", b->last - b->first + 1);
}

static void put_block_band(struct picture *p, const struct map_block_band *b)
{
	static const struct map_colour mixed = { "url(#mixed)", "#666666", NULL };
	const struct map_model *m = p->model;
	const struct map_block_run *run = &g_array_index(m->runs, struct map_block_run, b->run_first);
	g_autoptr(GString) counts = g_string_new(NULL), detail = g_string_new(NULL);
	g_autofree char *name = b->first == b->last ?
		g_strdup_printf("memory%" PRIu64, b->first) :
		g_strdup_printf("memory%" PRIu64 "–%" PRIu64, b->first, b->last);
	g_autofree char *bs = size_words(m->block_size), *tip = NULL;
	int y = y_of(p, b->start), h = y_of(p, b->end) - y;

	describe_blocks(m, b, counts, detail);
	tip = g_strdup_printf("%s: %" PRIu64 " blocks of %s, %s, %s%s", name,
			      b->last - b->first + 1, bs, detail->str,
			      strchr(b->nodes, ',') ? "nodes " : "node", b->nodes);
	g_string_append_printf(p->out, "<g class=\"blk\" data-first=\"%" PRIu64 "\" data-last=\"%"
			       PRIu64 "\" data-nodes=\"%s\" data-counts=\"", b->first, b->last,
			       b->nodes);
	put_escaped(p->out, counts->str);
	if (!b->mixed) {
		g_string_append(p->out, "\" data-state=\"");
		put_escaped(p->out, run->state);
		g_string_append(p->out, "\" data-zones=\"");
		put_escaped(p->out, run->zones);
	}
	g_string_append(p->out, "\">");
	put_title(p->out, tip);
	put_rect(p->out, p->at.blk_x, y, BLOCK_W, h,
		 b->mixed ? &mixed : map_block_colour(map_block_class(run->state, run->zones)));
	put_label(p->out, p->at.blk_x + 6, y, BLOCK_W - 12, h, &NAME, name, detail->str);
	g_string_append(p->out, "</g>\n");
}

static void put_blocks(struct picture *p)
{
	g_string_append(p->out, "<g id=\"blocks\">\n");
	for (guint i = 0; i < p->bands.blocks->len; i++)
		put_block_band(p, &g_array_index(p->bands.blocks, struct map_block_band, i));
	g_string_append(p->out, "</g>\n<g id=\"nodes\">\n");
	for (guint i = 0; i < p->bands.nodes->len; i++) {
		const struct map_node_band *n = &g_array_index(p->bands.nodes, struct map_node_band, i);
		int y = y_of(p, n->start), h = y_of(p, n->end) - y;
		g_autofree char *label = NULL;

		if (!*n->nodes)
			continue;
		label = g_strdup_printf(strchr(n->nodes, ',') ? "nodes %s" : "node%s", n->nodes);
		g_string_append_printf(p->out, "<g class=\"node\" data-nodes=\"%s\">", n->nodes);
		put_rect(p->out, p->at.node_x, y, NODE_W, h, map_node_colour(n->nodes));
		put_label(p->out, p->at.node_x + 6, y, NODE_W - 12, h, &NAME, label, NULL);
		g_string_append(p->out, "</g>\n");
	}
	g_string_append(p->out, "</g>\n");
}

static void put_axis(struct picture *p)
{
	const struct map_scale *s = &p->scale;
	int x = p->at.axis_x;

	g_string_append(p->out, "<g id=\"axis\">\n");
	for (guint i = 0; i < s->cuts->len; i++) {
		uint64_t a = g_array_index(s->cuts, uint64_t, i);
		int y = y_of(p, a);
		char hex[24];

		/* the axis itself: solid over what is there, dotted over holes */
		if (i + 1 < s->cuts->len) {
			int next = y_of(p, g_array_index(s->cuts, uint64_t, i + 1));
			bool hole = g_array_index(s->pieces, guint8, i) & MAP_PIECE_HOLE;

			g_string_append_printf(p->out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
					       "y2=\"%d\"%s/>", x, y, x, next,
					       hole ? " stroke-dasharray=\"2 3\"" : "");
		}
		g_string_append_printf(p->out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
				       x - 4, y, p->at.res_x, y);
		snprintf(hex, sizeof(hex), "0x%08" PRIx64, a);
		put_text(p->out, x - 7, y + 4, "a", "end", hex);
	}
	g_string_append(p->out, "</g>\n");
}

/* ------------------------------------------------------------------ the file */

static const char style[] =
	"<style>\n"
	"text{font-family:" FONT ";font-size:11px;fill:#222}\n"
	".t{font-size:20px;font-weight:bold;fill:#111}\n"
	".st{font-size:12px;fill:#555}\n"
	".n0{font-size:12px;font-weight:bold}\n"
	".d{font-size:10px;fill:#555}\n"
	".a{font-family:" MONO ";font-size:10px;fill:#444}\n"
	".h{font-size:10px;font-style:italic;fill:#777}\n"
	".lh{font-weight:bold;fill:#333}\n"
	".l{fill:#333}\n"
	".ch{font-size:11px;font-weight:bold;fill:#555}\n"
	"rect{stroke-width:1;shape-rendering:crispEdges}\n"
	"#axis line{stroke:#666;stroke-width:1;shape-rendering:crispEdges}\n"
	"</style>\n";

/* Hatches: holes, offline blocks, blocks going offline, mixed bands, blocks
 * of several nodes. */
#define HATCH(id, size, angle, ground, line, width)					\
	"<pattern id=\"" id "\" width=\"" size "\" height=\"" size "\" "			\
	"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(" angle ")\">"		\
	"<rect width=\"" size "\" height=\"" size "\" fill=\"" ground "\" stroke=\"none\"/>"	\
	"<rect width=\"" width "\" height=\"" size "\" fill=\"" line "\" stroke=\"none\"/>"	\
	"</pattern>\n"

static const char patterns[] =
	"<defs>\n"
	HATCH("hole", "8", "45", "#fafafa", "#e2e2e2", "2")
	HATCH("offline", "6", "-45", "#ffffff", "#c8c8c8", "1.5")
	HATCH("going-offline", "8", "-45", "#f9d2cc", "#ec9a8f", "3")
	HATCH("several-nodes", "8", "45", "#c5b8dc", "#f6cf9f", "4")
	"<pattern id=\"mixed\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"8\" height=\"8\" fill=\"#eeeeee\" stroke=\"none\"/>"
	"<rect width=\"4\" height=\"4\" fill=\"#cccccc\" stroke=\"none\"/>"
	"<rect x=\"4\" y=\"4\" width=\"4\" height=\"4\" fill=\"#cccccc\" stroke=\"none\"/>"
	"</pattern>\n"
	"</defs>\n";

void map_svg_write(const struct map_model *model, const char *title, const char *note,
		   GString *out)
{
	struct picture p = { .model = model, .out = g_string_new(NULL) };

	map_bands_build(model, &p.bands);
	map_scale_build(model, &p.bands, &p.scale);
	lay_out_columns(&p);
	put_header(&p, title, note);
	put_legend(&p, MARGIN + 50);
	put_column_headings(&p);
	put_holes(&p);
	put_resources(&p);
	if (p.bands.blocks->len)
		put_blocks(&p);
	put_axis(&p);
	p.at.height = p.at.map_y + p.scale.height + MARGIN;

	g_string_append_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			       "viewBox=\"0 0 %d %d\">\n", p.at.width, p.at.height, p.at.width,
			       p.at.height);
	put_title(out, title);
	g_string_append(out, "\n");
	g_string_append(out, style);
	g_string_append(out, patterns);
	g_string_append_printf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\" "
			       "stroke=\"none\"/>\n", p.at.width, p.at.height);
	g_string_append_len(out, p.out->str, (gssize)p.out->len);
	g_string_append(out, "</svg>\n");

	g_string_free(p.out, TRUE);
	map_scale_clear(&p.scale);
	map_bands_clear(&p.bands);
}
