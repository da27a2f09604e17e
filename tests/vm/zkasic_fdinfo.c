// SPDX-License-Identifier: MIT
/*
 * Per-client usage in /proc/<pid>/fdinfo/<fd>, with DRM's standard keys
 * (Documentation/gpu/drm-usage-stats.rst): every key parses; the engine
 * time of a queue grows by exactly the device time WAIT reported for the
 * file's jobs, and only for that file and that queue; buffers show in
 * drm-total-/drm-resident- of their region ("system" or "devmem") while
 * a handle holds them, and leave when it is closed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "zk_vm_test.h"

/*
 * The value of @key in @fd's fdinfo: "<n> ns" for engines, "<n>[ KiB|
 * MiB|GiB]" for memory (in bytes), "<n>" otherwise. -1 if the key is
 * missing, -2 if its value does not parse.
 */
static int64_t fdinfo_value(int fd, const char *key)
{
	char path[64], line[256];
	int64_t ret = -1;
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (ret == -1 && fgets(line, sizeof(line), f)) {
		unsigned long long v;
		char unit[8] = "";
		int n;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		n = sscanf(line + klen + 1, " %llu %7s", &v, unit);
		ret = -2;
		if (n < 1)
			break;
		if (n == 1 || !strcmp(unit, "ns"))
			ret = v;
		else if (!strcmp(unit, "KiB"))
			ret = v << 10;
		else if (!strcmp(unit, "MiB"))
			ret = v << 20;
		else if (!strcmp(unit, "GiB"))
			ret = v << 30;
	}
	fclose(f);
	return ret;
}

/* The value of a key holding a string (drm-driver), or "" if missing. */
static void fdinfo_string(int fd, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	FILE *f;

	out[0] = 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char val[64];

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		if (sscanf(line + klen + 1, " %63s", val) == 1)
			snprintf(out, len, "%.63s", val);
		break;
	}
	fclose(f);
}

static int64_t engine_ns(int fd, unsigned int queue)
{
	char key[32];

	snprintf(key, sizeof(key), "drm-engine-queue%u", queue);
	return fdinfo_value(fd, key);
}

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close gc = { .handle = handle };

	return zk_raw_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
}

/* FILL @size bytes at @iova on @queue; WAIT's device time in *@device_ns. */
static int fill(int fd, unsigned int queue, uint64_t iova, uint64_t size,
		uint64_t *device_ns)
{
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_FILL, .dst = iova, .count = size, .arg = 0x5a,
	};
	struct drm_zkasic_submit s = {
		.cmds = (uintptr_t)&c, .cmd_count = 1, .queue = queue,
	};
	struct drm_zkasic_wait w = { 0 };
	int ret = zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_SUBMIT, &s);

	if (ret)
		return ret;
	w.seqno = s.seqno;
	w.timeout_ns = 60LL * 1000 * 1000 * 1000;
	ret = zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_WAIT, &w);
	if (!ret && w.status != DRM_ZKASIC_STATUS_OK)
		ret = -EIO;
	*device_ns = w.device_ns;
	return ret;
}

FIXTURE(fdinfo) {
	int fd;
	unsigned int queues;
};

FIXTURE_SETUP(fdinfo)
{
	self->fd = zk_test_open();
	ASSERT_LE(0, self->fd);
	self->queues = zk_test_param(self->fd, DRM_ZKASIC_PARAM_NUM_QUEUES);
	ASSERT_LE(1, self->queues);
}

FIXTURE_TEARDOWN(fdinfo)
{
	close(self->fd);
}

TEST_F(fdinfo, standard_keys_parse)
{
	static const char *const mem[] = {
		"drm-total-system", "drm-shared-system", "drm-resident-system",
		"drm-active-system", "drm-total-devmem", "drm-shared-devmem",
		"drm-resident-devmem", "drm-active-devmem",
	};
	char drv[64], pdev[64];
	unsigned int q, i;

	fdinfo_string(self->fd, "drm-driver", drv, sizeof(drv));
	EXPECT_STREQ("zkasic", drv);
	EXPECT_LE(0, fdinfo_value(self->fd, "drm-client-id"));
	fdinfo_string(self->fd, "drm-pdev", pdev, sizeof(pdev));
	EXPECT_NE(0, pdev[0]);
	for (q = 0; q < self->queues; q++)
		EXPECT_EQ(0, engine_ns(self->fd, q)) TH_LOG("queue %u", q);
	/* Only the device's queues. */
	EXPECT_EQ(-1, engine_ns(self->fd, self->queues));
	for (i = 0; i < sizeof(mem) / sizeof(mem[0]); i++)
		EXPECT_EQ(0, fdinfo_value(self->fd, mem[i])) TH_LOG("%s", mem[i] ? mem[i] : "?");
	/* Nothing is purgeable: the driver does not report the key. */
	EXPECT_EQ(-1, fdinfo_value(self->fd, "drm-purgeable-system"));
}

TEST_F(fdinfo, client_ids_differ)
{
	int other = zk_test_open();

	ASSERT_LE(0, other);
	EXPECT_NE(fdinfo_value(self->fd, "drm-client-id"),
		  fdinfo_value(other, "drm-client-id"));
	close(other);
}

TEST_F(fdinfo, engine_time_is_the_jobs_device_time)
{
	const uint64_t size = 16 << 20;
	struct drm_zkasic_bo_create bc;
	uint64_t sum = 0, ns;
	unsigned int q = self->queues - 1, i;
	int other = zk_test_open();

	ASSERT_LE(0, other);
	ASSERT_EQ(0, zk_test_bo(self->fd, size, &bc));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, fill(self->fd, q, bc.iova, size, &ns));
		EXPECT_LT(0, ns);
		sum += ns;
		/* It grows with every job, by what WAIT reported. */
		EXPECT_EQ((int64_t)sum, engine_ns(self->fd, q)) TH_LOG("job %u", i);
	}
	/* Other queues, and other files, were not charged. */
	for (i = 0; i < self->queues; i++) {
		if (i != q)
			EXPECT_EQ(0, engine_ns(self->fd, i)) TH_LOG("queue %u", i);
		EXPECT_EQ(0, engine_ns(other, i)) TH_LOG("other file, queue %u", i);
	}
	close(other);
}

TEST_F(fdinfo, buffers_counted_while_held)
{
	const uint64_t size = 4 << 20;
	struct drm_zkasic_bo_create a, b;

	ASSERT_EQ(0, zk_test_bo(self->fd, size, &a));
	ASSERT_EQ(0, zk_test_bo(self->fd, 3 * 4096, &b));
	EXPECT_EQ((int64_t)(size + 3 * 4096), fdinfo_value(self->fd, "drm-total-system"));
	/* Created buffers are pinned in the device's address space. */
	EXPECT_EQ((int64_t)(size + 3 * 4096), fdinfo_value(self->fd, "drm-resident-system"));
	EXPECT_EQ(0, fdinfo_value(self->fd, "drm-shared-system"));
	EXPECT_EQ(0, fdinfo_value(self->fd, "drm-total-devmem"));
	ASSERT_EQ(0, gem_close(self->fd, a.handle));
	EXPECT_EQ(3 * 4096, fdinfo_value(self->fd, "drm-total-system"));
	ASSERT_EQ(0, gem_close(self->fd, b.handle));
	EXPECT_EQ(0, fdinfo_value(self->fd, "drm-total-system"));
	EXPECT_EQ(0, fdinfo_value(self->fd, "drm-resident-system"));
}

TEST_F(fdinfo, exported_buffer_is_shared)
{
	struct drm_zkasic_bo_create bc;
	struct drm_prime_handle ph = { 0 };

	ASSERT_EQ(0, zk_test_bo(self->fd, 1 << 20, &bc));
	ph.handle = bc.handle;
	ph.flags = DRM_CLOEXEC | DRM_RDWR;
	ASSERT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph));
	EXPECT_EQ(1 << 20, fdinfo_value(self->fd, "drm-shared-system"));
	EXPECT_EQ(1 << 20, fdinfo_value(self->fd, "drm-total-system"));
	close(ph.fd);
	ASSERT_EQ(0, gem_close(self->fd, bc.handle));
	EXPECT_EQ(0, fdinfo_value(self->fd, "drm-total-system"));
}

TEST_F(fdinfo, device_memory_is_its_own_region)
{
	struct drm_zkasic_bo_create bc = { .size = 1 << 20, .flags = DRM_ZKASIC_BO_DEVMEM };

	if (zk_test_param(self->fd, DRM_ZKASIC_PARAM_DEVMEM_SIZE) < bc.size)
		SKIP(return, "the device has no 1 MiB of device memory");
	ASSERT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_CREATE, &bc));
	EXPECT_EQ(1 << 20, fdinfo_value(self->fd, "drm-total-devmem"));
	EXPECT_EQ(1 << 20, fdinfo_value(self->fd, "drm-resident-devmem"));
	EXPECT_EQ(0, fdinfo_value(self->fd, "drm-total-system"));
	/* The driver cleared it with its own jobs: not charged to the file. */
	EXPECT_EQ(0, engine_ns(self->fd, 0));
	ASSERT_EQ(0, gem_close(self->fd, bc.handle));
	EXPECT_EQ(0, fdinfo_value(self->fd, "drm-total-devmem"));
}

TEST_HARNESS_MAIN
