// SPDX-License-Identifier: MIT
/*
 * Device discovery and opening. zkasic devices are the accel nodes whose
 * DRM driver name is "zkasic"; libdrm's helpers work on the accel fd even
 * though bookworm's libdrm has no accel node type of its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <xf86drm.h>

#include "internal.h"

#define ACCEL_DIR "/dev/accel"

int zk_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

/* Accel minors present, sorted, into @minors; returns how many. */
static int accel_minors(int *minors, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(ACCEL_DIR);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		long m;

		if (strncmp(de->d_name, "accel", 5))
			continue;
		m = strtol(de->d_name + 5, &end, 10);
		if (*end || end == de->d_name + 5 || m < 0 || m > INT_MAX)
			continue;
		if (n < max)
			minors[n++] = (int)m;
	}
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && minors[j - 1] > minors[j]; j--) {
			int t = minors[j];

			minors[j] = minors[j - 1];
			minors[j - 1] = t;
		}
	return n;
}

static int is_zkasic_fd(int fd, char *driver, size_t len)
{
	drmVersionPtr v = drmGetVersion(fd);
	int ok;

	if (!v)
		return 0;
	ok = v->name && !strcmp(v->name, "zkasic");
	if (driver && v->name)
		snprintf(driver, len, "%s", v->name);
	drmFreeVersion(v);
	return ok;
}

int zk_device_count(void)
{
	int minors[64], n, count = 0;

	n = accel_minors(minors, 64);
	for (int i = 0; i < n; i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), ACCEL_DIR "/accel%d", minors[i]);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		count += is_zkasic_fd(fd, NULL, 0);
		close(fd);
	}
	return count;
}

int zk_device_get_param(struct zk_device *dev, uint32_t param, uint64_t *value)
{
	struct drm_zkasic_get_param gp = { .param = param };
	int ret;

	ret = zk_ioctl(dev->fd, DRM_IOCTL_ZKASIC_GET_PARAM, &gp);
	if (ret)
		return zk_fail(ret, "%s: GET_PARAM %u", dev->info.path, param);
	*value = gp.value;
	return 0;
}

/* PCI slot and NUMA node from sysfs: /sys/class/accel/accelN/device. */
static void read_sysfs_location(struct zk_device_info *info, int minor)
{
	char link[PATH_MAX], path[128];
	ssize_t len;
	FILE *f;

	info->numa_node = -1;
	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device", minor);
	len = readlink(path, link, sizeof(link) - 1);
	if (len > 0) {
		link[len] = 0;
		const char *slot = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;

		snprintf(info->pci_slot, sizeof(info->pci_slot), "%.31s", slot);
	}
	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/numa_node", minor);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &info->numa_node) != 1)
			info->numa_node = -1;
		fclose(f);
	}
}

static int query_info(struct zk_device *dev)
{
	static const struct {
		uint32_t param;
		size_t offset;
		int wide;
	} map[] = {
#define P(p, f) { DRM_ZKASIC_PARAM_##p, offsetof(struct zk_device_info, f), 0 }
		P(SPEC_VERSION, spec_version), P(SKU, sku), P(CURVES, curves),
		P(FIELDS, fields), P(NUM_QUEUES, num_queues),
		P(MSM_ENGINES, msm_engines), P(NTT_ENGINES, ntt_engines),
		P(VEC_ENGINES, vec_engines), P(MAX_MSM_LOG2, max_msm_log2),
		P(MAX_NTT_LOG2, max_ntt_log2), P(MAX_BATCH, max_batch),
		P(VA_BITS, va_bits), P(PCI_ID, pci_id),
#undef P
		{ DRM_ZKASIC_PARAM_DEVMEM_SIZE, offsetof(struct zk_device_info, devmem_size), 1 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		uint64_t v;
		int ret = zk_device_get_param(dev, map[i].param, &v);

		if (ret)
			return ret;
		if (map[i].wide)
			*(uint64_t *)((char *)&dev->info + map[i].offset) = v;
		else
			*(uint32_t *)((char *)&dev->info + map[i].offset) = (uint32_t)v;
	}
	return 0;
}

int zk_device_open_path(struct zk_device **out, const char *path)
{
	struct zk_device *dev;
	struct stat st;
	int ret;

	*out = NULL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return zk_fail(-ENOMEM, "%s", path);
	snprintf(dev->info.path, sizeof(dev->info.path), "%s", path);
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		ret = zk_fail(-errno, "cannot open %s", path);
		free(dev);
		return ret;
	}
	if (!is_zkasic_fd(dev->fd, dev->info.driver, sizeof(dev->info.driver))) {
		ret = zk_fail(-ENODEV, "%s is not a zkasic device (driver '%s')",
			      path, dev->info.driver);
		goto err;
	}
	ret = query_info(dev);
	if (ret)
		goto err;
	if ((dev->info.spec_version >> 16) != 1) {
		ret = zk_fail(-ENOTSUP, "%s: unsupported spec version %u.%u", path,
			      dev->info.spec_version >> 16,
			      dev->info.spec_version & 0xffff);
		goto err;
	}
	if (!fstat(dev->fd, &st))
		read_sysfs_location(&dev->info, (int)minor(st.st_rdev));
	*out = dev;
	return 0;
err:
	close(dev->fd);
	free(dev);
	return ret;
}

int zk_device_open(struct zk_device **out, int index)
{
	int minors[64], n, seen = 0;

	*out = NULL;
	if (index < 0)
		return zk_fail(-EINVAL, "device index %d", index);
	n = accel_minors(minors, 64);
	for (int i = 0; i < n; i++) {
		char path[64];
		int fd, match;

		snprintf(path, sizeof(path), ACCEL_DIR "/accel%d", minors[i]);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		match = is_zkasic_fd(fd, NULL, 0);
		close(fd);
		if (match && seen++ == index)
			return zk_device_open_path(out, path);
	}
	return zk_fail(-ENODEV, "no zkasic device %d (%d found)", index, seen);
}

void zk_device_close(struct zk_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

const struct zk_device_info *zk_device_info(const struct zk_device *dev)
{
	return &dev->info;
}

int zk_device_fd(const struct zk_device *dev)
{
	return dev->fd;
}
