/* Shared by the VMM's and xenkvmd's ends of the link (src/common/link-proto.h). */
#include <string.h>
#include <sys/socket.h>
#include "src/common/fd-passing.h"

int send_with_fds(int sock, const void *buf, size_t len, const int *fds, unsigned nfds,
		  int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int) * FD_PASSING_MAX)] = { 0 };
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (sock < 0 || nfds > FD_PASSING_MAX)
		return -1;
	if (nfds) {
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(sock, &msg, flags | MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}
