/* SPDX-License-Identifier: MIT */
/* Helpers shared by the in-VM kselftests: raw ioctls on the accel node. */
#ifndef ZK_VM_TEST_H
#define ZK_VM_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <drm/zkasic_accel.h>

#define ZK_NODE "/dev/accel/accel0"

/* An ioctl returning 0 or -errno, with no retry: tests see the raw errno. */
static inline int zk_raw_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static inline int zk_test_open(void)
{
	return open(ZK_NODE, O_RDWR | O_CLOEXEC);
}

static inline uint64_t zk_test_param(int fd, uint32_t param)
{
	struct drm_zkasic_get_param gp = { .param = param };

	if (zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_GET_PARAM, &gp))
		return UINT64_MAX;
	return gp.value;
}

static inline int zk_test_bo(int fd, uint64_t size, struct drm_zkasic_bo_create *bc)
{
	memset(bc, 0, sizeof(*bc));
	bc->size = size;
	return zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_BO_CREATE, bc);
}

/* Submit @n commands on queue 0 and wait up to 60 s; returns 0 or -errno. */
static inline int zk_test_run(int fd, struct drm_zkasic_cmd *cmds, uint32_t n,
			      struct drm_zkasic_wait *w)
{
	struct drm_zkasic_submit s = {
		.cmds = (uintptr_t)cmds, .cmd_count = n,
	};
	int ret = zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_SUBMIT, &s);

	if (ret)
		return ret;
	memset(w, 0, sizeof(*w));
	w->seqno = s.seqno;
	w->timeout_ns = 60LL * 1000 * 1000 * 1000;
	return zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_WAIT, w);
}

/*
 * The path of the driver's debugfs file @name for accel@minor: its
 * directory is named after the PCI slot. Returns 0 or -errno.
 */
static inline int zk_debugfs_file(int minor, const char *name, char *out, size_t len)
{
	char path[64], link[PATH_MAX];
	const char *slot;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device", minor);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -errno;
	link[n] = 0;
	slot = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	/* A PCI slot name ("0000:00:03.0") is short. */
	if ((size_t)snprintf(out, len, "/sys/kernel/debug/accel/%.64s/%.64s", slot, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

#endif
