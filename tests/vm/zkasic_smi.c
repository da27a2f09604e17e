// SPDX-License-Identifier: MIT
/*
 * zkasic-smi against the device's real state: its JSON must show what
 * sysfs says (PCI slot, SKU, queues, device memory, reset count), see this
 * process holding the device, count the commands it runs, follow a reset
 * made with --reset, and show an engine busy while a long MSM runs.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <zkasic/zkasic.h>

#include "kselftest_harness.h"

#define SYSDEV "/sys/class/accel/accel0/device/"

static char smi[PATH_MAX];

/* Run zkasic-smi with @args; its stdout in @out. Returns its exit status. */
static int run_smi(const char *args, char *out, size_t len)
{
	char cmd[PATH_MAX + 64];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s %s", smi, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n + 1 < len && !feof(p))
		n += fread(out + n, 1, len - 1 - n, p);
	out[n] = 0;
	return pclose(p);
}

/* The number after "key": in @json, or -1. */
static long long json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static int json_has(const char *json, const char *key, const char *val)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "\"%s\":\"%s\"", key, val);
	return strstr(json, pat) != NULL;
}

static long long sys_num(const char *name)
{
	char path[PATH_MAX];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), SYSDEV "%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

FIXTURE(smi) {
	struct zk_device *dev;
	char out[16384];
};

FIXTURE_SETUP(smi)
{
	char self_path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

	ASSERT_LT(0, n);
	self_path[n] = 0;
	/* build/tests/vm/zkasic_smi -> build/bin/zkasic-smi */
	snprintf(smi, sizeof(smi), "%.*s/../../bin/zkasic-smi",
		 (int)(strrchr(self_path, '/') - self_path), self_path);
	ASSERT_EQ(0, access(smi, X_OK));
	ASSERT_EQ(0, zk_device_open(&self->dev, 0)) TH_LOG("%s", zk_last_error());
}

FIXTURE_TEARDOWN(smi)
{
	zk_device_close(self->dev);
}

TEST_F(smi, json_matches_sysfs_and_sees_this_process)
{
	const struct zk_device_info *info = zk_device_info(self->dev);
	char pid[32];

	ASSERT_EQ(0, run_smi("--json --interval 50", self->out, sizeof(self->out)));
	EXPECT_TRUE(json_has(self->out, "pci", info->pci_slot)) TH_LOG("%s", self->out);
	EXPECT_TRUE(json_has(self->out, "sku", info->sku ? "pro" : "air"));
	EXPECT_TRUE(json_has(self->out, "driver", "zkasic"));
	EXPECT_EQ((long long)info->num_queues, json_num(self->out, "queues"));
	EXPECT_EQ((long long)info->devmem_size, json_num(self->out, "devmem_bytes"));
	EXPECT_EQ(sys_num("reset_count"), json_num(self->out, "reset_count"));
	EXPECT_EQ((long long)info->numa_node, json_num(self->out, "numa_node"));
	snprintf(pid, sizeof(pid), "\"pid\":%d,", getpid());
	EXPECT_NE(NULL, strstr(self->out, pid)) TH_LOG("%s", self->out);
	EXPECT_LT(0, json_num(self->out, "temp_mc"));
	EXPECT_LE(0, json_num(self->out, "energy_uj"));
}

TEST_F(smi, counts_commands_and_follows_a_reset)
{
	struct zk_batch *batch;
	long long before, after, resets;
	int i;

	ASSERT_EQ(0, run_smi("--json --interval 10", self->out, sizeof(self->out)));
	before = json_num(self->out, "commands_completed");
	resets = json_num(self->out, "reset_count");
	ASSERT_EQ(0, zk_batch_new(self->dev, 0, &batch));
	for (i = 0; i < 10; i++)
		zk_prep_nop(zk_batch_get_cmd(batch));
	ASSERT_EQ(0, zk_batch_run(batch, 0, NULL));
	zk_batch_free(batch);
	ASSERT_EQ(0, run_smi("--json --interval 10", self->out, sizeof(self->out)));
	after = json_num(self->out, "commands_completed");
	EXPECT_LE(before + 10, after);
	EXPECT_EQ(sys_num("commands_completed"), after);

	ASSERT_EQ(0, run_smi("--reset 0", self->out, sizeof(self->out)));
	ASSERT_EQ(0, run_smi("--json --interval 10", self->out, sizeof(self->out)));
	EXPECT_EQ(resets + 1, json_num(self->out, "reset_count"));
	EXPECT_NE(0, run_smi("--reset 9", self->out, sizeof(self->out)));
}

TEST_F_TIMEOUT(smi, engine_busy_while_an_msm_runs, 120)
{
	size_t n = 1 << 17, i;
	struct zk_ctx *ctx;
	struct zk_op *op;
	uint8_t *pts = calloc(n, 64), *sc = calloc(n, 32), g[64], out[64];
	const char *p;
	double util = 0;

	ASSERT_NE(NULL, pts);
	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, g));
	for (i = 0; i < n; i++) {
		memcpy(pts + 64 * i, g, 64);
		memset(sc + 32 * i, 0x5a, 31);
	}
	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_ACCEL));
	ASSERT_EQ(0, zk_msm_async(ctx, ZKM_BN254_G1, pts, sc, n, 0, out, &op));
	ASSERT_EQ(0, run_smi("--json --interval 300", self->out, sizeof(self->out)));
	for (p = self->out; (p = strstr(p, "\"utilization\":")); p++)
		if (atof(p + 14) > util)
			util = atof(p + 14);
	EXPECT_LT(10.0, util) TH_LOG("%s", self->out);
	EXPECT_EQ(0, zk_op_wait(op));
	zk_close(ctx);
	free(pts);
	free(sc);
}

TEST_HARNESS_MAIN
