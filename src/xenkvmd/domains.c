#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "src/xenkvmd/domains.h"

void domains_init(struct domains *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->next_domid = 1;
}

static uint32_t alloc_domid(struct domains *ds)
{
	/* Like Xen, hand out increasing ids and wrap, skipping ones in use. */
	for (uint32_t tries = 0; tries < DOM_MAX_DOMID; tries++) {
		uint32_t id = ds->next_domid;

		ds->next_domid = id >= DOM_MAX_DOMID ? 1 : id + 1;
		if (!domains_by_id(ds, id))
			return id;
	}
	return 0;
}

uint64_t dom_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct domain *domains_add(struct domains *ds, const char *name)
{
	struct domain *d;

	if (!dom_name_valid(name)) {
		errno = EINVAL;
		return NULL;
	}
	if (domains_by_name(ds, name)) {
		errno = EEXIST;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domid = alloc_domid(ds);
	if (!d->domid) {
		free(d);
		errno = ENOSPC;
		return NULL;
	}
	snprintf(d->name, sizeof(d->name), "%s", name);
	dom_uuid_generate(d->uuid);
	d->shutdown_reason = -1;
	d->link_fd = -1;
	d->ram_fd = -1;
	d->create_reply_fd = -1;
	d->start_ns = dom_now_ns();
	/* Keep the list sorted by domid, as xl list prints it. */
	struct domain **pp = &ds->head;
	while (*pp && (*pp)->domid < d->domid)
		pp = &(*pp)->next;
	d->next = *pp;
	*pp = d;
	return d;
}

void domains_remove(struct domains *ds, struct domain *d)
{
	for (struct domain **pp = &ds->head; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			free(d->spec);
			free(d->create_cfg);
			free(d);
			return;
		}
	}
}

void domains_clear(struct domains *ds)
{
	while (ds->head)
		domains_remove(ds, ds->head);
}

struct domain *domains_by_id(struct domains *ds, uint32_t domid)
{
	for (struct domain *d = ds->head; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

struct domain *domains_by_name(struct domains *ds, const char *name)
{
	for (struct domain *d = ds->head; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

struct domain *domains_by_uuid(struct domains *ds, const uint8_t uuid[16])
{
	for (struct domain *d = ds->head; d; d = d->next)
		if (!memcmp(d->uuid, uuid, 16))
			return d;
	return NULL;
}

int domains_rename(struct domains *ds, struct domain *d, const char *name)
{
	struct domain *other;

	if (!dom_name_valid(name)) {
		errno = EINVAL;
		return -1;
	}
	other = domains_by_name(ds, name);
	if (other && other != d) {
		errno = EEXIST;
		return -1;
	}
	snprintf(d->name, sizeof(d->name), "%s", name);
	return 0;
}

struct domain *domains_by_pid(struct domains *ds, pid_t pid)
{
	for (struct domain *d = ds->head; d; d = d->next)
		if (d->vmm_pid == pid)
			return d;
	return NULL;
}

struct domain *domains_lookup(struct domains *ds, const char *s)
{
	char *end;
	unsigned long id;

	if (!s || !*s)
		return NULL;
	id = strtoul(s, &end, 10);
	if (*end == 0 && id <= DOM_MAX_DOMID)
		return domains_by_id(ds, (uint32_t)id);
	return domains_by_name(ds, s);
}

unsigned dom_vcpus_online(const struct domain *d)
{
	return d->vcpus_up ? (unsigned)__builtin_popcountll(d->vcpus_up) : d->vcpus;
}

uint64_t dom_current_kb(const struct domain *d)
{
	return d->held_pages ? d->held_pages * 4 : (uint64_t)d->memory_mb * 1024;
}

const char *dom_state_name(enum dom_state s)
{
	static const char *const names[] = {
		[DOM_RUNNING] = "running", [DOM_PAUSED] = "paused",
		[DOM_SHUTDOWN] = "shutdown", [DOM_CRASHED] = "crashed",
		[DOM_DYING] = "dying",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

void dom_state_flags(const struct domain *d, char out[7])
{
	/* Xen's columns: running, blocked, paused, shutdown, reason, dying. */
	static const char reason_letters[] = "-rscwS";

	memcpy(out, "------", 7);
	switch (d->state) {
	case DOM_RUNNING: out[0] = 'r'; break;
	case DOM_PAUSED: out[2] = 'p'; break;
	case DOM_SHUTDOWN:
	case DOM_CRASHED:
		out[3] = 's';
		out[4] = d->shutdown_reason >= 0 && d->shutdown_reason < 6 ?
			 reason_letters[d->shutdown_reason] : '?';
		break;
	case DOM_DYING: out[5] = 'd'; break;
	}
}
