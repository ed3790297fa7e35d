/*
 * xl.cfg's channel= entries (xl.cfg(5), CHANNELS): a named PV console the
 * guest sees as a secondary console, whose host end is a Unix socket
 * (connection=socket, path=) or a pty (connection=pty).
 */
#ifndef XENKVM_CHANNEL_SPEC_H
#define XENKVM_CHANNEL_SPEC_H

#include <stddef.h>

enum channel_connection {
	CHANNEL_PTY,
	CHANNEL_SOCKET,
};

struct channel_spec {
	char name[128];
	enum channel_connection connection;
	char path[108];			/* a Unix socket's path (sun_path) */
};

/* One entry, "name=...,connection=socket,path=..."; 0, or -1 with err. */
int channel_spec_parse(const char *s, struct channel_spec *out, char *err, size_t errlen);

#endif
