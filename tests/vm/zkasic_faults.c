// SPDX-License-Identifier: MIT
/*
 * Faults and recovery, driven by the device's fault-injection registers
 * (armed through the driver's debugfs fault_inject file, as root):
 *  - injected command failures come back as job statuses;
 *  - a batch that never completes is detected (no progress), the device is
 *    reset, the hung job fails with TIMEOUT, its context is banned (-EIO)
 *    and other contexts keep working;
 *  - the operator's reset (debugfs "reset"; no sysfs knob) and the reset
 *    counter;
 *  - corrupted results: visible in a COPY, refused by the runtime for an
 *    MSM (the point is off the curve);
 *  - a reset zeroes device memory: the buffers say so, the owning context's
 *    submits fail with -ECANCELED until it frees them, nothing runs on
 *    silently zeroed data.
 *
 * vm-run-args: --device-opts ,fault-injection=on
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <zkasic/zkasic.h>

#include "kselftest_harness.h"
#include "zk_vm_test.h"
#include "zkasic_hw.h"

#define SYSDEV "/sys/class/accel/accel0/device/"

static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Arm fault injection; returns 0 or -errno. */
static int inject(const char *path, uint32_t mode, uint32_t count, uint32_t status)
{
	char buf[64];
	int fd = open(path, O_WRONLY), len, ret = 0;

	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%u %u %u\n", mode, count, status);
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Wait until the device has fetched an SQE from @queue (debugfs "queues":
 * its dev_sq_head column), so the armed fault hits that queue's batch.
 */
static int wait_fetched(const char *fi_path, unsigned int queue)
{
	char path[PATH_MAX], line[256];

	snprintf(path, sizeof(path), "%s", fi_path);
	strcpy(strrchr(path, '/'), "/queues");
	for (int tries = 0; tries < 500; tries++) {
		FILE *f = fopen(path, "r");
		unsigned int q, a, b, c, head;

		if (!f)
			return -errno;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%u %u %u %u %u", &q, &a, &b, &c, &head) == 5 &&
			    q == queue && head) {
				fclose(f);
				return 0;
			}
		fclose(f);
		usleep(10000);
	}
	return -ETIME;
}

FIXTURE(faults) {
	struct zk_device *dev;
	struct zk_batch *batch;
	char fi[PATH_MAX];
};

FIXTURE_SETUP(faults)
{
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/debug/accel");

	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			snprintf(self->fi, sizeof(self->fi),
				 "/sys/kernel/debug/accel/%s/fault_inject", de->d_name);
	closedir(d);
	if (inject(self->fi, ZKASIC_FI_MODE_OFF, 0, 0) == -EOPNOTSUPP)
		SKIP(return, "device started without fault-injection=on");
	ASSERT_EQ(0, inject(self->fi, ZKASIC_FI_MODE_OFF, 0, 0));
	ASSERT_EQ(-EINVAL, inject(self->fi, 99, 1, 0));
	ASSERT_EQ(0, zk_device_open(&self->dev, 0)) TH_LOG("%s", zk_last_error());
	ASSERT_EQ(0, zk_batch_new(self->dev, 0, &self->batch));
}

FIXTURE_TEARDOWN(faults)
{
	inject(self->fi, ZKASIC_FI_MODE_OFF, 0, 0);
	zk_batch_free(self->batch);
	zk_device_close(self->dev);
}

TEST_F(faults, injected_failure_is_reported_then_clears)
{
	struct zk_result res;

	ASSERT_EQ(0, inject(self->fi, ZKASIC_FI_MODE_FAIL_CMD, 1, DRM_ZKASIC_STATUS_DMA_ERROR));
	zk_prep_nop(zk_batch_get_cmd(self->batch));
	EXPECT_EQ(-EIO, zk_batch_run(self->batch, 0, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, res.status);
	EXPECT_EQ(0, res.err_index);
	zk_prep_nop(zk_batch_get_cmd(self->batch));
	EXPECT_EQ(0, zk_batch_run(self->batch, 0, &res)) TH_LOG("%s", zk_last_error());
}

TEST_F_TIMEOUT(faults, hung_batch_is_detected_and_device_recovers, 120)
{
	long resets = read_long(SYSDEV "reset_count");
	struct zk_buffer *buf;
	struct zk_result res;
	uint64_t hung, next;

	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, 0, &buf));
	ASSERT_EQ(0, inject(self->fi, ZKASIC_FI_MODE_HANG, 1, 0));
	zk_prep_fill(zk_batch_get_cmd(self->batch), buf->iova, 1, 64);
	ASSERT_EQ(0, zk_batch_submit(self->batch, 1, 0, &hung));
	ASSERT_EQ(0, wait_fetched(self->fi, 1));
	/* Another queue keeps working while queue 1 hangs. */
	zk_prep_fill(zk_batch_get_cmd(self->batch), buf->iova + 64, 2, 64);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, &res)) TH_LOG("%s", zk_last_error());

	ASSERT_EQ(0, zk_wait(self->dev, hung, 90LL * 1000 * 1000 * 1000, &res))
		TH_LOG("%s", zk_last_error());
	EXPECT_EQ(DRM_ZKASIC_STATUS_TIMEOUT, res.status);
	EXPECT_EQ(resets + 1, read_long(SYSDEV "reset_count"));

	EXPECT_EQ(2, ((uint8_t *)buf->map)[64]);

	/* The guilty context is banned, with a message that says why. */
	zk_prep_nop(zk_batch_get_cmd(self->batch));
	EXPECT_EQ(-EIO, zk_batch_submit(self->batch, 1, 0, &next));
	EXPECT_NE(NULL, strstr(zk_last_error(), "banned"));
	zk_buffer_free(buf);

	/* A new context works on the same queue. */
	zk_batch_free(self->batch);
	zk_device_close(self->dev);
	ASSERT_EQ(0, zk_device_open(&self->dev, 0)) TH_LOG("%s", zk_last_error());
	ASSERT_EQ(0, zk_batch_new(self->dev, 0, &self->batch));
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, 0, &buf));
	zk_prep_fill(zk_batch_get_cmd(self->batch), buf->iova + 128, 3, 64);
	ASSERT_EQ(0, zk_batch_submit(self->batch, 1, 0, &next));
	ASSERT_EQ(0, zk_wait(self->dev, next, 30LL * 1000 * 1000 * 1000, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, res.status);
	EXPECT_EQ(3, ((uint8_t *)buf->map)[128]);
	zk_buffer_free(buf);
}

TEST_F(faults, corrupted_results_are_caught_or_visible)
{
	uint8_t g[64], pts[4 * 64], sc[4 * 32] = { 3 }, out[64];
	struct zk_buffer *buf;
	struct zk_ctx *ctx;
	int i;

	/* A COPY completes OK but with the first byte's low bit flipped. */
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, 0, &buf));
	memset(buf->map, 0x40, 128);
	ASSERT_EQ(0, inject(self->fi, ZKASIC_FI_MODE_CORRUPT, 1, 0));
	zk_prep_copy(zk_batch_get_cmd(self->batch), buf->iova + 64, buf->iova, 64);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	EXPECT_EQ(0x41, ((uint8_t *)buf->map)[64]);
	EXPECT_EQ(0x40, ((uint8_t *)buf->map)[65]);
	zk_buffer_free(buf);

	/* An MSM result so damaged is off the curve: the runtime refuses it. */
	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, g));
	for (i = 0; i < 4; i++) {
		memcpy(pts + 64 * i, g, 64);
		sc[32 * i] = (uint8_t)(i + 2);
	}
	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_ACCEL));
	ASSERT_EQ(0, zk_msm(ctx, ZKM_BN254_G1, pts, sc, 4, 0, out));
	ASSERT_EQ(0, inject(self->fi, ZKASIC_FI_MODE_CORRUPT, 1, 0));
	EXPECT_EQ(-EIO, zk_msm(ctx, ZKM_BN254_G1, pts, sc, 4, 0, out));
	EXPECT_NE(NULL, strstr(zk_last_error(), "not on the curve"));
	/* Once the fault is spent, results are right again. */
	EXPECT_EQ(0, zk_msm(ctx, ZKM_BN254_G1, pts, sc, 4, 0, out));
	zk_close(ctx);
}

/* Write @val to the debugfs reset file of accel0; 0 or -errno. */
static int write_reset(const char *val)
{
	char path[PATH_MAX];
	int fd, ret;

	ret = zk_debugfs_file(0, "reset", path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -errno;
	close(fd);
	return ret;
}

static int operator_reset(void)
{
	return write_reset("1\n");
}

TEST_F(faults, reset_loses_device_memory_and_says_so)
{
	struct zk_buffer *host, *dev, *fresh;
	struct zk_result res;

	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, 0, &host));
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, DRM_ZKASIC_BO_DEVMEM, &dev));
	memset(host->map, 0x5a, 4096);
	zk_prep_copy(zk_batch_get_cmd(self->batch), dev->iova, host->iova, 4096);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, &res)) TH_LOG("%s", zk_last_error());
	EXPECT_EQ(0, zk_buffer_lost(dev));

	ASSERT_EQ(0, operator_reset());
	EXPECT_EQ(1, zk_buffer_lost(dev));
	EXPECT_EQ(0, zk_buffer_lost(host));	/* host memory survives */
	/* Any submit of this context fails until the lost buffer is gone. */
	zk_prep_copy(zk_batch_get_cmd(self->batch), host->iova, dev->iova, 4096);
	EXPECT_EQ(-ECANCELED, zk_batch_run(self->batch, 0, &res));
	EXPECT_NE(NULL, strstr(zk_last_error(), "wiped"));
	EXPECT_EQ(0x5a, ((uint8_t *)host->map)[0]);

	zk_buffer_free(dev);
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, DRM_ZKASIC_BO_DEVMEM, &fresh));
	EXPECT_EQ(0, zk_buffer_lost(fresh));
	zk_prep_copy(zk_batch_get_cmd(self->batch), host->iova, fresh->iova, 4096);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, &res)) TH_LOG("%s", zk_last_error());
	EXPECT_EQ(0, ((uint8_t *)host->map)[0]);	/* zeroed, as promised */
	zk_buffer_free(fresh);
	zk_buffer_free(host);
}

/* A kernel uevent socket, or -1. */
static int uevent_socket(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Wait up to 5 s for one uevent carrying both @a and @b. */
static int uevent_seen(int fd, const char *a, const char *b)
{
	char buf[4096];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n, off;
	int found;

	while (poll(&p, 1, 5000) == 1) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return 0;
		buf[n] = 0;
		found = 0;
		for (off = 0; off < n; off += strlen(buf + off) + 1)
			found |= (!strcmp(buf + off, a)) | (!strcmp(buf + off, b)) << 1;
		if (found == 3)
			return 1;
	}
	return 0;
}

TEST_F(faults, operator_reset_counts_and_device_keeps_working)
{
	long resets = read_long(SYSDEV "reset_count");
	char count[64];
	int ue = uevent_socket();

	ASSERT_LE(0, ue);
	/* The operator's reset is in debugfs, not in sysfs. */
	EXPECT_EQ(-1, access(SYSDEV "device_reset", F_OK));
	ASSERT_EQ(0, operator_reset());
	EXPECT_EQ(resets + 1, read_long(SYSDEV "reset_count"));
	/* Userspace hears of it: a change uevent with the reason and count. */
	snprintf(count, sizeof(count), "ZKASIC_RESET_COUNT=%ld", resets + 1);
	EXPECT_TRUE(uevent_seen(ue, "ZKASIC_RESET=operator", count));
	close(ue);
	zk_prep_nop(zk_batch_get_cmd(self->batch));
	EXPECT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	/* Only "1" means reset. */
	EXPECT_EQ(-EINVAL, write_reset("0\n"));
	EXPECT_EQ(-EINVAL, write_reset("reset\n"));
	EXPECT_EQ(resets + 1, read_long(SYSDEV "reset_count"));
}

TEST_HARNESS_MAIN
