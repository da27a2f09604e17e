// SPDX-License-Identifier: MIT
/*
 * Faults and recovery, driven by the device's fault-injection registers
 * (armed through the driver's debugfs fault_inject file, as root):
 *  - injected command failures come back as job statuses;
 *  - a batch that never completes is detected (no progress), the device is
 *    reset, the hung job fails with TIMEOUT, and later jobs work;
 *  - the operator's device_reset knob and the reset counter.
 *
 * vm-run-args: --device-opts ,fault-injection=on
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <zkasic/zkasic.h>

#include "kselftest_harness.h"
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

	/* The same queue works again after the reset. */
	zk_prep_fill(zk_batch_get_cmd(self->batch), buf->iova + 128, 3, 64);
	ASSERT_EQ(0, zk_batch_submit(self->batch, 1, 0, &next));
	ASSERT_EQ(0, zk_wait(self->dev, next, 30LL * 1000 * 1000 * 1000, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, res.status);
	EXPECT_EQ(3, ((uint8_t *)buf->map)[128]);
	EXPECT_EQ(2, ((uint8_t *)buf->map)[64]);
	zk_buffer_free(buf);
}

TEST_F(faults, operator_reset_counts_and_device_keeps_working)
{
	long resets = read_long(SYSDEV "reset_count");
	FILE *f = fopen(SYSDEV "device_reset", "w");

	ASSERT_NE(NULL, f);
	ASSERT_LT(0, fprintf(f, "1\n"));
	ASSERT_EQ(0, fclose(f));
	EXPECT_EQ(resets + 1, read_long(SYSDEV "reset_count"));
	zk_prep_nop(zk_batch_get_cmd(self->batch));
	EXPECT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	f = fopen(SYSDEV "device_reset", "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "0\n");
	EXPECT_NE(0, fclose(f));	/* only "1" means reset */
}

TEST_HARNESS_MAIN
