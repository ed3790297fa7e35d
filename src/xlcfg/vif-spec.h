/* xl network specifications (xl-network-configuration(5)): key=value,... */
#ifndef XENKVM_VIF_SPEC_H
#define XENKVM_VIF_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/*
 * xenkvm extension: user-mode networking (network=user). The guest's
 * network is QEMU's usual one, served by libslirp inside xenkvmd: it is
 * 10.0.2.0/24, the host (gateway) answers at .2, DNS at .3, and DHCP gives
 * the guest .15 unless ip= says otherwise. Host byte order.
 */
#define VIF_USER_NET	0x0a000200u
#define VIF_USER_MASK	0xffffff00u
#define VIF_USER_HOST	0x0a000202u
#define VIF_USER_DNS	0x0a000203u
#define VIF_USER_GUEST	0x0a00020fu
#define VIF_MAX_HOSTFWDS 8

enum vif_network {
	VIF_NET_DEFAULT,	/* a TAP, or user-mode when no TAP may be made */
	VIF_NET_TAP,
	VIF_NET_USER,
};

/* A host port forwarded to the guest of a user-mode vif (hostfwd=). */
struct vif_hostfwd {
	bool udp;
	uint32_t host_addr;	/* 0: every address of the host */
	uint16_t host_port;
	uint32_t guest_addr;	/* 0: the address DHCP gives the guest */
	uint16_t guest_port;
};

struct vif_spec {
	uint8_t mac[6];
	bool mac_given;		/* else the toolstack picks one (vif_random_mac) */
	char bridge[64];
	char gatewaydev[64];
	char type[8];		/* vif (default) or ioemu */
	char model[32];		/* emulated NIC model: meaningless for PV, kept */
	char vifname[32];
	char script[256];
	char ip[256];		/* one or more addresses, space separated */
	char backend[64];
	uint64_t rate_bytes_per_s;	/* 0 = unlimited */
	uint64_t rate_interval_us;	/* credit replenish period (default 50 ms) */
	int devid;		/* -1 = next free */
	unsigned mtu;		/* 0 = default (1500, or the bridge's) */
	char vlan[64];
	bool trusted;
	enum vif_network network;	/* network= (xenkvm extension) */
	uint32_t user_guest;		/* user mode: the guest's DHCP address */
	unsigned nr_hostfwds;		/* hostfwd= (xenkvm extension), in order */
	struct vif_hostfwd hostfwds[VIF_MAX_HOSTFWDS];
};

/* 0, or -1 with a message in err. */
int vif_spec_parse(const char *spec, struct vif_spec *v, char *err, size_t errlen);
/* The xenkvm extensions (vif-spec-user.c): one network= or hostfwd= value
 * into v, and the checks over the whole entry once every key is read. */
int vif_set_network(struct vif_spec *v, const char *val, char *err, size_t errlen);
int vif_add_hostfwd(struct vif_spec *v, const char *val, char *err, size_t errlen);
int vif_check_user(struct vif_spec *v, char *err, size_t errlen);
/* A message into err; returns -1 (for the parsers in vif-spec*.c). */
int vif_spec_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "aa:bb:cc:dd:ee:ff" -> mac; -1 on bad syntax. */
int vif_parse_mac(const char *s, uint8_t mac[6]);
/* mac -> "aa:bb:cc:dd:ee:ff", as vif_parse_mac reads it. */
void vif_format_mac(const uint8_t mac[6], char out[18]);
/* A random address in Xen's OUI 00:16:3e, as xl makes. */
void vif_random_mac(uint8_t mac[6]);

#endif
