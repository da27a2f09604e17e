// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the emulator core's register file and queues: identity and
 * capability registers, register semantics, NOP batches, CQ phase wrap,
 * CQ-full back-pressure, interrupts per queue, bad doorbells and rings, bad
 * SQEs, fault injection, reset and queue disable while busy, and random
 * register traffic. The device runs its real worker threads against a
 * fake guest memory (test_emu_harness.h).
 */
#include "test_emu_harness.h"
#include "kselftest_harness.h"

/* EXPECT_EQ(literal, register) compares int with uint32_t by design. */
#pragma GCC diagnostic ignored "-Wsign-compare"

FIXTURE(emu) {
	struct fake_guest *g;
};

FIXTURE_SETUP(emu)
{
	self->g = fg_create(ZKASIC_SKU_AIR, true);
	fg_device_setup(self->g);
	ASSERT_EQ(0, fg_queue_setup(self->g, 0, 4, 4));
}

FIXTURE_TEARDOWN(emu)
{
	fg_destroy(self->g);
}

TEST(identity_and_capabilities)
{
	struct fake_guest *air = fg_create(ZKASIC_SKU_AIR, false);
	struct fake_guest *pro = fg_create(ZKASIC_SKU_PRO, true);
	uint32_t v;

	EXPECT_EQ(ZKASIC_ID_MAGIC, fg_rd32(air, ZKASIC_REG_ID));
	EXPECT_EQ(ZKASIC_SPEC_VERSION, fg_rd32(air, ZKASIC_REG_VERSION));
	v = fg_rd32(air, ZKASIC_REG_CAP_ENGINES);
	EXPECT_EQ(2, ZKASIC_CAP_ENGINES_MSM(v));
	EXPECT_EQ(2, ZKASIC_CAP_ENGINES_NTT(v));
	EXPECT_EQ(1, ZKASIC_CAP_ENGINES_VEC(v));
	EXPECT_EQ(4, ZKASIC_CAP_ENGINES_QUEUES(v));
	v = fg_rd32(pro, ZKASIC_REG_CAP_ENGINES);
	EXPECT_EQ(8, ZKASIC_CAP_ENGINES_MSM(v));
	EXPECT_EQ(8, ZKASIC_CAP_ENGINES_NTT(v));
	EXPECT_EQ(4, ZKASIC_CAP_ENGINES_VEC(v));
	EXPECT_EQ(16, ZKASIC_CAP_ENGINES_QUEUES(v));
	v = fg_rd32(air, ZKASIC_REG_CAP_LIMITS);
	EXPECT_EQ(26, ZKASIC_CAP_LIMITS_MSM_LOG2(v));
	EXPECT_EQ(24, ZKASIC_CAP_LIMITS_NTT_LOG2(v));
	EXPECT_EQ(12, ZKASIC_CAP_LIMITS_SQ_LOG2(v));
	EXPECT_EQ(ZKASIC_SKU_AIR, fg_rd32(air, ZKASIC_REG_SKU));
	EXPECT_EQ(ZKASIC_SKU_PRO, fg_rd32(pro, ZKASIC_REG_SKU));
	EXPECT_EQ(1ULL << 30, fg_rd64(air, ZKASIC_REG_DEVMEM_SIZE));
	EXPECT_EQ(16ULL << 30, fg_rd64(pro, ZKASIC_REG_DEVMEM_SIZE));
	EXPECT_EQ(4, fg_rd32(pro, ZKASIC_REG_DEVMEM_SIZE + 4));
	EXPECT_EQ(512, fg_rd32(air, ZKASIC_REG_NUM_CTX));
	EXPECT_EQ(4096, fg_rd32(air, ZKASIC_REG_MAX_BATCH));
	EXPECT_EQ(0x1e, fg_rd32(air, ZKASIC_REG_CAP_CURVES));
	EXPECT_EQ(0x0e, fg_rd32(air, ZKASIC_REG_CAP_FIELDS));
	v = fg_rd32(air, ZKASIC_REG_CAP_FLAGS);
	EXPECT_EQ(ZKASIC_CAP_F_MMU | ZKASIC_CAP_F_DEVMEM | ZKASIC_CAP_F_TELEMETRY, v);
	EXPECT_TRUE(fg_rd32(pro, ZKASIC_REG_CAP_FLAGS) & ZKASIC_CAP_F_FAULT_INJECT);
	EXPECT_EQ(ZKASIC_STATUS_READY, fg_rd32(air, ZKASIC_REG_STATUS));
	EXPECT_EQ(0, fg_rd32(air, ZKASIC_REG_RESET_COUNT));
	/* Queue blocks beyond the SKU's queues read 0 and ignore writes. */
	fg_wr32(air, ZKASIC_QREG(4, ZKASIC_Q_SQ_LOG2), 3);
	EXPECT_EQ(0, fg_rd32(air, ZKASIC_QREG(4, ZKASIC_Q_SQ_LOG2)));
	fg_wr32(pro, ZKASIC_QREG(15, ZKASIC_Q_SQ_LOG2), 3);
	EXPECT_EQ(3, fg_rd32(pro, ZKASIC_QREG(15, ZKASIC_Q_SQ_LOG2)));
	/* Telemetry at idle: idle power, ambient-ish temperature. */
	EXPECT_EQ(2000, fg_rd32(air, ZKASIC_REG_POWER_MW));
	EXPECT_GE(fg_rd32(air, ZKASIC_REG_TEMP_MC), 35000);
	EXPECT_GT(fg_rd64(air, ZKASIC_REG_TIMESTAMP), 0);
	fg_destroy(air);
	fg_destroy(pro);
}

TEST(devmem_size_override_and_bad_config)
{
	struct zkasic_config cfg = { .sku = ZKASIC_SKU_PRO, .devmem_size = 1ULL << 24 };
	struct zkasic_config bad = { .sku = ZKASIC_SKU_AIR, .devmem_size = 12345 };
	struct zkasic_config badsku = { .sku = 7 };
	struct fake_guest *g = fg_create_cfg(&cfg, 1 << 20);
	char err[128] = "";

	EXPECT_EQ(1ULL << 24, fg_rd64(g, ZKASIC_REG_DEVMEM_SIZE));
	fg_destroy(g);
	EXPECT_EQ(NULL, zkasic_create(&bad, &fg_host, NULL, err, sizeof(err)));
	EXPECT_NE(0, strlen(err));
	EXPECT_EQ(NULL, zkasic_create(&badsku, &fg_host, NULL, err, sizeof(err)));
	EXPECT_EQ(ZKASIC_SKU_AIR, zkasic_sku_from_name("air"));
	EXPECT_EQ(ZKASIC_SKU_PRO, zkasic_sku_from_name("pro"));
	EXPECT_EQ(-1, zkasic_sku_from_name("max"));
	EXPECT_EQ(-1, zkasic_sku_from_name(NULL));
}

TEST_F(emu, register_semantics)
{
	struct fake_guest *g = self->g;

	/* Scratch, mask: read-write. ID: read-only. */
	fg_wr32(g, ZKASIC_REG_SCRATCH, 0xdeadbeef);
	EXPECT_EQ(0xdeadbeef, fg_rd32(g, ZKASIC_REG_SCRATCH));
	fg_wr32(g, ZKASIC_REG_ID, 0);
	EXPECT_EQ(ZKASIC_ID_MAGIC, fg_rd32(g, ZKASIC_REG_ID));
	fg_wr64(g, ZKASIC_REG_DEVMEM_SIZE, 5);
	EXPECT_EQ(1ULL << 30, fg_rd64(g, ZKASIC_REG_DEVMEM_SIZE));
	/* Odd widths and unaligned offsets read 0 and are ignored. */
	EXPECT_EQ(0, zkasic_reg_read(g->dev, ZKASIC_REG_ID, 2));
	EXPECT_EQ(0, zkasic_reg_read(g->dev, ZKASIC_REG_ID + 1, 4));
	EXPECT_EQ(0, zkasic_reg_read(g->dev, ZKASIC_REG_SCRATCH + 4, 8));
	EXPECT_EQ(0, zkasic_reg_read(g->dev, ZKASIC_BAR_REGS_SIZE, 4));
	EXPECT_EQ(0, zkasic_reg_read(g->dev, ~0ULL - 3, 4));
	zkasic_reg_write(g->dev, ZKASIC_REG_SCRATCH, 1, 1);
	zkasic_reg_write(g->dev, ZKASIC_REG_SCRATCH + 2, 1, 4);
	EXPECT_EQ(0xdeadbeef, fg_rd32(g, ZKASIC_REG_SCRATCH));
	/* 64-bit access to a pair of 32-bit registers. */
	EXPECT_EQ(ZKASIC_ID_MAGIC | (uint64_t)ZKASIC_SPEC_VERSION << 32,
		  fg_rd64(g, ZKASIC_REG_ID));
	/* CTX_TABLE: page aligned, 52 bits, written whole or by halves. */
	fg_wr64(g, ZKASIC_REG_CTX_TABLE, 0xfff0123456789fffULL);
	EXPECT_EQ(0x0000123456789000ULL, fg_rd64(g, ZKASIC_REG_CTX_TABLE));
	fg_wr32(g, ZKASIC_REG_CTX_TABLE, 0x1234);
	fg_wr32(g, ZKASIC_REG_CTX_TABLE + 4, 0x0);
	EXPECT_EQ(0x1000ULL, fg_rd64(g, ZKASIC_REG_CTX_TABLE));
	EXPECT_EQ(0x1000U, fg_rd32(g, ZKASIC_REG_CTX_TABLE));
	fg_wr64(g, ZKASIC_REG_CTX_TABLE, g->ctx_table);
	/* INT_STATUS is write-1-to-clear. */
	fg_wr32(g, ZKASIC_REG_INT_MASK, 0x5);
	EXPECT_EQ(0x5, fg_rd32(g, ZKASIC_REG_INT_MASK));
	fg_wr32(g, ZKASIC_REG_INT_MASK, 0);
	/* The timestamp moves. */
	{
		uint64_t t0 = fg_rd64(g, ZKASIC_REG_TIMESTAMP);

		usleep(1000);
		EXPECT_GT(fg_rd64(g, ZKASIC_REG_TIMESTAMP), t0);
	}
	/* Ring registers of an enabled queue do not move. */
	fg_wr64(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_BASE), 0x5000);
	EXPECT_EQ(g->q[0].sq, fg_rd64(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_BASE)));
	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_LOG2), 7);
	EXPECT_EQ(4, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_LOG2)));
	EXPECT_EQ(ZKASIC_CTRL_ENABLE, fg_rd32(g, ZKASIC_REG_CTRL));
	EXPECT_EQ(ZKASIC_STATUS_READY | ZKASIC_STATUS_ENABLED,
		  fg_rd32(g, ZKASIC_REG_STATUS));
	EXPECT_TRUE(fg_alive(g, 0));
}

TEST_F(emu, nop_batch_completes)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd cmds[16] = { 0 };
	struct zkasic_cqe cqe;
	uint64_t cmd0 = fg_rd64(g, ZKASIC_REG_CMD_COUNT);
	uint64_t prog0 = fg_rd64(g, ZKASIC_QREG(0, ZKASIC_Q_PROGRESS));

	fg_submit(g, 0, cmds, 16, 0xabcd1234);
	ASSERT_EQ(0, fg_wait_cqe(g, 0, &cqe));
	EXPECT_EQ(0xabcd1234, cqe.seq);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, cqe.status);
	EXPECT_EQ(~0U, cqe.err_index);
	EXPECT_EQ(1, cqe.sq_head);
	EXPECT_EQ(ZKASIC_CQE_F_PHASE, cqe.flags);
	EXPECT_LE(cqe.start_ns, cqe.end_ns);
	EXPECT_GT(cqe.start_ns, 0);
	EXPECT_EQ(cmd0 + 16, fg_rd64(g, ZKASIC_REG_CMD_COUNT));
	EXPECT_GE(fg_rd64(g, ZKASIC_QREG(0, ZKASIC_Q_PROGRESS)), prog0 + 16);
	EXPECT_EQ(1, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_HEAD)));
	EXPECT_EQ(1, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_CQ_TAIL)));
	EXPECT_EQ(1, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_TAIL)));
	EXPECT_EQ(1, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_CQ_HEAD)));
	EXPECT_TRUE(fg_wait_notified(g, 0, 1, 2000));
	EXPECT_TRUE(fg_rd32(g, ZKASIC_REG_INT_STATUS) & ZKASIC_INT_QUEUE(0));
	fg_wr32(g, ZKASIC_REG_INT_STATUS, ZKASIC_INT_QUEUE(0));
	EXPECT_FALSE(fg_rd32(g, ZKASIC_REG_INT_STATUS) & ZKASIC_INT_QUEUE(0));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_ERR_COUNT));
}

TEST_F(emu, max_batch_of_nops)
{
	struct fake_guest *g = self->g;
	static struct drm_zkasic_cmd cmds[4096];

	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, cmds, 4096, NULL));
}

TEST_F(emu, cq_phase_wraps)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nop = { 0 };
	struct zkasic_cqe cqe;
	unsigned int i;

	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_CTRL), 0);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 1, 1));	/* 2-entry rings */
	for (i = 0; i < 9; i++) {
		fg_submit(g, 0, &nop, 1, i);
		ASSERT_EQ(0, fg_wait_cqe(g, 0, &cqe));
		EXPECT_EQ(i, cqe.seq);
		/* Slot i % 2, phase 1 on the first pass, then alternating. */
		EXPECT_EQ((i / 2) % 2 ? 0 : ZKASIC_CQE_F_PHASE, cqe.flags);
		EXPECT_EQ((i + 1) % 2, cqe.sq_head);
	}
}

TEST_F(emu, cq_full_back_pressure)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nop = { 0 };
	struct zkasic_cqe cqe;
	unsigned int i;
	uint64_t end;

	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_CTRL), 0);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 2));	/* CQ holds 3 */
	for (i = 0; i < 6; i++)
		fg_submit(g, 0, &nop, 1, 100 + i);
	/* Three CQEs, then the fourth batch waits for space. */
	end = fg_now_ms() + 5000;
	while (fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_HEAD)) != 4 &&
	       fg_now_ms() < end)
		usleep(500);
	usleep(50000);
	EXPECT_EQ(4, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_HEAD)));
	EXPECT_EQ(3, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_CQ_TAIL)));
	EXPECT_TRUE(fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_BUSY);
	/* The slot after the third CQE is untouched. */
	EXPECT_EQ(0, ((struct zkasic_cqe *)fg_ptr(g, g->q[0].cq))[3].seq);
	/* Read the three without giving them back yet. */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, fg_wait_cqe_opt(g, 0, &cqe, 1000, 0));
		EXPECT_EQ(100 + i, cqe.seq);
	}
	usleep(20000);
	EXPECT_EQ(3, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_CQ_TAIL)));
	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_CQ_HEAD), g->q[0].cq_head);
	for (i = 3; i < 6; i++) {
		ASSERT_EQ(0, fg_wait_cqe(g, 0, &cqe));
		EXPECT_EQ(100 + i, cqe.seq);
		EXPECT_EQ(DRM_ZKASIC_STATUS_OK, cqe.status);
	}
	EXPECT_EQ(6, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_HEAD)));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_ERR_COUNT));
}

TEST_F(emu, interrupts_per_queue_and_mask)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nop = { 0 };
	struct zkasic_cqe cqe;

	ASSERT_EQ(0, fg_queue_setup(g, 1, 3, 3));
	ASSERT_EQ(0, fg_queue_setup(g, 3, 3, 3));
	fg_submit(g, 1, &nop, 1, 1);
	ASSERT_EQ(0, fg_wait_cqe(g, 1, &cqe));
	EXPECT_TRUE(fg_wait_notified(g, 1, 1, 2000));
	EXPECT_EQ(0, g->notified[0]);
	EXPECT_EQ(0, g->notified[3]);
	EXPECT_EQ(ZKASIC_INT_QUEUE(1), g->irqs_seen);
	EXPECT_EQ(ZKASIC_INT_QUEUE(1), fg_rd32(g, ZKASIC_REG_INT_STATUS));

	/* Masked: status latches, no vector; unmasking sends it. */
	fg_wr32(g, ZKASIC_REG_INT_MASK, ZKASIC_INT_QUEUE(3));
	fg_submit(g, 3, &nop, 1, 2);
	ASSERT_EQ(0, fg_wait_cqe(g, 3, &cqe));
	usleep(20000);
	EXPECT_EQ(0, g->notified[3]);
	EXPECT_TRUE(fg_rd32(g, ZKASIC_REG_INT_STATUS) & ZKASIC_INT_QUEUE(3));
	fg_wr32(g, ZKASIC_REG_INT_MASK, 0);
	EXPECT_TRUE(fg_wait_notified(g, 3, 1, 2000));
	EXPECT_TRUE(g->irqs_seen & ZKASIC_INT_QUEUE(3));
	/* Cleared and masked again: nothing more. */
	fg_wr32(g, ZKASIC_REG_INT_STATUS, ~0U);
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_INT_STATUS));
	EXPECT_EQ(0, zkasic_irq_take(g->dev));
}

TEST(all_pro_queues_run_concurrently)
{
	struct fake_guest *g = fg_create(ZKASIC_SKU_PRO, false);
	struct drm_zkasic_cmd nops[8] = { 0 };
	struct zkasic_cqe cqe;
	unsigned int q, i;

	fg_device_setup(g);
	for (q = 0; q < 16; q++)
		ASSERT_EQ(0, fg_queue_setup(g, q, 3, 3));
	for (i = 0; i < 5; i++)
		for (q = 0; q < 16; q++)
			fg_submit(g, q, nops, 8, q * 100 + i);
	for (q = 0; q < 16; q++) {
		for (i = 0; i < 5; i++) {
			ASSERT_EQ(0, fg_wait_cqe(g, q, &cqe));
			EXPECT_EQ(q * 100 + i, cqe.seq);
			EXPECT_EQ(0, cqe.status);
		}
		EXPECT_TRUE(fg_wait_notified(g, q, 1, 2000));
	}
	EXPECT_EQ(16 * 5 * 8, fg_rd64(g, ZKASIC_REG_CMD_COUNT));
	fg_destroy(g);
}

TEST_F(emu, device_disable_pauses_fetching)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nop = { 0 };
	struct zkasic_cqe cqe;

	fg_wr32(g, ZKASIC_REG_CTRL, 0);
	EXPECT_EQ(ZKASIC_STATUS_READY, fg_rd32(g, ZKASIC_REG_STATUS));
	fg_submit(g, 0, &nop, 1, 7);
	EXPECT_EQ(-ETIMEDOUT, fg_wait_cqe_opt(g, 0, &cqe, 100, 1));
	fg_wr32(g, ZKASIC_REG_CTRL, ZKASIC_CTRL_ENABLE);
	ASSERT_EQ(0, fg_wait_cqe(g, 0, &cqe));
	EXPECT_EQ(7, cqe.seq);
}

TEST_F(emu, bad_doorbells_stop_the_queue_only)
{
	struct fake_guest *g = self->g;
	uint32_t n;

	ASSERT_EQ(0, fg_queue_setup(g, 1, 3, 3));
	/* SQ_TAIL beyond the ring. */
	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_TAIL), 16);
	EXPECT_EQ(ZKASIC_QSTATUS_ENABLED | ZKASIC_QSTATUS_ERROR,
		  fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ~ZKASIC_QSTATUS_BUSY);
	EXPECT_EQ(1, fg_rd32(g, ZKASIC_REG_ERR_COUNT));
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_VALUE, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_ERR_QUEUE));
	EXPECT_EQ(16, fg_rd64(g, ZKASIC_REG_ERR_ADDR));
	EXPECT_TRUE(fg_rd32(g, ZKASIC_REG_INT_STATUS) & ZKASIC_INT_ERROR);
	EXPECT_TRUE(fg_wait_notified(g, 0, 1, 2000));
	/* Doorbells on a queue in error are ignored; other queues run. */
	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_TAIL), 1);
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_TAIL)));
	EXPECT_TRUE(fg_alive(g, 1));
	/* Disable clears it; the queue works again after setup. */
	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_CTRL), 0);
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ~ZKASIC_QSTATUS_BUSY);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	EXPECT_TRUE(fg_alive(g, 0));

	/* CQ_HEAD past what the device posted. */
	n = fg_rd32(g, ZKASIC_REG_ERR_COUNT);
	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_CQ_HEAD), 5);
	EXPECT_TRUE(fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_ERROR);
	EXPECT_EQ(n + 1, fg_rd32(g, ZKASIC_REG_ERR_COUNT));
	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_CTRL), 0);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	EXPECT_TRUE(fg_alive(g, 0));
	/* Giving back exactly what was posted is fine (done by fg_alive). */
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_ERROR);
}

TEST_F(emu, bad_ring_configuration)
{
	struct fake_guest *g = self->g;
	unsigned int q = 1;

	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_LOG2), 0);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CQ_LOG2), 4);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 1);
	EXPECT_EQ(ZKASIC_QSTATUS_ERROR, fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS)));
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_SIZE, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 0);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_LOG2), 13);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 1);
	EXPECT_EQ(ZKASIC_QSTATUS_ERROR, fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS)));
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 0);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_LOG2), 12);
	fg_wr64(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_BASE), FG_BASE + 0x80);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 1);
	EXPECT_EQ(ZKASIC_QSTATUS_ERROR, fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS)));
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_ALIGN, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	EXPECT_EQ(FG_BASE + 0x80, fg_rd64(g, ZKASIC_REG_ERR_ADDR));
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 0);
	fg_wr64(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_BASE), 0xfffffffffffff000ULL);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 1);
	EXPECT_EQ(ZKASIC_QSTATUS_ERROR, fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS)));
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_VALUE, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 0);

	/* A ring outside guest memory: the SQE read fails. */
	fg_wr64(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_BASE), 0x7f0000000000ULL);
	fg_wr64(g, ZKASIC_QREG(q, ZKASIC_Q_CQ_BASE), g->q[0].cq);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 1);
	EXPECT_EQ(ZKASIC_QSTATUS_ENABLED, fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS)));
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_TAIL), 1);
	EXPECT_TRUE(fg_wait_notified(g, q, 1, 2000));
	EXPECT_TRUE(fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_ERROR);
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	EXPECT_EQ(0x7f0000000000ULL, fg_rd64(g, ZKASIC_REG_ERR_ADDR));
	EXPECT_EQ(q, fg_rd32(g, ZKASIC_REG_ERR_QUEUE));
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 0);

	/* A CQ outside guest memory: the CQE write fails. */
	ASSERT_EQ(0, fg_queue_setup(g, q, 3, 3));
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 0);
	fg_wr64(g, ZKASIC_QREG(q, ZKASIC_Q_CQ_BASE), FG_BASE + g->size);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), 1);
	g->q[q].sq_tail = 0;
	{
		struct drm_zkasic_cmd nop = { 0 };

		fg_submit(g, q, &nop, 1, 55);
	}
	EXPECT_TRUE(fg_wait_notified(g, q, 2, 2000));
	EXPECT_TRUE(fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_ERROR);
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	EXPECT_EQ(FG_BASE + g->size, fg_rd64(g, ZKASIC_REG_ERR_ADDR));
	EXPECT_EQ(55, fg_rd32(g, ZKASIC_REG_ERR_SEQ));
	EXPECT_TRUE(fg_alive(g, 0));
}

static int run_sqe(struct fake_guest *g, struct zkasic_sqe *sqe,
		   struct zkasic_cqe *cqe)
{
	fg_submit_sqe(g, 0, sqe);
	if (fg_wait_cqe(g, 0, cqe))
		return -1;
	return cqe->status;
}

/* Every error the ERR_* registers latch also reaches the embedder's log. */
TEST_F(emu, guest_errors_reach_the_embedder_log)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd cmd[2] = { { .opcode = DRM_ZKASIC_OP_NOP },
					 { .opcode = 0x99 } };
	uint64_t cmds = fg_alloc(g, 4096);
	struct zkasic_sqe s = {
		.opcode = ZKASIC_SQE_OP_EXEC, .ctx = FG_CTX, .seq = 12,
		.cmd_addr = cmds, .cmd_count = 2,
	};
	struct zkasic_cqe cqe;
	unsigned int n;
	char msg[200];

	memcpy(fg_ptr(g, cmds), cmd, sizeof(cmd));
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_OPCODE, run_sqe(g, &s, &cqe));
	pthread_mutex_lock(&g->lock);
	n = g->guest_errors;
	snprintf(msg, sizeof(msg), "%s", g->last_guest_error);
	pthread_mutex_unlock(&g->lock);
	EXPECT_EQ(1, n);
	EXPECT_EQ(fg_rd32(g, ZKASIC_REG_ERR_COUNT), n);
	EXPECT_STREQ("queue 0: INVALID_OPCODE (0x01), seq 12, command 1, address 0x0", msg);

	/* A ring error has no command. */
	ASSERT_EQ(0, fg_queue_setup(g, 1, 3, 3));
	fg_wr32(g, ZKASIC_QREG(1, ZKASIC_Q_SQ_TAIL), 16);
	pthread_mutex_lock(&g->lock);
	n = g->guest_errors;
	snprintf(msg, sizeof(msg), "%s", g->last_guest_error);
	pthread_mutex_unlock(&g->lock);
	EXPECT_EQ(2, n);
	EXPECT_STREQ("queue 1: INVALID_VALUE (0x09), seq 0, address 0x10", msg);
}

TEST_F(emu, bad_sqe_fields)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nop = { 0 };
	uint64_t cmds = fg_alloc(g, 4096 * 64 + 4096);
	struct zkasic_sqe good = {
		.opcode = ZKASIC_SQE_OP_EXEC, .ctx = FG_CTX, .seq = 9,
		.cmd_addr = cmds, .cmd_count = 1,
	}, s;
	struct zkasic_cqe cqe;
	unsigned int i;

	memcpy(fg_ptr(g, cmds), &nop, sizeof(nop));
	s = good;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, run_sqe(g, &s, &cqe));
	s = good; s.opcode = 2;
	EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	EXPECT_EQ(~0U, cqe.err_index);
	EXPECT_EQ(9, cqe.seq);
	s = good; s.flags = 1;
	EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	s = good; s.reserved0 = 1;
	EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	for (i = 0; i < 5; i++) {
		s = good; s.reserved[i] = 1ULL << 63;
		EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	}
	s = good; s.cmd_count = 0;
	EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	s = good; s.cmd_count = 4097;
	EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	s = good; s.cmd_count = 0xffffffff;
	EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	s = good; s.cmd_addr = cmds + 32;
	EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	s = good; s.ctx = 512;
	EXPECT_EQ(DRM_ZKASIC_STATUS_BAD_SQE, run_sqe(g, &s, &cqe));
	s = good; s.ctx = 511;	/* a slot that is not VALID */
	EXPECT_EQ(DRM_ZKASIC_STATUS_CTX_FAULT, run_sqe(g, &s, &cqe));
	s = good; s.cmd_addr = 0x7ff000000000ULL;
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, run_sqe(g, &s, &cqe));
	EXPECT_EQ(0x7ff000000000ULL, fg_rd64(g, ZKASIC_REG_ERR_ADDR));
	s = good; s.cmd_addr = FG_BASE + g->size - 64; s.cmd_count = 2;
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, run_sqe(g, &s, &cqe));
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	/* A command array running past 2^64 must not wrap to low memory. */
	s = good; s.cmd_addr = 0xffffffffffffffc0ULL; s.cmd_count = 4;
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, run_sqe(g, &s, &cqe));
	EXPECT_EQ(0, g->wrapping_requests);
	/* The whole batch of 4096 in memory is fine. */
	s = good; s.cmd_count = 4096;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, run_sqe(g, &s, &cqe));
	/* No context table: CTX_FAULT. */
	fg_wr64(g, ZKASIC_REG_CTX_TABLE, 0);
	s = good;
	EXPECT_EQ(DRM_ZKASIC_STATUS_CTX_FAULT, run_sqe(g, &s, &cqe));
	/* A context table outside memory: DMA_ERROR. */
	fg_wr64(g, ZKASIC_REG_CTX_TABLE, 0x7ff000000000ULL);
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, run_sqe(g, &s, &cqe));
	fg_wr64(g, ZKASIC_REG_CTX_TABLE, g->ctx_table);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, run_sqe(g, &s, &cqe));
	/* Slot 0 (the driver's) works like any other when valid. */
	fg_ctx_init(g, 0);
	s = good; s.ctx = 0;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, run_sqe(g, &s, &cqe));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_ERROR);
}

TEST_F(emu, fault_injection_fail_commands)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nops[3] = { 0 };
	uint32_t idx = 0;

	fg_wr32(g, ZKASIC_REG_FI_STATUS, 0x42);
	fg_wr32(g, ZKASIC_REG_FI_COUNT, 2);
	fg_wr32(g, ZKASIC_REG_FI_MODE, ZKASIC_FI_MODE_FAIL_CMD);
	EXPECT_EQ(ZKASIC_FI_MODE_FAIL_CMD, fg_rd32(g, ZKASIC_REG_FI_MODE));
	EXPECT_EQ(0x42, fg_run(g, 0, nops, 3, &idx));
	EXPECT_EQ(0, idx);
	EXPECT_EQ(1, fg_rd32(g, ZKASIC_REG_FI_COUNT));
	EXPECT_EQ(0x42, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	EXPECT_EQ(0x42, fg_run(g, 0, nops, 3, &idx));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, nops, 3, &idx));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_FI_COUNT));
	/* FI_STATUS 0 means INJECTED; unknown modes are ignored. */
	fg_wr32(g, ZKASIC_REG_FI_STATUS, 0);
	EXPECT_EQ(DRM_ZKASIC_STATUS_INJECTED, fg_rd32(g, ZKASIC_REG_FI_STATUS));
	fg_wr32(g, ZKASIC_REG_FI_MODE, 99);
	EXPECT_EQ(ZKASIC_FI_MODE_FAIL_CMD, fg_rd32(g, ZKASIC_REG_FI_MODE));
	fg_wr32(g, ZKASIC_REG_FI_COUNT, 1);
	EXPECT_EQ(DRM_ZKASIC_STATUS_INJECTED, fg_run(g, 0, nops, 1, &idx));
}

TEST(fault_injection_needs_the_config_flag)
{
	struct fake_guest *g = fg_create(ZKASIC_SKU_AIR, false);
	struct drm_zkasic_cmd nop = { 0 };

	fg_device_setup(g);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 3, 3));
	fg_wr32(g, ZKASIC_REG_FI_COUNT, 5);
	fg_wr32(g, ZKASIC_REG_FI_MODE, ZKASIC_FI_MODE_FAIL_CMD);
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_FI_MODE));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_FI_COUNT));
	fg_wr32(g, ZKASIC_REG_FI_MODE, ZKASIC_FI_MODE_FATAL);
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_STATUS) & ZKASIC_STATUS_FATAL);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, &nop, 1, NULL));
	fg_destroy(g);
}

TEST_F(emu, fault_injection_drop_irq_and_fatal)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nop = { 0 };
	struct zkasic_cqe cqe;

	fg_wr32(g, ZKASIC_REG_FI_COUNT, 1);
	fg_wr32(g, ZKASIC_REG_FI_MODE, ZKASIC_FI_MODE_DROP_IRQ);
	fg_submit(g, 0, &nop, 1, 1);
	ASSERT_EQ(0, fg_wait_cqe(g, 0, &cqe));
	usleep(20000);
	EXPECT_EQ(0, g->notified[0]);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, &nop, 1, NULL));
	EXPECT_TRUE(fg_wait_notified(g, 0, 1, 2000));

	fg_wr32(g, ZKASIC_REG_FI_MODE, ZKASIC_FI_MODE_FATAL);
	EXPECT_TRUE(fg_rd32(g, ZKASIC_REG_STATUS) & ZKASIC_STATUS_FATAL);
	fg_submit(g, 0, &nop, 1, 2);
	EXPECT_EQ(-ETIMEDOUT, fg_wait_cqe_opt(g, 0, &cqe, 200, 1));
	fg_wr32(g, ZKASIC_REG_CTRL, ZKASIC_CTRL_RESET);
	EXPECT_EQ(ZKASIC_STATUS_READY, fg_rd32(g, ZKASIC_REG_STATUS));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_FI_MODE));
	fg_device_setup(g);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	EXPECT_TRUE(fg_alive(g, 0));
}

static int wait_ready(struct fake_guest *g, unsigned int ms)
{
	uint64_t end = fg_now_ms() + ms;

	while (!(fg_rd32(g, ZKASIC_REG_STATUS) & ZKASIC_STATUS_READY)) {
		if (fg_now_ms() > end)
			return 0;
		usleep(500);
	}
	return 1;
}

TEST_F(emu, reset_while_busy_drops_the_batch)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd cmds[2] = { 0 };
	uint8_t *flag = fg_buffer(g, 0x10000, 4096);
	struct zkasic_cqe cqe;
	uint64_t end;

	/* A hung batch whose FENCE would write 0x77 if it ever ran. */
	cmds[1].opcode = DRM_ZKASIC_OP_FENCE;
	cmds[1].flags = DRM_ZKASIC_FENCE_F_WRITE;
	cmds[1].dst = 0x10000;
	cmds[1].arg = 0x77;
	fg_wr32(g, ZKASIC_REG_FI_COUNT, 1);
	fg_wr32(g, ZKASIC_REG_FI_MODE, ZKASIC_FI_MODE_HANG);
	fg_submit(g, 0, cmds, 2, 1);
	end = fg_now_ms() + 2000;
	while (!(fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_BUSY) &&
	       fg_now_ms() < end)
		usleep(200);
	ASSERT_TRUE(fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_BUSY);
	EXPECT_EQ(1, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_HEAD)));

	fg_wr32(g, ZKASIC_REG_SCRATCH, 5);
	fg_wr32(g, ZKASIC_REG_CTRL, ZKASIC_CTRL_RESET);
	__atomic_store_n(&g->forbid_writes, 1, __ATOMIC_RELEASE);
	EXPECT_TRUE(wait_ready(g, 5000));
	EXPECT_EQ(1, fg_rd32(g, ZKASIC_REG_RESET_COUNT));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_CTRL));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_SCRATCH));
	EXPECT_EQ(0, fg_rd64(g, ZKASIC_REG_CTX_TABLE));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_HEAD)));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_INT_STATUS));
	usleep(50000);
	EXPECT_EQ(0, __atomic_load_n(&g->forbidden_writes, __ATOMIC_ACQUIRE));
	EXPECT_EQ(-ETIMEDOUT, fg_wait_cqe_opt(g, 0, &cqe, 50, 0));
	EXPECT_EQ(0, flag[0]);
	__atomic_store_n(&g->forbid_writes, 0, __ATOMIC_RELEASE);

	/* Set up again: everything works, energy kept counting. */
	fg_device_setup(g);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	flag = fg_buffer(g, 0x10000, 4096);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, cmds, 2, NULL));
	EXPECT_EQ(0x77, flag[0]);
	EXPECT_GT(fg_rd64(g, ZKASIC_REG_ENERGY_UJ), 0);
}

TEST_F(emu, queue_disable_aborts_a_hung_batch)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nop = { 0 };
	uint64_t end;

	fg_wr32(g, ZKASIC_REG_FI_COUNT, 1);
	fg_wr32(g, ZKASIC_REG_FI_MODE, ZKASIC_FI_MODE_HANG);
	fg_submit(g, 0, &nop, 1, 1);
	/*
	 * BUSY rises when the queue starts fetching, before the hang is
	 * taken: wait for FI_COUNT to drop, or a disable that comes first
	 * would leave the hang armed for the next command.
	 */
	end = fg_now_ms() + 10000;
	while ((!(fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_BUSY) ||
		fg_rd32(g, ZKASIC_REG_FI_COUNT)) && fg_now_ms() < end)
		usleep(200);
	ASSERT_EQ(0, fg_rd32(g, ZKASIC_REG_FI_COUNT));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_PROGRESS)));
	fg_wr32(g, ZKASIC_QREG(0, ZKASIC_Q_CTRL), 0);
	end = fg_now_ms() + 2000;
	while (fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) && fg_now_ms() < end)
		usleep(200);
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)));
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	EXPECT_TRUE(fg_alive(g, 0));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_RESET_COUNT));
}

TEST_F(emu, reset_from_the_embedder_and_twice)
{
	struct fake_guest *g = self->g;

	zkasic_reset(g->dev);
	zkasic_reset(g->dev);
	EXPECT_EQ(2, fg_rd32(g, ZKASIC_REG_RESET_COUNT));
	EXPECT_TRUE(wait_ready(g, 1000));
	fg_device_setup(g);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	EXPECT_TRUE(fg_alive(g, 0));
}

/*
 * Random register traffic, including doorbells, ring bases, context table,
 * control and fault injection, while batches run: the device must neither
 * crash nor touch memory outside the fake guest (fg_dma_* refuse it), and
 * must work again after a reset.
 */
TEST_F(emu, random_register_writes_do_not_crash)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd nops[4] = { 0 };
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	unsigned int i;

	for (i = 0; i < 200000; i++) {
		uint64_t r = fg_rand(&s);
		uint64_t off, val = fg_rand(&s);
		unsigned int size = r & 1 ? 8 : 4;

		switch ((r >> 1) & 3) {
		case 0:	/* anywhere */
			off = (r >> 8) % ZKASIC_BAR_REGS_SIZE;
			break;
		case 1:	/* the queue blocks */
			off = ZKASIC_QUEUE_BASE + (r >> 8) % (16 * ZKASIC_QUEUE_STRIDE);
			break;
		default: /* the global registers */
			off = (r >> 8) % 0x400;
			break;
		}
		if ((r >> 40) % 4 == 0)
			off &= ~(uint64_t)(size - 1);
		/* Small values and guest addresses now and then. */
		if ((r >> 44) % 3 == 0)
			val &= 0xf;
		else if ((r >> 44) % 3 == 1)
			val = FG_BASE + (val % g->size);
		zkasic_reg_write(g->dev, off, val, size);
		(void)zkasic_reg_read(g->dev, (r >> 20) % ZKASIC_BAR_REGS_SIZE, size);
		if (i % 5000 == 0) {
			g->q[0].sq_tail = fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_SQ_TAIL));
			fg_submit(g, 0, nops, 4, i);
		}
	}
	zkasic_reset(g->dev);
	EXPECT_TRUE(wait_ready(g, 5000));
	memset(g->notified, 0, sizeof(g->notified));
	fg_device_setup(g);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	EXPECT_TRUE(fg_alive(g, 0));
}

TEST_HARNESS_MAIN
