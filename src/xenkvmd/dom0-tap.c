#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "src/xenkvmd/dom0-tap.h"

static int set_up(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

int tap_set_mtu(const char *ifname, unsigned mtu, char *err, size_t errlen)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	ifr.ifr_mtu = (int)mtu;
	if (s >= 0)
		rc = ioctl(s, SIOCSIFMTU, &ifr);
	if (rc)
		snprintf(err, errlen, "%s: cannot set MTU %u: %s", ifname, mtu, strerror(errno));
	if (s >= 0)
		close(s);
	return rc;
}

/* Callers tell "no permission" (fall back to user-mode networking) from other failures. */
static int close_keeping_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
	return -1;
}

int tap_create(const char *ifname, char *err, size_t errlen)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s%s", strerror(errno),
			 errno == EACCES ? " (a TAP needs root or CAP_NET_ADMIN; network=user "
			 "needs neither)" : "");
		return -1;
	}
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "cannot create TAP device %s: %s%s", ifname, strerror(errno),
			 errno == EPERM ? " (a TAP needs root or CAP_NET_ADMIN; network=user "
			 "needs neither)" : "");
		return close_keeping_errno(fd);
	}
	if (set_up(ifname) < 0) {
		snprintf(err, errlen, "cannot bring %s up: %s", ifname, strerror(errno));
		return close_keeping_errno(fd);
	}
	return fd;
}

int tap_set_offload(int fd, unsigned flags)
{
	return ioctl(fd, TUNSETOFFLOAD, flags);
}

int tap_join_bridge(const char *ifname, const char *bridge, char *err, size_t errlen)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc, idx;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (s < 0 || ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
		snprintf(err, errlen, "no interface %s", ifname);
		if (s >= 0)
			close(s);
		return -1;
	}
	idx = ifr.ifr_ifindex;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", bridge);
	ifr.ifr_ifindex = idx;
	rc = ioctl(s, SIOCBRADDIF, &ifr);
	if (rc < 0)
		snprintf(err, errlen, "cannot add %s to bridge %s: %s", ifname, bridge,
			 strerror(errno));
	close(s);
	return rc;
}

int tap_run_script(const char *script, const char *ifname, const char *bridge,
		   const char *xenbus_path, char *err, size_t errlen)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		setenv("vif", ifname, 1);
		setenv("bridge", bridge, 1);
		setenv("XENBUS_PATH", xenbus_path, 1);
		execl(script, script, "online", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		snprintf(err, errlen, "cannot run %s: %s", script, strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "%s online %s failed (status %d)", script, ifname,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}
