// SPDX-License-Identifier: MIT
/*
 * NUMA: the device sits behind a PCIe expander on node 1 of a two-node
 * guest. The runtime reports the device's node and allocates the host
 * pages of its buffers there, even for a thread running on node 0; with
 * ZKASIC_NUMA=0 the pages follow the thread instead (which shows the test
 * can tell the two apart).
 *
 * vm-run-args: --numa
 */
#include <numa.h>
#include <numaif.h>
#include <stdlib.h>
#include <zkasic/zkasic.h>

#include "kselftest_harness.h"

#define BUF_MB 64

/*
 * Shmem kB on @node (GEM buffers are shmem pages; their CPU mappings are
 * PFN maps, which move_pages() cannot look into).
 */
static long node_shmem_kb(int node)
{
	char path[96], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %*d Shmem: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* The node that gained (nearly) all of a new @BUF_MB buffer's pages. */
static int buffer_node(struct zk_device *dev)
{
	long before[2] = { node_shmem_kb(0), node_shmem_kb(1) }, after[2];
	struct zk_buffer *buf;
	int node = -1, i;

	if (zk_buffer_alloc(dev, BUF_MB << 20, 0, &buf))
		return -2;
	after[0] = node_shmem_kb(0);
	after[1] = node_shmem_kb(1);
	for (i = 0; i < 2; i++)
		if (after[i] - before[i] >= (BUF_MB << 10) * 9 / 10)
			node = i;
	zk_buffer_free(buf);
	return node;
}

FIXTURE(numa) {
	struct zk_device *dev;
};

FIXTURE_SETUP(numa)
{
	if (numa_available() < 0 || numa_max_node() < 1)
		SKIP(return, "needs two NUMA nodes (vm-run --numa)");
	/* Run on node 0: left alone, the kernel would allocate there. */
	ASSERT_EQ(0, numa_run_on_node(0));
	ASSERT_EQ(0, zk_device_open(&self->dev, 0)) TH_LOG("%s", zk_last_error());
}

FIXTURE_TEARDOWN(numa)
{
	zk_device_close(self->dev);
	unsetenv("ZKASIC_NUMA");
}

TEST_F(numa, device_reports_its_node)
{
	EXPECT_EQ(1, zk_device_info(self->dev)->numa_node);
}

TEST_F(numa, buffers_live_on_the_device_node)
{
	int mode = -1;

	EXPECT_EQ(1, buffer_node(self->dev));
	/* The thread's own policy is back to what it was. */
	ASSERT_EQ(0, get_mempolicy(&mode, NULL, 0, NULL, 0));
	EXPECT_EQ(MPOL_DEFAULT, mode);
}

TEST_F(numa, zkasic_numa_0_leaves_placement_to_the_thread)
{
	setenv("ZKASIC_NUMA", "0", 1);
	EXPECT_EQ(0, buffer_node(self->dev));
}

TEST_HARNESS_MAIN
