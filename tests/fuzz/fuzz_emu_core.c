// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the device model's core (emulator/core): whatever a
 * guest writes to registers, rings, command arrays, page tables and the
 * context table, the core must neither crash nor touch memory outside what
 * the guest gave it. Built with ASan and UBSan by tests/fuzz/run-fuzz.
 *
 * Each input is a small program run against a fresh device with 1 MiB of
 * guest memory (the fake guest of tests/host/test_emu_harness.h, whose DMA
 * callbacks refuse anything outside that memory): a context with a 64 KiB
 * buffer mapped at DATA_VA, two queues set up. Then, byte by byte:
 *
 *   op % 8 == 0  a batch of 1..4 commands from the next 64-byte chunks; each
 *                address field is, per a selector bit, either kept raw or
 *                steered into [DATA_VA - 4 KiB, DATA_VA + 68 KiB)
 *   op % 8 == 1  32-bit register write: u16 offset, u32 value
 *   op % 8 == 2  64-bit register write: u16 offset, u64 value
 *   op % 8 == 3  register read: u16 offset
 *   op % 8 == 4  guest memory write: u16 offset (anywhere in the first
 *                64 KiB: tables, rings, commands), u8 length, bytes
 *   op % 8 == 5  a raw SQE (64 bytes) on queue 0 or 1
 *   op % 8 == 6  fault injection: mode, count, status
 *   op % 8 == 7  device reset
 *
 * After every submission the harness waits a bounded time for the CQE.
 */
#include "../host/test_emu_harness.h"

#define GUEST_MEM	(1ULL << 20)
#define DATA_VA		0x40000ULL
#define DATA_BYTES	(64ULL << 10)
#define CMD_SLOTS	4

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static void take_bytes(struct input *in, void *out, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memset(out, 0, n);
	memcpy(out, in->p, k);
	in->p += k;
	in->left -= k;
}

static uint64_t steer(uint64_t raw, int keep)
{
	if (keep)
		return raw;
	return DATA_VA - FG_PAGE + (raw % (DATA_BYTES + 2 * FG_PAGE));
}

/*
 * Consume queue @q's CQEs until it goes quiet: 20 ms at most, less when the
 * queue is disabled or idle (the fuzzer often breaks it on purpose).
 */
static void drain(struct fake_guest *g, unsigned int q)
{
	uint64_t end = fg_now_ms() + 20;
	struct zkasic_cqe cqe;
	uint32_t st;

	while (fg_now_ms() <= end) {
		if (fg_cqe_ready(g, q)) {
			fg_wait_cqe_opt(g, q, &cqe, 0, 1);
			continue;
		}
		st = fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS));
		if (!(st & ZKASIC_QSTATUS_ENABLED) ||
		    (!(st & ZKASIC_QSTATUS_BUSY) &&
		     fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_HEAD)) == g->q[q].sq_tail))
			break;
		usleep(100);
	}
}

static void submit_at(struct fake_guest *g, unsigned int q, uint64_t cmd_bus,
		      uint32_t n, uint32_t seq)
{
	struct zkasic_sqe sqe = { 0 };

	sqe.opcode = ZKASIC_SQE_OP_EXEC;
	sqe.ctx = FG_CTX;
	sqe.seq = seq;
	sqe.cmd_addr = cmd_bus;
	sqe.cmd_count = n;
	fg_submit_sqe(g, q, &sqe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zkasic_config cfg = {
		.sku = ZKASIC_SKU_AIR, .devmem_size = 1 << 20, .fault_injection = true,
		.engine_threads = 1, .slice_bytes = 64 << 10,
	};
	struct input in = { data, size };
	struct fake_guest *g = fg_create_cfg(&cfg, GUEST_MEM);
	uint64_t cmd_area;
	uint32_t seq = 1;
	unsigned int ops = 0;

	fg_device_setup(g);
	fg_queue_setup(g, 0, 3, 3);
	fg_queue_setup(g, 1, 2, 2);
	fg_buffer(g, DATA_VA, DATA_BYTES);
	cmd_area = fg_alloc(g, CMD_SLOTS * sizeof(struct drm_zkasic_cmd));

	while (in.left && ops++ < 64) {
		uint8_t op = (uint8_t)take(&in, 1);

		switch (op % 8) {
		case 0: {
			uint32_t n = 1 + (op >> 3) % CMD_SLOTS, i;
			unsigned int q = (op >> 5) & 1;

			for (i = 0; i < n; i++) {
				struct drm_zkasic_cmd c;
				uint8_t sel = (uint8_t)take(&in, 1);

				take_bytes(&in, &c, sizeof(c));
				c.src0 = steer(c.src0, sel & 1);
				c.src1 = steer(c.src1, sel & 2);
				c.dst = steer(c.dst, sel & 4);
				if (!(sel & 8))
					c.count &= 0x3ff;
				if (!(sel & 16))
					c.reserved[0] = c.reserved[1] = c.reserved[2] = 0;
				memcpy(fg_ptr(g, cmd_area + i * sizeof(c)), &c, sizeof(c));
			}
			submit_at(g, q, cmd_area, n, seq++);
			drain(g, q);
			break;
		}
		case 1: {
			uint64_t off = take(&in, 2) & ~3ULL;

			fg_wr32(g, off, (uint32_t)take(&in, 4));
			break;
		}
		case 2: {
			uint64_t off = take(&in, 2) & ~7ULL;

			fg_wr64(g, off, take(&in, 8));
			break;
		}
		case 3:
			(void)fg_rd32(g, take(&in, 2) & ~3ULL);
			break;
		case 4: {
			uint64_t off = take(&in, 2);
			size_t len = (size_t)take(&in, 1);
			uint8_t buf[256];

			take_bytes(&in, buf, len);
			memcpy(g->mem + off, buf, len);	/* off < 64 KiB < GUEST_MEM - 256 */
			break;
		}
		case 5: {
			struct zkasic_sqe sqe;
			unsigned int q = (op >> 3) & 1;

			take_bytes(&in, &sqe, sizeof(sqe));
			if (!(op & 0x40))
				sqe.cmd_addr = cmd_area;
			fg_submit_sqe(g, q, &sqe);
			drain(g, q);
			break;
		}
		case 6:
			fg_wr32(g, ZKASIC_REG_FI_STATUS, (uint32_t)take(&in, 1));
			fg_wr32(g, ZKASIC_REG_FI_COUNT, (uint32_t)take(&in, 1) % 4);
			fg_wr32(g, ZKASIC_REG_FI_MODE, (uint32_t)take(&in, 1) % 8);
			break;
		default:
			zkasic_reset(g->dev);
			break;
		}
	}
	fg_destroy(g);
	return 0;
}
