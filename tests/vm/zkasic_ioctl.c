// SPDX-License-Identifier: MIT
/*
 * Every ioctl works with good arguments and rejects bad ones with the
 * documented errno: unknown flags, nonzero padding and reserved fields,
 * bad handles, sizes, queues, sequence numbers and pointers.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "zk_vm_test.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = zk_test_open();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, get_param_all_known)
{
	for (uint32_t p = DRM_ZKASIC_PARAM_SPEC_VERSION; p <= DRM_ZKASIC_PARAM_PCI_ID; p++) {
		struct drm_zkasic_get_param gp = { .param = p };

		EXPECT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_GET_PARAM, &gp))
			TH_LOG("param %u", p);
	}
}

TEST_F(dev, get_param_rejects_unknown_and_padding)
{
	struct drm_zkasic_get_param gp = { .param = 0xffff };

	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_GET_PARAM, &gp));
	gp.param = DRM_ZKASIC_PARAM_PCI_ID + 1;
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_GET_PARAM, &gp));
	gp.param = DRM_ZKASIC_PARAM_SKU;
	gp.pad = 1;
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_GET_PARAM, &gp));
}

TEST_F(dev, get_param_bad_pointer)
{
	EXPECT_EQ(-EFAULT, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_GET_PARAM, (void *)8));
}

TEST_F(dev, unknown_ioctl_number)
{
	char buf[64] = { 0 };

	EXPECT_NE(0, zk_raw_ioctl(self->fd, DRM_IOWR(DRM_COMMAND_BASE + 0x3f, char[64]), buf));
}

TEST_F(dev, bo_create_mmap_readback)
{
	struct drm_zkasic_bo_create bc;
	uint8_t *p;

	ASSERT_EQ(0, zk_test_bo(self->fd, 3 * 4096 + 5, &bc));
	EXPECT_NE(0, bc.handle);
	EXPECT_NE(0, bc.iova);
	EXPECT_EQ(0, bc.iova % 4096);
	p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 bc.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	/* New buffers are zeroed: nothing leaks from a previous owner. */
	for (int i = 0; i < 4 * 4096; i++)
		ASSERT_EQ(0, p[i]);
	memset(p, 0xa5, 4 * 4096);
	EXPECT_EQ(0xa5, p[4 * 4096 - 1]);
	munmap(p, 4 * 4096);

	struct drm_zkasic_bo_info bi = { .handle = bc.handle };

	ASSERT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_INFO, &bi));
	EXPECT_EQ(bc.iova, bi.iova);
	EXPECT_EQ(bc.mmap_offset, bi.mmap_offset);
	EXPECT_EQ(4 * 4096, bi.size);
}

TEST_F(dev, bo_iovas_do_not_overlap)
{
	struct drm_zkasic_bo_create a, b;

	ASSERT_EQ(0, zk_test_bo(self->fd, 8192, &a));
	ASSERT_EQ(0, zk_test_bo(self->fd, 8192, &b));
	EXPECT_TRUE(a.iova + 8192 <= b.iova || b.iova + 8192 <= a.iova);
	EXPECT_NE(a.handle, b.handle);
}

TEST_F(dev, bo_create_rejects_bad_input)
{
	struct drm_zkasic_bo_create bc = { .size = 0 };

	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_CREATE, &bc));
	bc.size = 4096;
	bc.flags = DRM_ZKASIC_BO_LOST;	/* reported by BO_INFO, never an input */
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_CREATE, &bc));
	bc.flags = 0;
	bc.handle = 7;		/* an output field that is not zero on input */
	bc.size = 1ULL << 62;	/* beyond any device address space */
	EXPECT_NE(0, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_CREATE, &bc));
	bc.size = UINT64_MAX;
	EXPECT_NE(0, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_CREATE, &bc));
	EXPECT_EQ(-EFAULT, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_CREATE, (void *)16));
}

TEST_F(dev, bo_info_rejects_bad_input)
{
	struct drm_zkasic_bo_create bc;
	struct drm_zkasic_bo_info bi = { .handle = 0 };

	EXPECT_EQ(-ENOENT, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_INFO, &bi));
	bi.handle = 0x7fffffff;
	EXPECT_EQ(-ENOENT, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_INFO, &bi));
	ASSERT_EQ(0, zk_test_bo(self->fd, 4096, &bc));
	bi.handle = bc.handle;
	bi.flags = 1;
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_INFO, &bi));
}

TEST_F(dev, gem_close_then_info_fails)
{
	struct drm_zkasic_bo_create bc;
	struct drm_gem_close gc = { 0 };
	struct drm_zkasic_bo_info bi = { 0 };

	ASSERT_EQ(0, zk_test_bo(self->fd, 4096, &bc));
	gc.handle = bc.handle;
	ASSERT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &gc));
	bi.handle = bc.handle;
	EXPECT_EQ(-ENOENT, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_BO_INFO, &bi));
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &gc));
}

static int submit(int fd, struct drm_zkasic_submit *s)
{
	return zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_SUBMIT, s);
}

TEST_F(dev, submit_rejects_bad_header)
{
	struct drm_zkasic_cmd cmd = { .opcode = DRM_ZKASIC_OP_NOP };
	uint64_t queues = zk_test_param(self->fd, DRM_ZKASIC_PARAM_NUM_QUEUES);
	uint64_t max = zk_test_param(self->fd, DRM_ZKASIC_PARAM_MAX_BATCH);
	struct drm_zkasic_submit good = { .cmds = (uintptr_t)&cmd, .cmd_count = 1 };
	struct drm_zkasic_submit s;

	s = good; s.cmd_count = 0;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s = good; s.cmd_count = (uint32_t)max + 1;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s = good; s.queue = (uint32_t)queues;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s = good; s.flags = 1U << 31;				/* unknown flag */
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s = good; s.flags = 3;					/* no such priority */
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s = good; s.pad = 1;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s = good; s.cmds = 8;
	EXPECT_EQ(-EFAULT, submit(self->fd, &s));
	s = good; s.cmds = 0;
	EXPECT_EQ(-EFAULT, submit(self->fd, &s));
	s = good; s.cmd_count = 2;	/* second command beyond a mapped page */
	{
		uint8_t *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT_NE(MAP_FAILED, page);
		munmap(page + 4096, 4096);
		memset(page + 4096 - sizeof(cmd), 0, sizeof(cmd));
		s.cmds = (uintptr_t)(page + 4096 - sizeof(cmd));
		EXPECT_EQ(-EFAULT, submit(self->fd, &s));
		munmap(page, 4096);
	}
	s = good; s.in_syncobj_count = 1; s.in_syncobjs = 8;
	EXPECT_EQ(-EFAULT, submit(self->fd, &s));
	{
		uint32_t bogus = 0x7777;

		s = good; s.in_syncobj_count = 1; s.in_syncobjs = (uintptr_t)&bogus;
		EXPECT_EQ(-ENOENT, submit(self->fd, &s));
		s = good; s.out_syncobj = 0x7777;
		EXPECT_EQ(-ENOENT, submit(self->fd, &s));
	}
	/* After all that, the good submission still works, at every priority. */
	s = good;
	EXPECT_EQ(0, submit(self->fd, &s));
	EXPECT_EQ(1, s.seqno);
	s = good; s.flags = DRM_ZKASIC_SUBMIT_PRIORITY_LOW;
	EXPECT_EQ(0, submit(self->fd, &s));
	s = good; s.flags = DRM_ZKASIC_SUBMIT_PRIORITY_HIGH;
	EXPECT_EQ(0, submit(self->fd, &s));
	EXPECT_EQ(3, s.seqno);
	struct drm_zkasic_wait w = { .seqno = 3, .timeout_ns = 30000000000LL };

	EXPECT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, w.status);
}

TEST_F(dev, submit_rejects_bad_commands)
{
	struct drm_zkasic_cmd cmds[2];
	struct drm_zkasic_submit s = { .cmds = (uintptr_t)cmds, .cmd_count = 2 };

	memset(cmds, 0, sizeof(cmds));
	cmds[1].opcode = 0x7f;				/* unknown opcode */
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	cmds[1].opcode = DRM_ZKASIC_OP_NOP;
	cmds[1].reserved[2] = 1;			/* reserved word */
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	cmds[1].reserved[2] = 0;
	cmds[1].opcode = DRM_ZKASIC_OP_MSM;
	cmds[1].kind = 9;				/* unknown curve */
	cmds[1].count = 1;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	cmds[1].kind = DRM_ZKASIC_CURVE_BN254_G1;
	cmds[1].flags = 0x8000;				/* unknown flag */
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	cmds[1].opcode = DRM_ZKASIC_OP_NTT;
	cmds[1].kind = 0;				/* no field */
	cmds[1].flags = 0;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
}

TEST_F(dev, wait_rejects_bad_input)
{
	struct drm_zkasic_cmd cmd = { .opcode = DRM_ZKASIC_OP_NOP };
	struct drm_zkasic_submit s = { .cmds = (uintptr_t)&cmd, .cmd_count = 1 };
	struct drm_zkasic_wait w = { 0 };

	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));	/* seqno 0 */
	w.seqno = 1;
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));	/* none yet */
	ASSERT_EQ(0, submit(self->fd, &s));
	w.seqno = s.seqno + 1;
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));
	w.seqno = s.seqno;
	w.flags = 1;
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));
	w.flags = 0;
	w.pad = 1;
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));
	w.pad = 0;
	w.timeout_ns = -1;
	EXPECT_EQ(-EINVAL, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));
	w.timeout_ns = 30LL * 1000 * 1000 * 1000;
	EXPECT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, w.status);
}

TEST_F(dev, syncobj_out_fence_signals)
{
	struct drm_zkasic_cmd cmd = { .opcode = DRM_ZKASIC_OP_NOP };
	struct drm_syncobj_create sc = { 0 };
	struct drm_syncobj_wait sw = { 0 };
	struct drm_zkasic_submit s = { .cmds = (uintptr_t)&cmd, .cmd_count = 1 };

	ASSERT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc));
	s.out_syncobj = sc.handle;
	ASSERT_EQ(0, submit(self->fd, &s));
	/* A second job waits on the first's fence as its dependency. */
	struct drm_zkasic_submit s2 = { .cmds = (uintptr_t)&cmd, .cmd_count = 1 };

	s2.in_syncobjs = (uintptr_t)&sc.handle;
	s2.in_syncobj_count = 1;
	ASSERT_EQ(0, submit(self->fd, &s2));
	sw.handles = (uintptr_t)&sc.handle;
	sw.count_handles = 1;
	sw.timeout_nsec = INT64_MAX;
	EXPECT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_WAIT, &sw));

	struct drm_zkasic_wait w = { .seqno = s2.seqno, .timeout_ns = 30000000000LL };

	EXPECT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_ZKASIC_WAIT, &w));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, w.status);
}

TEST_HARNESS_MAIN
