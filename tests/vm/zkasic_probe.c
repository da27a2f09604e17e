// SPDX-License-Identifier: MIT
/*
 * The device probes: the accel node exists, belongs to the zkasic driver,
 * reports the PCI identity and capabilities the hardware spec promises.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <xf86drm.h>

#include "kselftest_harness.h"
#include "zkasic_hw.h"
#include "zk_vm_test.h"

static unsigned long read_sysfs_hex(const char *path)
{
	unsigned long v = ULONG_MAX;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%lx", &v) != 1)
			v = ULONG_MAX;
		fclose(f);
	}
	return v;
}

TEST(pci_identity)
{
	ASSERT_EQ(ZKASIC_PCI_VENDOR_ID,
		  read_sysfs_hex("/sys/class/accel/accel0/device/vendor"));
	ASSERT_EQ(ZKASIC_PCI_DEVICE_ID,
		  read_sysfs_hex("/sys/class/accel/accel0/device/device"));
	ASSERT_EQ(ZKASIC_PCI_CLASS,
		  read_sysfs_hex("/sys/class/accel/accel0/device/class") >> 8);
}

TEST(bound_to_zkasic_driver)
{
	char link[PATH_MAX];
	ssize_t len;

	len = readlink("/sys/class/accel/accel0/device/driver", link, sizeof(link) - 1);
	ASSERT_GT(len, 0);
	link[len] = 0;
	ASSERT_NE(NULL, strstr(link, "/zkasic"));
}

TEST(drm_version_name)
{
	drmVersionPtr v;
	int fd = zk_test_open();

	ASSERT_LE(0, fd);
	v = drmGetVersion(fd);
	ASSERT_NE(NULL, v);
	EXPECT_STREQ("zkasic", v->name);
	drmFreeVersion(v);
	close(fd);
}

TEST(capabilities)
{
	int fd = zk_test_open();
	uint64_t queues;

	ASSERT_LE(0, fd);
	EXPECT_EQ((uint64_t)ZKASIC_SPEC_VERSION,
		  zk_test_param(fd, DRM_ZKASIC_PARAM_SPEC_VERSION));
	EXPECT_EQ(((uint64_t)ZKASIC_PCI_VENDOR_ID << 16) | ZKASIC_PCI_DEVICE_ID,
		  zk_test_param(fd, DRM_ZKASIC_PARAM_PCI_ID));
	queues = zk_test_param(fd, DRM_ZKASIC_PARAM_NUM_QUEUES);
	EXPECT_GE(queues, 1);
	EXPECT_LE(queues, ZKASIC_MAX_QUEUES);
	/* Every SKU computes on both curves' G1 and all three fields. */
	EXPECT_TRUE(zk_test_param(fd, DRM_ZKASIC_PARAM_CURVES) &
		    (1U << DRM_ZKASIC_CURVE_BN254_G1));
	EXPECT_TRUE(zk_test_param(fd, DRM_ZKASIC_PARAM_CURVES) &
		    (1U << DRM_ZKASIC_CURVE_BLS12_381_G1));
	EXPECT_EQ((1U << DRM_ZKASIC_FIELD_BN254_FR) | (1U << DRM_ZKASIC_FIELD_BLS12_381_FR) |
		  (1U << DRM_ZKASIC_FIELD_GOLDILOCKS),
		  zk_test_param(fd, DRM_ZKASIC_PARAM_FIELDS));
	EXPECT_GE(zk_test_param(fd, DRM_ZKASIC_PARAM_MSM_ENGINES), 1);
	EXPECT_GE(zk_test_param(fd, DRM_ZKASIC_PARAM_NTT_ENGINES), 1);
	EXPECT_GE(zk_test_param(fd, DRM_ZKASIC_PARAM_MAX_BATCH), 64);
	EXPECT_EQ(ZKASIC_VA_BITS, zk_test_param(fd, DRM_ZKASIC_PARAM_VA_BITS));
	close(fd);
}

TEST(many_opens_get_separate_contexts)
{
	struct drm_zkasic_bo_create a, b;
	int fa = zk_test_open(), fb = zk_test_open();

	ASSERT_LE(0, fa);
	ASSERT_LE(0, fb);
	ASSERT_EQ(0, zk_test_bo(fa, 4096, &a));
	ASSERT_EQ(0, zk_test_bo(fb, 4096, &b));
	/* Handles are per file: fb knows nothing of fa's handle... */
	struct drm_zkasic_bo_info bi = { .handle = a.handle + 1000 };

	EXPECT_EQ(-ENOENT, zk_raw_ioctl(fb, DRM_IOCTL_ZKASIC_BO_INFO, &bi));
	close(fa);
	close(fb);
}

TEST_HARNESS_MAIN
