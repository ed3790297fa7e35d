/*
 * A frontend for the block backend's unit tests: a one-page shared ring,
 * granted pages (gref N is page N; refs past the table are bad, read-only
 * pages refuse writable claims) that count what is claimed, and a 1 MiB
 * image in a memfd.
 */
#ifndef VBD_HARNESS_H
#define VBD_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/vbd-ring.h"
#include "devices/vbd-service.h"
#include "devices/vbd-uring.h"

#define VH_NPAGES 64
#define VH_DISK_SECTORS 2048

extern uint8_t vh_pages[VH_NPAGES][4096];
extern bool vh_page_readonly[VH_NPAGES];
extern int vh_claimed;
extern union vh_ring_page { struct blkif_sring s; uint8_t bytes[4096]; } vh_ring;
extern const struct dev_grants vh_grants;
extern struct vbd_disk vh_disk;

/* Fresh pages, ring and image; the fini checks no grant is left claimed. */
void vh_setup(void);
void vh_teardown(void);
/* The frontend queues a request; responses are read back by index. */
void vh_push(const void *req, size_t len);
struct blkif_response *vh_rsp(unsigned i);
/* The published response to request id (answers come in the order requests finish). */
struct blkif_response *vh_rsp_for(uint64_t id);
/* A read or write of nseg whole pages, gref i for segment i. */
struct blkif_request_rw vh_rw(uint8_t op, uint64_t id, uint64_t sector, unsigned nseg);
/* The backend's service of vh_ring over io_uring, depth requests in flight at most. */
extern struct vbd_uring vh_io;
extern struct vbd_service vh_svc;
void vh_start(unsigned depth);
void vh_stop(void);
/* Serves until nothing is in flight: 1 when the frontend was to be notified, -1 if broken. */
int vh_serve(void);
int vh_serve_err(char *err, size_t errlen);
/* The image's descriptor reopened through /proc with other flags, or -1. */
int vh_reopen(int fd, int flags);

#endif
