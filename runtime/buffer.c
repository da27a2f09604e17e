// SPDX-License-Identifier: MIT
/*
 * Buffers: GEM objects of the accel device, mapped into the process's
 * device address space by the driver (->iova) and into the process by
 * mmap (->map). dma-buf sharing goes through libdrm's PRIME helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <numa.h>
#include <numaif.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>

#include "internal.h"

static void gem_close(struct zk_device *dev, uint32_t handle)
{
	struct drm_gem_close gc = { .handle = handle };

	zk_ioctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &gc);
}

static int map_buffer(struct zk_buffer *buf, uint64_t mmap_offset)
{
	void *p;

	if (buf->flags & DRM_ZKASIC_BO_DEVMEM)
		return 0;
	p = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 buf->dev->fd, (off_t)mmap_offset);
	if (p == MAP_FAILED)
		return zk_fail(-errno, "mmap of %llu-byte buffer",
			       (unsigned long long)buf->size);
	buf->map = p;
	return 0;
}

/*
 * The driver allocates and pins a buffer's host pages inside BO_CREATE,
 * under the calling thread's memory policy. Preferring the device's NUMA
 * node for that call keeps the device's DMA (and the staging copies of
 * threads on that node) local. ZKASIC_NUMA=0 turns it off.
 */
#define ZK_NUMA_BITS 1024

struct numa_saved {
	int active;
	int mode;
	unsigned long mask[ZK_NUMA_BITS / (8 * sizeof(unsigned long))];
};

static void numa_prefer(const struct zk_device *dev, struct numa_saved *s)
{
	unsigned long want[ZK_NUMA_BITS / (8 * sizeof(unsigned long))] = { 0 };
	const char *env = getenv("ZKASIC_NUMA");
	int node = dev->info.numa_node;
	const int per = 8 * sizeof(unsigned long);

	s->active = 0;
	if (node < 0 || node >= ZK_NUMA_BITS - 1 || (env && !strcmp(env, "0")) ||
	    numa_available() < 0)
		return;
	if (get_mempolicy(&s->mode, s->mask, ZK_NUMA_BITS, NULL, 0))
		return;
	want[node / per] = 1UL << (node % per);
	if (!set_mempolicy(MPOL_PREFERRED, want, ZK_NUMA_BITS))
		s->active = 1;
}

static void numa_restore(const struct numa_saved *s)
{
	if (!s->active)
		return;
	if (s->mode == MPOL_DEFAULT)
		set_mempolicy(MPOL_DEFAULT, NULL, 0);
	else
		set_mempolicy(s->mode, s->mask, ZK_NUMA_BITS);
}

int zk_buffer_alloc(struct zk_device *dev, uint64_t size, uint32_t flags,
		    struct zk_buffer **out)
{
	struct numa_saved numa;
	struct drm_zkasic_bo_create bc = { .size = size, .flags = flags };
	struct zk_buffer *buf;
	int ret;

	*out = NULL;
	if (!size)
		return zk_fail(-EINVAL, "zero-sized buffer");
	buf = calloc(1, sizeof(*buf));
	if (!buf)
		return zk_fail(-ENOMEM, "buffer");
	numa_prefer(dev, &numa);
	ret = zk_ioctl(dev->fd, DRM_IOCTL_ZKASIC_BO_CREATE, &bc);
	numa_restore(&numa);
	if (ret) {
		free(buf);
		return zk_fail(ret, "%s: BO_CREATE of %llu bytes", dev->info.path,
			       (unsigned long long)size);
	}
	buf->dev = dev;
	buf->handle = bc.handle;
	buf->iova = bc.iova;
	buf->size = size;
	buf->flags = flags;
	ret = map_buffer(buf, bc.mmap_offset);
	if (ret) {
		gem_close(dev, bc.handle);
		free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

void zk_buffer_free(struct zk_buffer *buf)
{
	if (!buf)
		return;
	if (buf->map)
		munmap(buf->map, buf->size);
	gem_close(buf->dev, buf->handle);
	free(buf);
}

int zk_buffer_export(struct zk_buffer *buf, int *dmabuf_fd)
{
	if (drmPrimeHandleToFD(buf->dev->fd, buf->handle, DRM_CLOEXEC | DRM_RDWR,
			       dmabuf_fd))
		return zk_fail(-errno, "PRIME export of handle %u", buf->handle);
	return 0;
}

int zk_buffer_import(struct zk_device *dev, int dmabuf_fd, struct zk_buffer **out)
{
	struct drm_zkasic_bo_info bi = { 0 };
	struct zk_buffer *buf;
	uint32_t handle;
	int ret;

	*out = NULL;
	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, &handle))
		return zk_fail(-errno, "PRIME import of fd %d", dmabuf_fd);
	bi.handle = handle;
	ret = zk_ioctl(dev->fd, DRM_IOCTL_ZKASIC_BO_INFO, &bi);
	if (ret) {
		gem_close(dev, handle);
		return zk_fail(ret, "BO_INFO of imported handle %u", handle);
	}
	buf = calloc(1, sizeof(*buf));
	if (!buf) {
		gem_close(dev, handle);
		return zk_fail(-ENOMEM, "buffer");
	}
	buf->dev = dev;
	buf->handle = handle;
	buf->iova = bi.iova;
	buf->size = bi.size;
	ret = map_buffer(buf, bi.mmap_offset);
	if (ret) {
		gem_close(dev, handle);
		free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

int zk_buffer_lost(struct zk_buffer *buf)
{
	struct drm_zkasic_bo_info bi = { .handle = buf->handle };
	int ret = zk_ioctl(buf->dev->fd, DRM_IOCTL_ZKASIC_BO_INFO, &bi);

	if (ret)
		return zk_fail(ret, "BO_INFO of handle %u", buf->handle);
	return !!(bi.flags & DRM_ZKASIC_BO_LOST);
}
