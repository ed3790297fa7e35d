/* xl network specifications (xl-network-configuration(5)): key=value,... */
#ifndef XENKVM_VIF_SPEC_H
#define XENKVM_VIF_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
};

/* 0, or -1 with a message in err. */
int vif_spec_parse(const char *spec, struct vif_spec *v, char *err, size_t errlen);
/* "aa:bb:cc:dd:ee:ff" -> mac; -1 on bad syntax. */
int vif_parse_mac(const char *s, uint8_t mac[6]);
/* A random address in Xen's OUI 00:16:3e, as xl makes. */
void vif_random_mac(uint8_t mac[6]);

#endif
