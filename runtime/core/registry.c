// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The marker registry: names, their probes, their arm counts, and the sites
 * of the loaded objects that carry them.
 *
 * Everything here runs under the registry lock; the fast path (dispatch.c)
 * never takes it.  Probe arrays are replaced, never edited in place: a site
 * points at an immutable NULL-terminated array published with
 * host_assign(); a replaced array is retired and freed only after a grace
 * period (marker_synchronize_unregister(), or when too many are waiting).
 *
 * A name's entry exists while anything refers to it: a probe, an arm count or
 * a loaded site.  Probes registered on a name with no loaded site stay
 * pending; sites of objects loaded later pick them up.
 */
#include "host.h"
#include "format.h"
#include "registry.h"

struct marker_object {
	struct marker_object *next;
	struct marker *start, *stop;
	char *name;
	int refcount; /* translation units of the object that announced it */
};

struct marker_entry {
	struct marker_entry *next; /* hash chain */
	char *name;
	char *format; /* the probes' format; NULL: any */
	struct marker *sites; /* loaded sites, chained through marker.next */
	struct marker_probe_closure *probes; /* NULL or NULL-terminated array */
	int nprobes;
	int armed;
};

#define ENTRY_BUCKETS 256

static struct marker_entry *entries[ENTRY_BUCKETS];
static struct marker_object *objects;
static struct marker_probe_closure *retired[MARKER_RETIRED_MAX];
static int nretired;

static unsigned int hash_name(const char *s)
{
	unsigned int h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % ENTRY_BUCKETS;
}

static struct marker_entry *find_entry(const char *name)
{
	struct marker_entry *e;

	for (e = entries[hash_name(name)]; e; e = e->next)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

static struct marker_entry *get_entry(const char *name)
{
	struct marker_entry *e = find_entry(name);
	unsigned int h;

	if (e)
		return e;
	e = host_zalloc(sizeof(*e));
	if (!e)
		return NULL;
	e->name = host_strdup(name);
	if (!e->name) {
		host_free(e);
		return NULL;
	}
	h = hash_name(name);
	e->next = entries[h];
	entries[h] = e;
	return e;
}

/* Drop an entry nothing refers to any more. */
static void put_entry(struct marker_entry *e)
{
	struct marker_entry **pp;

	if (e->sites || e->nprobes || e->armed)
		return;
	for (pp = &entries[hash_name(e->name)]; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	host_free(e->format);
	host_free(e->name);
	host_free(e);
}

/* Free every retired array after a grace period.  Called with the lock held
 * when the list is full; readers never take the lock, so this cannot
 * deadlock. */
static void flush_retired_locked(void)
{
	int i;

	if (!nretired)
		return;
	host_synchronize();
	for (i = 0; i < nretired; i++)
		host_free(retired[i]);
	nretired = 0;
}

static void retire(struct marker_probe_closure *old)
{
	if (!old)
		return;
	if (nretired == MARKER_RETIRED_MAX)
		flush_retired_locked();
	retired[nretired++] = old;
}

static const char *object_name(const struct marker *m)
{
	const struct marker_object *o = m->object;

	return o && o->name ? o->name : "?";
}

/*
 * Turn a site off.  A thread may have seen state set just before we clear it
 * and be on its way into the read side: it must find NULL, not an array we
 * may free after a grace period it is not part of.
 */
static void site_off(struct marker *m)
{
	host_assign(m->probes, NULL);
	if (m->state) {
		__atomic_store_n(&m->state, 0, __ATOMIC_RELAXED);
		__atomic_sub_fetch(m->semaphore, 1, __ATOMIC_RELAXED);
		host_site_changed(m);
	}
}

/* Turn one site on or off to match its entry; keep the SDT semaphore in step. */
static void update_site(struct marker_entry *e, struct marker *m)
{
	int want = e->armed > 0 && e->nprobes > 0 &&
		   !(m->flags & (MARKER_SITE_BAD_FORMAT | MARKER_SITE_MISMATCH));

	if (want) {
		host_assign(m->probes, e->probes);
		if (!m->state) {
			__atomic_store_n(&m->state, 1, __ATOMIC_RELEASE);
			__atomic_add_fetch(m->semaphore, 1, __ATOMIC_RELAXED);
			host_site_changed(m);
		}
	} else {
		site_off(m);
	}
}

/* Recompute the format-mismatch flag of a site against the probes' format. */
static void check_site_format(struct marker_entry *e, struct marker *m)
{
	int mismatch = e->format && strcmp(e->format, m->format);

	if (mismatch && !(m->flags & MARKER_SITE_MISMATCH))
		host_log("Format mismatch for probe %s (%s), marker (%s) in %s", e->name, e->format,
			 m->format, object_name(m));
	if (mismatch)
		m->flags |= MARKER_SITE_MISMATCH;
	else
		m->flags &= ~MARKER_SITE_MISMATCH;
}

static void update_entry_sites(struct marker_entry *e)
{
	struct marker *m;

	for (m = e->sites; m; m = m->next) {
		check_site_format(e, m);
		update_site(e, m);
	}
}

/* Is a probe with this format acceptable given the loaded sites? */
static int format_fits_sites(const struct marker_entry *e, const char *format)
{
	const struct marker *m;

	if (!format || !e->sites)
		return 1;
	for (m = e->sites; m; m = m->next)
		if (!(m->flags & MARKER_SITE_BAD_FORMAT) && !strcmp(m->format, format))
			return 1;
	return 0;
}

/* A copy of e's probe array with probe added (add) or removed (!add). */
static struct marker_probe_closure *new_probe_array(const struct marker_entry *e,
						    marker_probe_func *probe, void *priv, int add)
{
	struct marker_probe_closure *arr;
	int i, n = 0;

	arr = host_zalloc(sizeof(*arr) * (size_t)(e->nprobes + 2));
	if (!arr)
		return NULL;
	for (i = 0; i < e->nprobes; i++) {
		if (!add && e->probes[i].func == probe && e->probes[i].probe_private == priv)
			continue;
		arr[n++] = e->probes[i];
	}
	if (add) {
		arr[n].func = probe;
		arr[n].probe_private = priv;
	}
	return arr;
}

static int find_probe(const struct marker_entry *e, marker_probe_func *probe, void *priv)
{
	int i;

	for (i = 0; i < e->nprobes; i++)
		if (e->probes[i].func == probe && e->probes[i].probe_private == priv)
			return i;
	return -1;
}

/* Publish a new probe array for e (NULL when it has no probe left). */
static void replace_probes(struct marker_entry *e, struct marker_probe_closure *arr, int nprobes)
{
	struct marker_probe_closure *old = e->probes;

	e->probes = nprobes ? arr : NULL;
	e->nprobes = nprobes;
	if (!nprobes) {
		host_free(arr);
		host_free(e->format); /* the next probe may bring another format */
		e->format = NULL;
	}
	update_entry_sites(e);
	retire(old);
}

static int check_format(const char *name, const char *format)
{
	const char *err;
	int off;

	if (marker_format_count(format, &err, &off) >= 0)
		return 0;
	host_log("marker %s: bad format \"%s\": %s at offset %d", name, format, err, off);
	return -EINVAL;
}

int marker_probe_register(const char *name, const char *format, marker_probe_func *probe,
			  void *probe_private)
{
	struct marker_entry *e;
	struct marker_probe_closure *arr;
	char *fmt_copy = NULL;
	int ret = 0;

	if (!name || !*name || !probe)
		return -EINVAL;
	if (format && check_format(name, format))
		return -EINVAL;

	host_registry_lock();
	e = get_entry(name);
	if (!e) {
		ret = -ENOMEM;
		goto out;
	}
	if (find_probe(e, probe, probe_private) >= 0) {
		ret = -EEXIST;
		goto out;
	}
	if (format && e->format && strcmp(format, e->format)) {
		host_log("Format mismatch for probe %s (%s), marker (%s)", name, format, e->format);
		ret = -EPERM;
		goto out;
	}
	if (format && !format_fits_sites(e, format)) {
		host_log("Format mismatch for probe %s (%s), marker (%s) in %s", name, format,
			 e->sites->format, object_name(e->sites));
		ret = -EPERM;
		goto out;
	}
	if (format && !e->format) {
		fmt_copy = host_strdup(format);
		if (!fmt_copy) {
			ret = -ENOMEM;
			goto out;
		}
	}
	arr = new_probe_array(e, probe, probe_private, 1);
	if (!arr) {
		host_free(fmt_copy);
		ret = -ENOMEM;
		goto out;
	}
	if (fmt_copy)
		e->format = fmt_copy;
	replace_probes(e, arr, e->nprobes + 1);
out:
	if (e)
		put_entry(e);
	host_registry_unlock();
	return ret;
}

/* Remove one (probe, private) pair from e; 0 or -ENOENT, -ENOMEM. */
static int remove_probe(struct marker_entry *e, marker_probe_func *probe, void *priv)
{
	struct marker_probe_closure *arr;

	if (find_probe(e, probe, priv) < 0)
		return -ENOENT;
	arr = new_probe_array(e, probe, priv, 0);
	if (!arr)
		return -ENOMEM;
	replace_probes(e, arr, e->nprobes - 1);
	return 0;
}

int marker_probe_unregister(const char *name, marker_probe_func *probe, void *probe_private)
{
	struct marker_entry *e;
	int ret;

	if (!name)
		return -EINVAL;
	host_registry_lock();
	e = find_entry(name);
	ret = e ? remove_probe(e, probe, probe_private) : -ENOENT;
	if (e)
		put_entry(e);
	host_registry_unlock();
	return ret;
}

int marker_probe_unregister_private_data(marker_probe_func *probe, void *probe_private)
{
	struct marker_entry *e, *next;
	int i, found = 0, ret = 0;

	host_registry_lock();
	for (i = 0; i < ENTRY_BUCKETS; i++) {
		for (e = entries[i]; e; e = next) {
			next = e->next;
			if (find_probe(e, probe, probe_private) < 0)
				continue;
			found = 1;
			if (remove_probe(e, probe, probe_private))
				ret = -ENOMEM;
			put_entry(e);
		}
	}
	host_registry_unlock();
	return ret ? ret : found ? 0 : -ENOENT;
}

int marker_probe_unregister_matching(int (*match)(const char *name, marker_probe_func *probe,
						  void *probe_private, void *arg),
				     void *arg)
{
	struct marker_entry *e, *next;
	int i, j, n = 0;

	host_registry_lock();
	for (i = 0; i < ENTRY_BUCKETS; i++) {
		for (e = entries[i]; e; e = next) {
			next = e->next;
			for (j = 0; j < e->nprobes; j++) {
				struct marker_probe_closure p = e->probes[j];

				if (!match(e->name, p.func, p.probe_private, arg) ||
				    remove_probe(e, p.func, p.probe_private))
					continue;
				n++;
				j = -1; /* a new array: look again from its start */
			}
			put_entry(e);
		}
	}
	host_registry_unlock();
	return n;
}

int marker_arm(const char *name)
{
	struct marker_entry *e;
	int ret = 0;

	if (!name)
		return -EINVAL;
	host_registry_lock();
	e = find_entry(name);
	if (!e || !e->nprobes) {
		ret = -ENOENT;
	} else {
		e->armed++;
		update_entry_sites(e);
	}
	host_registry_unlock();
	return ret;
}

int marker_disarm(const char *name)
{
	struct marker_entry *e;
	int ret = 0;

	if (!name)
		return -EINVAL;
	host_registry_lock();
	e = find_entry(name);
	if (!e) {
		ret = -ENOENT;
	} else if (!e->armed) {
		ret = -EINVAL;
	} else {
		e->armed--;
		update_entry_sites(e);
		put_entry(e);
	}
	host_registry_unlock();
	return ret;
}

void marker_synchronize_unregister(void)
{
	struct marker_probe_closure **batch; /* on the heap: kernel stacks are small */
	int i, n;

	host_registry_lock();
	n = nretired;
	batch = n ? host_zalloc(sizeof(*batch) * (size_t)n) : NULL;
	if (n && !batch) {
		flush_retired_locked(); /* no memory: wait with the lock held */
		host_registry_unlock();
		return;
	}
	for (i = 0; i < n; i++)
		batch[i] = retired[i];
	nretired = 0;
	host_registry_unlock();

	host_synchronize();
	for (i = 0; i < n; i++)
		host_free(batch[i]);
	host_free(batch);
}

/* Report a name defined with two formats, once per new format. */
static void check_conflict(struct marker_entry *e, struct marker *m)
{
	struct marker *s, *other = NULL;

	for (s = e->sites; s; s = s->next) {
		if (!strcmp(s->format, m->format))
			return; /* this format is known already: reported before, if at all */
		other = s;
	}
	if (!other)
		return;
	host_log("marker %s has two formats: \"%s\" in %s and \"%s\" in %s", e->name, other->format,
		 object_name(other), m->format, object_name(m));
	for (s = e->sites; s; s = s->next)
		s->flags |= MARKER_SITE_CONFLICT;
	m->flags |= MARKER_SITE_CONFLICT;
}

static void add_site(struct marker_object *obj, struct marker *m)
{
	struct marker_entry *e;

	m->object = obj;
	m->flags = 0;
	m->state = 0;
	m->probes = NULL;
	m->next = NULL;
	if (check_format(m->name, m->format))
		m->flags |= MARKER_SITE_BAD_FORMAT;
	e = get_entry(m->name);
	if (!e) {
		host_log("marker %s: out of memory, site ignored", m->name);
		m->object = NULL;
		return;
	}
	check_conflict(e, m);
	m->next = e->sites;
	e->sites = m;
	check_site_format(e, m);
	update_site(e, m);
}

static void remove_site(struct marker *m)
{
	struct marker_entry *e = find_entry(m->name);
	struct marker **pp;

	if (!e)
		return;
	for (pp = &e->sites; *pp; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	}
	site_off(m);
	m->next = NULL;
	m->object = NULL;
	put_entry(e);
}

void __markers_register_object(struct marker *start, struct marker *stop)
{
	struct marker_object *o;
	struct marker *m;

	if (!start || start >= stop)
		return;
	host_registry_lock();
	for (o = objects; o; o = o->next) {
		if (o->start == start) {
			o->refcount++;
			goto out;
		}
	}
	o = host_zalloc(sizeof(*o));
	if (!o) {
		host_log("out of memory: markers of an object ignored");
		goto out;
	}
	o->start = start;
	o->stop = stop;
	o->refcount = 1;
	o->name = host_object_name(start);
	o->next = objects;
	objects = o;
	for (m = start; m < stop; m++)
		add_site(o, m);
out:
	host_registry_unlock();
}

void __markers_unregister_object(struct marker *start, struct marker *stop)
{
	struct marker_object **pp, *o;
	struct marker *m;

	if (!start || start >= stop)
		return;
	host_registry_lock();
	for (pp = &objects; (o = *pp); pp = &o->next)
		if (o->start == start)
			break;
	if (!o || --o->refcount > 0)
		goto out;
	*pp = o->next;
	for (m = start; m < stop; m++)
		if (m->object == o)
			remove_site(m);
	host_free(o->name);
	host_free(o);
out:
	host_registry_unlock();
}

int marker_for_each(int (*fn)(const struct marker_info *info, void *arg), void *arg)
{
	struct marker_entry *e;
	struct marker_info info;
	struct marker *m;
	int i, ret = 0;

	host_registry_lock();
	for (i = 0; i < ENTRY_BUCKETS && !ret; i++) {
		for (e = entries[i]; e && !ret; e = e->next) {
			info.name = e->name;
			info.nprobes = e->nprobes;
			info.armed = e->armed;
			if (!e->sites) {
				info.format = e->format;
				info.object = NULL;
				info.site = NULL;
				info.state = 0;
				ret = fn(&info, arg);
			}
			for (m = e->sites; m && !ret; m = m->next) {
				info.format = m->format;
				info.object = object_name(m);
				info.site = m;
				info.state = m->state;
				ret = fn(&info, arg);
			}
		}
	}
	host_registry_unlock();
	return ret;
}
