// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host tests of the emulator core's commands and device MMU: FENCE, COPY,
 * FILL (host memory and devmem), VEC, NTT and MSM results compared with the
 * math core called directly on the same data, every bad command field
 * giving its documented status (with the device working afterwards), MMU
 * faults, MMU_INVAL, telemetry, engine concurrency and reset during a long
 * MSM. The staging slice is shrunk so the multi-slice paths run.
 */
#include "test_emu_harness.h"
#include <zkasic/zkasic.h>
#include "kselftest_harness.h"

/* EXPECT_EQ(literal, register) compares int with uint32_t by design. */
#pragma GCC diagnostic ignored "-Wsign-compare"

#define BUF0	0x10000000ULL	/* iovas of the test buffers */
#define BUF1	0x20000000ULL
#define BUF2	0x30000000ULL
#define BUF_SIZE (1ULL << 20)

FIXTURE(cmd) {
	struct fake_guest *g;
};

FIXTURE_SETUP(cmd)
{
	struct zkasic_config cfg = {
		.sku = ZKASIC_SKU_AIR, .engine_threads = 1,
		.slice_bytes = 64 << 10,
	};

	self->g = fg_create_cfg(&cfg, 96ULL << 20);
	fg_device_setup(self->g);
	ASSERT_EQ(0, fg_queue_setup(self->g, 0, 4, 4));
	ASSERT_EQ(0, fg_queue_setup(self->g, 1, 4, 4));
	fg_buffer_scattered(self->g, BUF0, BUF_SIZE);
	fg_buffer_scattered(self->g, BUF1, BUF_SIZE);
	fg_buffer(self->g, BUF2, BUF_SIZE);
}

FIXTURE_TEARDOWN(cmd)
{
	fg_destroy(self->g);
}

static void fill_pattern(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1;
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)fg_rand(&s);
}

TEST_F(cmd, fence_write)
{
	struct fake_guest *g = self->g;
	struct drm_zkasic_cmd c[2] = {
		{ .opcode = DRM_ZKASIC_OP_FENCE },
		{ .opcode = DRM_ZKASIC_OP_FENCE, .flags = DRM_ZKASIC_FENCE_F_WRITE,
		  .dst = BUF2 + 4088, .arg = 0x1122334455667788ULL },
	};
	uint64_t v = 0;

	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, c, 2, NULL));
	fg_get(g, BUF2 + 4088, &v, 8);
	EXPECT_EQ(0x1122334455667788ULL, v);
}

TEST_F(cmd, copy_and_fill_across_scattered_pages)
{
	struct fake_guest *g = self->g;
	static uint8_t src[BUF_SIZE], dst[BUF_SIZE], want[BUF_SIZE];
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_COPY, .count = 3 * 4096 + 123,
		.src0 = BUF0 + 8, .dst = BUF1 + 16,
	};
	uint64_t bytes0 = fg_rd64(g, ZKASIC_REG_BUSY_NS(5));

	fill_pattern(src, sizeof(src), 1);
	fg_put(g, BUF0, src, BUF_SIZE);
	memset(want, 0, sizeof(want));
	fg_put(g, BUF1, want, BUF_SIZE);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	memcpy(want + 16, src + 8, c.count);
	fg_get(g, BUF1, dst, BUF_SIZE);
	EXPECT_EQ(0, memcmp(dst, want, BUF_SIZE));

	/* A whole megabyte, more than one transfer chunk, then FILL. */
	c.count = BUF_SIZE - 8;
	c.src0 = BUF0;
	c.dst = BUF1 + 8;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	memcpy(want + 8, src, c.count);
	fg_get(g, BUF1, dst, BUF_SIZE);
	EXPECT_EQ(0, memcmp(dst, want, BUF_SIZE));

	c = (struct drm_zkasic_cmd) {
		.opcode = DRM_ZKASIC_OP_FILL, .count = 5001, .dst = BUF1 + 4096 - 8,
		.arg = 0xab,
	};
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	memset(want + 4096 - 8, 0xab, 5001);
	fg_get(g, BUF1, dst, BUF_SIZE);
	EXPECT_EQ(0, memcmp(dst, want, BUF_SIZE));
	/* count 0 is a no-op. */
	c.count = 0;
	c.arg = 0x11;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	fg_get(g, BUF1, dst, BUF_SIZE);
	EXPECT_EQ(0, memcmp(dst, want, BUF_SIZE));
	/* The DMA engine (after 2 MSM, 2 NTT, 1 VEC) was busy. */
	EXPECT_GT(fg_rd64(g, ZKASIC_REG_BUSY_NS(5)), bytes0);
}

TEST_F(cmd, overlapping_copy_is_memmove)
{
	struct fake_guest *g = self->g;
	static uint8_t buf[BUF_SIZE], want[BUF_SIZE], got[BUF_SIZE];
	struct drm_zkasic_cmd up = {
		.opcode = DRM_ZKASIC_OP_COPY, .count = 600000,
		.src0 = BUF0 + 8, .dst = BUF0 + 4104,
	}, down = {
		.opcode = DRM_ZKASIC_OP_COPY, .count = 600000,
		.src0 = BUF0 + 70000, .dst = BUF0 + 64,
	};

	fill_pattern(buf, sizeof(buf), 2);
	fg_put(g, BUF0, buf, BUF_SIZE);
	memcpy(want, buf, BUF_SIZE);
	memmove(want + 4104, want + 8, 600000);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &up));
	fg_get(g, BUF0, got, BUF_SIZE);
	EXPECT_EQ(0, memcmp(got, want, BUF_SIZE));
	memmove(want + 64, want + 70000, 600000);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &down));
	fg_get(g, BUF0, got, BUF_SIZE);
	EXPECT_EQ(0, memcmp(got, want, BUF_SIZE));
}

TEST_F(cmd, devmem_round_trip)
{
	struct fake_guest *g = self->g;
	static uint8_t src[64 << 10], got[64 << 10], want[64 << 10];
	const uint64_t dva = 0x40000000ULL;
	struct drm_zkasic_cmd c[3] = {
		{ .opcode = DRM_ZKASIC_OP_COPY, .count = sizeof(src),
		  .src0 = BUF0, .dst = dva },
		{ .opcode = DRM_ZKASIC_OP_FILL, .count = 100, .dst = dva + 4000,
		  .arg = 0x3c },
		{ .opcode = DRM_ZKASIC_OP_COPY, .count = sizeof(src),
		  .src0 = dva, .dst = BUF2 },
	};

	/* 16 devmem pages, the last page of the 1 GiB devmem among them. */
	fg_map(g, FG_CTX, dva, (1ULL << 30) - 8 * FG_PAGE, 8,
	       ZKASIC_PTE_WRITE | ZKASIC_PTE_DEVMEM);
	fg_map(g, FG_CTX, dva + 8 * FG_PAGE, 0, 8,
	       ZKASIC_PTE_WRITE | ZKASIC_PTE_DEVMEM);
	fill_pattern(src, sizeof(src), 3);
	fg_put(g, BUF0, src, sizeof(src));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, c, 3, NULL));
	memcpy(want, src, sizeof(src));
	memset(want + 4000, 0x3c, 100);
	fg_get(g, BUF2, got, sizeof(got));
	EXPECT_EQ(0, memcmp(got, want, sizeof(got)));

	/* Reset clears devmem. */
	zkasic_reset(g->dev);
	fg_device_setup(g);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	fg_buffer(g, BUF2, BUF_SIZE);
	fg_map(g, FG_CTX, dva, 0, 1, ZKASIC_PTE_DEVMEM);
	c[2].count = 4096;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, &c[2], 1, NULL));
	fg_get(g, BUF2, got, 4096);
	memset(want, 0, 4096);
	EXPECT_EQ(0, memcmp(got, want, 4096));
}

static const int fields[] = {
	ZKM_BN254_FR, ZKM_BLS12_381_FR, ZKM_GOLDILOCKS,
};

TEST_F(cmd, vec_matches_math_core)
{
	struct fake_guest *g = self->g;
	static uint8_t a[3000 * 32], b[3000 * 32], want[3000 * 32], got[3000 * 32];
	const uint32_t n = 3000;	/* several staging slices */
	unsigned int fi, op, mont;

	for (fi = 0; fi < 3; fi++) {
		int f = fields[fi];
		size_t fb = zkm_field_bytes(f);

		fg_field_elems(f, a, n, 10 + fi);
		fg_field_elems(f, b, n, 20 + fi);
		fg_put(g, BUF0, a, n * fb);
		fg_put(g, BUF1, b, n * fb);
		for (op = DRM_ZKASIC_VEC_ADD; op <= DRM_ZKASIC_VEC_FROM_MONT; op++) {
			for (mont = 0; mont < 2; mont++) {
				int unary = op >= DRM_ZKASIC_VEC_TO_MONT;
				struct drm_zkasic_cmd c = {
					.opcode = DRM_ZKASIC_OP_VEC, .kind = f,
					.flags = mont ? DRM_ZKASIC_VEC_F_MONT : 0,
					.count = n, .src0 = BUF0,
					.src1 = unary ? 0 : BUF1, .dst = BUF2,
					.arg = op,
				};

				if (unary && mont)
					continue;
				ASSERT_EQ(0, zkm_vec(f, op, a, b, want, n,
						     mont ? ZKM_VEC_MONT : 0, NULL));
				memset(got, 0, sizeof(got));
				fg_put(g, BUF2, got, n * fb);
				EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
				fg_get(g, BUF2, got, n * fb);
				EXPECT_EQ(0, memcmp(got, want, n * fb))
					TH_LOG("field %d op %u mont %u", f, op, mont);
			}
		}
		/* In place: dst == src0. */
		{
			struct drm_zkasic_cmd c = {
				.opcode = DRM_ZKASIC_OP_VEC, .kind = f, .count = n,
				.src0 = BUF0, .src1 = BUF1, .dst = BUF0,
				.arg = DRM_ZKASIC_VEC_MUL,
			};

			ASSERT_EQ(0, zkm_vec(f, ZKM_VEC_MUL, a, b, want, n, 0, NULL));
			EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
			fg_get(g, BUF0, got, n * fb);
			EXPECT_EQ(0, memcmp(got, want, n * fb));
		}
	}
}

TEST_F(cmd, ntt_matches_math_core)
{
	struct fake_guest *g = self->g;
	static const uint16_t flag_sets[] = {
		0,
		DRM_ZKASIC_NTT_F_INVERSE,
		DRM_ZKASIC_NTT_F_COSET,
		DRM_ZKASIC_NTT_F_COSET | DRM_ZKASIC_NTT_F_INVERSE,
		DRM_ZKASIC_NTT_F_COSET | DRM_ZKASIC_NTT_F_COSET_SHIFT,
		DRM_ZKASIC_NTT_F_COSET | DRM_ZKASIC_NTT_F_COSET_SHIFT |
			DRM_ZKASIC_NTT_F_INVERSE,
		DRM_ZKASIC_NTT_F_BITREV_IN,
		DRM_ZKASIC_NTT_F_BITREV_OUT,
		DRM_ZKASIC_NTT_F_BITREV_IN | DRM_ZKASIC_NTT_F_INVERSE,
		DRM_ZKASIC_NTT_F_MONT,
		DRM_ZKASIC_NTT_F_MONT | DRM_ZKASIC_NTT_F_COSET |
			DRM_ZKASIC_NTT_F_COSET_SHIFT,
	};
	static uint8_t data[3 << 15], want[3 << 15], got[3 << 15];
	const unsigned int log_n = 10, batch = 3;
	unsigned int fi, k;

	for (fi = 0; fi < 3; fi++) {
		int f = fields[fi];
		size_t fb = zkm_field_bytes(f);
		size_t bytes = ((size_t)batch << log_n) * fb;
		uint8_t shift[32];

		fg_field_elems(f, data, (size_t)batch << log_n, 30 + fi);
		fg_field_elems(f, shift, 1, 40 + fi);
		fg_put(g, BUF1, shift, fb);
		for (k = 0; k < sizeof(flag_sets) / sizeof(flag_sets[0]); k++) {
			uint16_t fl = flag_sets[k];
			int has_shift = fl & DRM_ZKASIC_NTT_F_COSET_SHIFT;
			struct drm_zkasic_cmd c = {
				.opcode = DRM_ZKASIC_OP_NTT, .kind = f, .flags = fl,
				.count = 1U << log_n, .src0 = BUF0,
				.src1 = has_shift ? BUF1 : 0,
				.dst = k % 2 ? BUF0 : BUF2, .arg = batch,
			};

			memcpy(want, data, bytes);
			ASSERT_EQ(0, zkm_ntt(f, want, log_n, batch, fl,
					     has_shift ? shift : NULL, NULL));
			fg_put(g, BUF0, data, bytes);
			EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
			fg_get(g, c.dst, got, bytes);
			EXPECT_EQ(0, memcmp(got, want, bytes))
				TH_LOG("field %d flags 0x%x", f, fl);
		}
	}
	/* Forward then inverse gives the input back. */
	{
		int f = ZKM_BN254_FR;
		size_t bytes = ((size_t)batch << log_n) * 32;
		struct drm_zkasic_cmd c[2] = {
			{ .opcode = DRM_ZKASIC_OP_NTT, .kind = f, .count = 1U << log_n,
			  .src0 = BUF0, .dst = BUF2, .arg = batch },
			{ .opcode = DRM_ZKASIC_OP_NTT, .kind = f, .count = 1U << log_n,
			  .flags = DRM_ZKASIC_NTT_F_INVERSE, .src0 = BUF2,
			  .dst = BUF2, .arg = batch },
		};

		fg_field_elems(f, data, (size_t)batch << log_n, 50);
		fg_put(g, BUF0, data, bytes);
		EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run(g, 0, c, 2, NULL));
		fg_get(g, BUF2, got, bytes);
		EXPECT_EQ(0, memcmp(got, data, bytes));
	}
}

/* @n points k_i * G with random k_i, and @n random scalars below r. */
static void msm_inputs(int curve, uint8_t *bases, uint8_t *scalars, size_t n,
		       uint64_t seed)
{
	size_t pb = zkm_point_bytes(curve), i;
	uint8_t gen[192], k[32];

	if (zk_curve_generator(curve, gen))
		abort();
	for (i = 0; i < n; i++) {
		fg_field_elems(ZKM_BN254_FR, k, 1, seed + 1000 + i);
		if (zkm_msm(curve, gen, k, 1, 0, bases + i * pb, NULL))
			abort();
	}
	/* Both scalar fields exceed 2^252: clearing bits 252..255 is enough. */
	fg_field_elems(ZKM_BN254_FR, scalars, n, seed);
}

static const int curves[] = {
	ZKM_BN254_G1, ZKM_BN254_G2, ZKM_BLS12_381_G1, ZKM_BLS12_381_G2,
};

TEST_F_TIMEOUT(cmd, msm_matches_math_core, 120)
{
	struct fake_guest *g = self->g;
	const size_t n = 700;	/* 2..11 staging slices depending on the curve */
	static uint8_t bases[700 * 192], scalars[700 * 32];
	unsigned int ci, fl;

	for (ci = 0; ci < 4; ci++) {
		int curve = curves[ci];
		size_t pb = zkm_point_bytes(curve);

		msm_inputs(curve, bases, scalars, n, 60 + ci);
		fg_put(g, BUF0, bases, n * pb);
		fg_put(g, BUF1, scalars, n * 32);
		for (fl = 0; fl < 4; fl++) {
			uint8_t want[192], got[192];
			struct drm_zkasic_cmd c = {
				.opcode = DRM_ZKASIC_OP_MSM, .kind = curve, .flags = fl,
				.count = n, .src0 = BUF0, .src1 = BUF1,
				.dst = BUF2 + 8,
			};
			int want_err = zkm_msm(curve, bases, scalars, n, fl, want, NULL);

			memset(got, 0xee, sizeof(got));
			fg_put(g, BUF2 + 8, got, pb);
			if (want_err == ZKM_OK) {
				EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
				fg_get(g, BUF2 + 8, got, pb);
				EXPECT_EQ(0, memcmp(got, want, pb))
					TH_LOG("curve %d flags %u", curve, fl);
			} else {
				/* Standard-form points read as Montgomery. */
				EXPECT_EQ(ZKM_ERANGE, want_err);
				EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_VALUE, fg_run1(g, &c));
			}
		}
	}
}

TEST_F(cmd, msm_known_answers)
{
	struct fake_guest *g = self->g;
	uint8_t gen[64], pts[128], sc[64] = { 2 }, five[32] = { 5 };
	uint8_t want[64], got[64];
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_MSM, .kind = ZKM_BN254_G1, .count = 2,
		.src0 = BUF0, .src1 = BUF1, .dst = BUF2,
	};

	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, gen));
	memcpy(pts, gen, 64);
	memcpy(pts + 64, gen, 64);
	sc[32] = 3;
	fg_put(g, BUF0, pts, 128);
	fg_put(g, BUF1, sc, 64);
	/* 2G + 3G = 5G */
	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, gen, five, 1, 0, want, NULL));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	fg_get(g, BUF2, got, 64);
	EXPECT_EQ(0, memcmp(got, want, 64));
	/* 1 * G = G */
	sc[0] = 1;
	fg_put(g, BUF1, sc, 32);
	c.count = 1;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	fg_get(g, BUF2, got, 64);
	EXPECT_EQ(0, memcmp(got, gen, 64));
	/* The empty MSM is the point at infinity (all zero). */
	c.count = 0;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	fg_get(g, BUF2, got, 64);
	memset(want, 0, 64);
	EXPECT_EQ(0, memcmp(got, want, 64));
}

TEST_F(cmd, invalid_values_fail_cleanly)
{
	struct fake_guest *g = self->g;
	uint8_t gen[64], sc[32], bad[64] = { 1 }, felem[32];
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_MSM, .kind = ZKM_BN254_G1, .count = 1,
		.src0 = BUF0, .src1 = BUF1, .dst = BUF2,
	};
	struct drm_zkasic_cmd v = {
		.opcode = DRM_ZKASIC_OP_VEC, .kind = ZKM_BN254_FR, .count = 1,
		.src0 = BUF0, .src1 = BUF1, .dst = BUF2, .arg = DRM_ZKASIC_VEC_ADD,
	};
	uint32_t idx = 0;

	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, gen));
	fg_put(g, BUF0, gen, 64);
	memset(sc, 0xff, 32);	/* >= r */
	fg_put(g, BUF1, sc, 32);
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_VALUE, fg_run(g, 0, &c, 1, &idx));
	EXPECT_EQ(0, idx);
	bad[32] = 1;		/* (1, 1) is not on the curve */
	memset(sc, 0, 32);
	sc[0] = 7;
	fg_put(g, BUF0, bad, 64);
	fg_put(g, BUF1, sc, 32);
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_VALUE, fg_run1(g, &c));
	memset(felem, 0xff, 32);
	fg_put(g, BUF0, felem, 32);
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_VALUE, fg_run1(g, &v));
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_VALUE, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
	EXPECT_TRUE(fg_alive(g, 0));
}

/* A command with one field changed and the status the device must give. */
struct bad_case {
	const char *what;
	struct drm_zkasic_cmd cmd;
	uint16_t status;
};

#define GOOD_FENCE { .opcode = DRM_ZKASIC_OP_FENCE, \
	.flags = DRM_ZKASIC_FENCE_F_WRITE, .dst = BUF2, .arg = 5 }
#define GOOD_COPY { .opcode = DRM_ZKASIC_OP_COPY, .count = 64, .src0 = BUF0, \
	.dst = BUF2 }
#define GOOD_FILL { .opcode = DRM_ZKASIC_OP_FILL, .count = 64, .dst = BUF2, \
	.arg = 0x5a }
#define GOOD_MSM { .opcode = DRM_ZKASIC_OP_MSM, .kind = ZKM_BN254_G1, \
	.count = 2, .src0 = BUF0, .src1 = BUF1, .dst = BUF2 }
#define GOOD_NTT { .opcode = DRM_ZKASIC_OP_NTT, .kind = ZKM_GOLDILOCKS, \
	.count = 16, .src0 = BUF0, .dst = BUF2, .arg = 1 }
#define GOOD_VEC { .opcode = DRM_ZKASIC_OP_VEC, .kind = ZKM_BN254_FR, \
	.count = 4, .src0 = BUF0, .src1 = BUF1, .dst = BUF2, \
	.arg = DRM_ZKASIC_VEC_ADD }
#define WITH(base, ...) ({ struct drm_zkasic_cmd _c = base; __VA_ARGS__; _c; })

#define S(x) DRM_ZKASIC_STATUS_##x
#define RO_PAGE	0x50000000ULL	/* mapped read-only */
#define HOLE	0x60000000ULL	/* not mapped */

TEST_F(cmd, every_bad_field_has_its_status)
{
	struct fake_guest *g = self->g;
	const struct bad_case cases[] = {
		{ "unknown opcode", { .opcode = 0x99 }, S(INVALID_OPCODE) },
		{ "opcode 0x04", { .opcode = 0x04 }, S(INVALID_OPCODE) },
		{ "nop reserved0", { .reserved = { 1 } }, S(RESERVED_NONZERO) },
		{ "nop reserved2", { .reserved = { 0, 0, 1ULL << 63 } }, S(RESERVED_NONZERO) },
		{ "nop kind", { .kind = 1 }, S(INVALID_KIND) },
		{ "nop flags", { .flags = 1 }, S(INVALID_FLAGS) },
		{ "nop count", { .count = 1 }, S(RESERVED_NONZERO) },
		{ "nop src0", { .src0 = 8 }, S(RESERVED_NONZERO) },
		{ "nop src1", { .src1 = 8 }, S(RESERVED_NONZERO) },
		{ "nop dst", { .dst = 8 }, S(RESERVED_NONZERO) },
		{ "nop arg", { .arg = 1 }, S(RESERVED_NONZERO) },
		{ "fence flags", WITH(GOOD_FENCE, _c.flags = 2), S(INVALID_FLAGS) },
		{ "fence kind", WITH(GOOD_FENCE, _c.kind = 3), S(INVALID_KIND) },
		{ "fence count", WITH(GOOD_FENCE, _c.count = 1), S(RESERVED_NONZERO) },
		{ "fence src0", WITH(GOOD_FENCE, _c.src0 = 8), S(RESERVED_NONZERO) },
		{ "fence dst no write", WITH(GOOD_FENCE, _c.flags = 0), S(RESERVED_NONZERO) },
		{ "fence arg no write", WITH(GOOD_FENCE, _c.flags = 0; _c.dst = 0),
		  S(RESERVED_NONZERO) },
		{ "fence misaligned", WITH(GOOD_FENCE, _c.dst += 4), S(INVALID_ALIGN) },
		{ "fence unmapped", WITH(GOOD_FENCE, _c.dst = HOLE), S(MMU_FAULT) },
		{ "fence read-only", WITH(GOOD_FENCE, _c.dst = RO_PAGE), S(MMU_FAULT) },
		{ "fence va >= 2^39", WITH(GOOD_FENCE, _c.dst = 1ULL << 39), S(MMU_FAULT) },
		{ "fence va ~0", WITH(GOOD_FENCE, _c.dst = ~7ULL), S(MMU_FAULT) },
		{ "copy kind", WITH(GOOD_COPY, _c.kind = 1), S(INVALID_KIND) },
		{ "copy flags", WITH(GOOD_COPY, _c.flags = 1), S(INVALID_FLAGS) },
		{ "copy src1", WITH(GOOD_COPY, _c.src1 = 8), S(RESERVED_NONZERO) },
		{ "copy arg", WITH(GOOD_COPY, _c.arg = 1), S(RESERVED_NONZERO) },
		{ "copy src misaligned", WITH(GOOD_COPY, _c.src0 += 1), S(INVALID_ALIGN) },
		{ "copy dst misaligned", WITH(GOOD_COPY, _c.dst += 4), S(INVALID_ALIGN) },
		{ "copy src unmapped", WITH(GOOD_COPY, _c.src0 = HOLE), S(MMU_FAULT) },
		{ "copy src runs off", WITH(GOOD_COPY, _c.src0 = BUF0 + BUF_SIZE - 32),
		  S(MMU_FAULT) },
		{ "copy dst read-only", WITH(GOOD_COPY, _c.dst = RO_PAGE), S(MMU_FAULT) },
		{ "copy 4 GiB", WITH(GOOD_COPY, _c.count = 0xffffffff), S(MMU_FAULT) },
		{ "copy wraps 2^39", WITH(GOOD_COPY, _c.src0 = (1ULL << 39) - 8),
		  S(MMU_FAULT) },
		{ "fill src0", WITH(GOOD_FILL, _c.src0 = 8), S(RESERVED_NONZERO) },
		{ "fill src1", WITH(GOOD_FILL, _c.src1 = 8), S(RESERVED_NONZERO) },
		{ "fill value", WITH(GOOD_FILL, _c.arg = 0x100), S(INVALID_VALUE) },
		{ "fill misaligned", WITH(GOOD_FILL, _c.dst += 2), S(INVALID_ALIGN) },
		{ "fill read-only", WITH(GOOD_FILL, _c.dst = RO_PAGE), S(MMU_FAULT) },
		{ "msm kind 0", WITH(GOOD_MSM, _c.kind = 0), S(INVALID_KIND) },
		{ "msm kind 5", WITH(GOOD_MSM, _c.kind = 5), S(INVALID_KIND) },
		{ "msm kind 200", WITH(GOOD_MSM, _c.kind = 200), S(INVALID_KIND) },
		{ "msm flags", WITH(GOOD_MSM, _c.flags = 4), S(INVALID_FLAGS) },
		{ "msm flags high", WITH(GOOD_MSM, _c.flags = 0x8000), S(INVALID_FLAGS) },
		{ "msm count 2^26+1", WITH(GOOD_MSM, _c.count = (1U << 26) + 1),
		  S(INVALID_SIZE) },
		{ "msm count ~0", WITH(GOOD_MSM, _c.count = ~0U), S(INVALID_SIZE) },
		{ "msm arg", WITH(GOOD_MSM, _c.arg = 1), S(RESERVED_NONZERO) },
		{ "msm scalars misaligned", WITH(GOOD_MSM, _c.src1 += 4), S(INVALID_ALIGN) },
		{ "msm 2^26 unmapped", WITH(GOOD_MSM, _c.count = 1U << 26), S(MMU_FAULT) },
		{ "msm result read-only", WITH(GOOD_MSM, _c.dst = RO_PAGE), S(MMU_FAULT) },
		{ "ntt kind", WITH(GOOD_NTT, _c.kind = 4), S(INVALID_KIND) },
		{ "ntt flags", WITH(GOOD_NTT, _c.flags = 0x40), S(INVALID_FLAGS) },
		{ "ntt shift without coset", WITH(GOOD_NTT,
		  _c.flags = DRM_ZKASIC_NTT_F_COSET_SHIFT; _c.src1 = BUF1),
		  S(INVALID_FLAGS) },
		{ "ntt count 0", WITH(GOOD_NTT, _c.count = 0), S(INVALID_SIZE) },
		{ "ntt count 12", WITH(GOOD_NTT, _c.count = 12), S(INVALID_SIZE) },
		{ "ntt count 2^25", WITH(GOOD_NTT, _c.count = 1U << 25), S(INVALID_SIZE) },
		{ "ntt count 2^31", WITH(GOOD_NTT, _c.count = 1U << 31), S(INVALID_SIZE) },
		{ "ntt batch 0", WITH(GOOD_NTT, _c.arg = 0), S(INVALID_SIZE) },
		{ "ntt batch 2^40", WITH(GOOD_NTT, _c.arg = 1ULL << 40), S(INVALID_SIZE) },
		{ "ntt batch ~0", WITH(GOOD_NTT, _c.arg = ~0ULL), S(INVALID_SIZE) },
		{ "ntt src1 unused", WITH(GOOD_NTT, _c.src1 = BUF1), S(RESERVED_NONZERO) },
		{ "ntt src misaligned", WITH(GOOD_NTT, _c.src0 += 4), S(INVALID_ALIGN) },
		{ "ntt shift misaligned", WITH(GOOD_NTT,
		  _c.flags = DRM_ZKASIC_NTT_F_COSET | DRM_ZKASIC_NTT_F_COSET_SHIFT;
		  _c.src1 = BUF1 + 4), S(INVALID_ALIGN) },
		{ "ntt shift unmapped", WITH(GOOD_NTT,
		  _c.flags = DRM_ZKASIC_NTT_F_COSET | DRM_ZKASIC_NTT_F_COSET_SHIFT;
		  _c.src1 = HOLE), S(MMU_FAULT) },
		{ "ntt batch unmapped", WITH(GOOD_NTT, _c.arg = 1 << 20), S(MMU_FAULT) },
		{ "ntt dst read-only", WITH(GOOD_NTT, _c.dst = RO_PAGE), S(MMU_FAULT) },
		{ "vec op 6", WITH(GOOD_VEC, _c.arg = 6), S(INVALID_OPCODE) },
		{ "vec op 2^40", WITH(GOOD_VEC, _c.arg = 1ULL << 40), S(INVALID_OPCODE) },
		{ "vec kind 0", WITH(GOOD_VEC, _c.kind = 0), S(INVALID_KIND) },
		{ "vec flags", WITH(GOOD_VEC, _c.flags = 2), S(INVALID_FLAGS) },
		{ "vec to_mont mont", WITH(GOOD_VEC, _c.arg = DRM_ZKASIC_VEC_TO_MONT;
		  _c.src1 = 0; _c.flags = DRM_ZKASIC_VEC_F_MONT), S(INVALID_FLAGS) },
		{ "vec to_mont src1", WITH(GOOD_VEC, _c.arg = DRM_ZKASIC_VEC_TO_MONT),
		  S(RESERVED_NONZERO) },
		{ "vec dst misaligned", WITH(GOOD_VEC, _c.dst += 4), S(INVALID_ALIGN) },
		{ "vec count ~0", WITH(GOOD_VEC, _c.count = ~0U), S(MMU_FAULT) },
		{ "vec b unmapped", WITH(GOOD_VEC, _c.src1 = HOLE), S(MMU_FAULT) },
		{ "vec scale b unmapped", WITH(GOOD_VEC, _c.arg = DRM_ZKASIC_VEC_SCALE;
		  _c.src1 = HOLE), S(MMU_FAULT) },
	};
	const struct drm_zkasic_cmd good[] = {
		{ .opcode = DRM_ZKASIC_OP_NOP }, GOOD_FENCE, GOOD_COPY, GOOD_FILL,
		GOOD_MSM, GOOD_NTT, GOOD_VEC,
	};
	uint8_t gen[64], pts[128], sc[64] = { 1, [32] = 2 };
	unsigned int i, errs = 0;

	/* Valid inputs for the good commands: zeros are valid elements. */
	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, gen));
	memcpy(pts, gen, 64);
	memcpy(pts + 64, gen, 64);
	fg_put(g, BUF0, pts, 128);
	fg_put(g, BUF1, sc, 64);
	fg_map(g, FG_CTX, RO_PAGE, fg_alloc(g, FG_PAGE), 1, 0);

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &good[i]))
			TH_LOG("good command %u", i);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* [NOP, bad, FENCE that would write]: stops at index 1. */
		struct drm_zkasic_cmd batch[3] = {
			{ .opcode = DRM_ZKASIC_OP_NOP }, cases[i].cmd,
			{ .opcode = DRM_ZKASIC_OP_FENCE,
			  .flags = DRM_ZKASIC_FENCE_F_WRITE, .dst = BUF2 + 4096,
			  .arg = i + 1 },
		};
		uint32_t idx = 0;
		uint64_t marker = 0;
		int st;

		st = fg_run(g, 0, batch, 3, &idx);
		EXPECT_EQ(cases[i].status, st) TH_LOG("case '%s'", cases[i].what);
		EXPECT_EQ(1, idx) TH_LOG("case '%s'", cases[i].what);
		EXPECT_EQ(cases[i].status, fg_rd32(g, ZKASIC_REG_ERR_STATUS));
		EXPECT_EQ(1, fg_rd32(g, ZKASIC_REG_ERR_INDEX));
		EXPECT_EQ(0, fg_rd32(g, ZKASIC_REG_ERR_QUEUE));
		fg_get(g, BUF2 + 4096, &marker, 8);
		EXPECT_EQ(0, marker) TH_LOG("case '%s' ran on", cases[i].what);
		errs++;
		EXPECT_EQ(errs, fg_rd32(g, ZKASIC_REG_ERR_COUNT));
	}
	EXPECT_TRUE(fg_alive(g, 0));
	EXPECT_TRUE(fg_alive(g, 1));
	EXPECT_EQ(0, fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_ERROR);
}

TEST_F(cmd, mmu_fault_details)
{
	struct fake_guest *g = self->g;
	uint8_t buf[8192], orig[8192];
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_COPY, .count = 8192,
		.src0 = BUF0, .dst = 0x70000000ULL,
	};
	uint32_t idx;

	/* Second page of the destination unmapped: fault, nothing written. */
	fg_buffer(g, 0x70000000ULL, 4096);
	fill_pattern(orig, sizeof(orig), 5);
	fg_put(g, 0x70000000ULL, orig, 4096);
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, fg_run(g, 0, &c, 1, &idx));
	EXPECT_EQ(0x70001000ULL, fg_rd64(g, ZKASIC_REG_ERR_ADDR));
	fg_get(g, 0x70000000ULL, buf, 4096);
	EXPECT_EQ(0, memcmp(buf, orig, 4096));

	/* iova beyond 39 bits. */
	c.dst = 1ULL << 40;
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, fg_run1(g, &c));
	EXPECT_EQ(1ULL << 40, fg_rd64(g, ZKASIC_REG_ERR_ADDR));

	/* A devmem leaf beyond the 1 GiB of devmem. */
	fg_map(g, FG_CTX, 0x71000000ULL, 1ULL << 30, 1, ZKASIC_PTE_DEVMEM);
	c.src0 = 0x71000000ULL;
	c.dst = BUF2;
	c.count = 8;
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, fg_run1(g, &c));
	EXPECT_EQ(0x71000000ULL, fg_rd64(g, ZKASIC_REG_ERR_ADDR));

	/* A leaf pointing outside guest memory: the bus says no. */
	fg_map(g, FG_CTX, 0x72000000ULL, 0x7f0000000000ULL, 1, 0);
	c.src0 = 0x72000000ULL;
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, fg_run1(g, &c));
	EXPECT_EQ(0x72000000ULL, fg_rd64(g, ZKASIC_REG_ERR_ADDR));

	/* A level-1 table outside guest memory. */
	*fg_pte_slot(g, g->root[FG_CTX], 0x4000000000ULL, 2) =
		0x7f0000000000ULL | ZKASIC_PTE_VALID;
	c.src0 = 0x4000000000ULL;
	EXPECT_EQ(DRM_ZKASIC_STATUS_DMA_ERROR, fg_run1(g, &c));

	/* A table that points at itself translates, boundedly, to itself. */
	{
		uint64_t root = g->root[FG_CTX];
		/* Index 384 at every level: root[384] -> root -> root -> root. */
		uint64_t va = (384ULL << 30) | (384ULL << 21) | (384ULL << 12);

		*fg_pte_slot(g, root, va, 2) = root | ZKASIC_PTE_VALID;
		c.src0 = va;
		EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	}

	/* Another context sees none of these buffers. */
	fg_ctx_init(g, 2);
	c.src0 = BUF0;
	c.dst = BUF2;
	{
		struct zkasic_cqe cqe;

		fg_submit_ctx(g, 0, 2, &c, 1, 77);
		ASSERT_EQ(0, fg_wait_cqe(g, 0, &cqe));
		EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, cqe.status);
		EXPECT_EQ(BUF0, fg_rd64(g, ZKASIC_REG_ERR_ADDR));
		EXPECT_EQ(77, fg_rd32(g, ZKASIC_REG_ERR_SEQ));
	}
	EXPECT_TRUE(fg_alive(g, 0));
}

TEST_F(cmd, mmu_inval_drops_cached_translations)
{
	struct fake_guest *g = self->g;
	const uint64_t va = 0x7a000000ULL;
	uint64_t pa_a = fg_alloc(g, FG_PAGE), pa_b = fg_alloc(g, FG_PAGE);
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_FENCE, .flags = DRM_ZKASIC_FENCE_F_WRITE,
		.dst = va, .arg = 1,
	};

	/* A new mapping needs no invalidation (misses are never cached). */
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, fg_run1(g, &c));
	fg_map(g, FG_CTX, va, pa_a, 1, ZKASIC_PTE_WRITE);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	EXPECT_EQ(1, *(uint64_t *)fg_ptr(g, pa_a));
	/* Changed without MMU_INVAL: the device may still use the old one. */
	fg_map(g, FG_CTX, va, pa_b, 1, ZKASIC_PTE_WRITE);
	c.arg = 2;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	EXPECT_EQ(2, *(uint64_t *)fg_ptr(g, pa_a));
	EXPECT_EQ(0, *(uint64_t *)fg_ptr(g, pa_b));
	/* MMU_INVAL of another slot does not help; of this slot does. */
	fg_wr32(g, ZKASIC_REG_MMU_INVAL, 5);
	c.arg = 3;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	EXPECT_EQ(3, *(uint64_t *)fg_ptr(g, pa_a));
	fg_wr32(g, ZKASIC_REG_MMU_INVAL, FG_CTX);
	c.arg = 4;
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	EXPECT_EQ(4, *(uint64_t *)fg_ptr(g, pa_b));
	/* ~0 drops everything; read-only now faults. */
	fg_map(g, FG_CTX, va, pa_b, 1, 0);
	fg_wr32(g, ZKASIC_REG_MMU_INVAL, ~0U);
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, fg_run1(g, &c));
	/* Unmapped and invalidated: faults. */
	*fg_leaf(g, FG_CTX, va) = 0;
	fg_wr32(g, ZKASIC_REG_MMU_INVAL, FG_CTX);
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, fg_run1(g, &c));
}

TEST_F(cmd, telemetry_follows_work)
{
	struct fake_guest *g = self->g;
	const size_t n = 256;
	static uint8_t bases[256 * 64], scalars[256 * 32];
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_MSM, .kind = ZKM_BN254_G1, .count = n,
		.src0 = BUF0, .src1 = BUF1, .dst = BUF2,
	};
	uint64_t e0 = fg_rd64(g, ZKASIC_REG_ENERGY_UJ);
	uint32_t t0 = fg_rd32(g, ZKASIC_REG_TEMP_MC);

	msm_inputs(ZKM_BN254_G1, bases, scalars, n, 7);
	fg_put(g, BUF0, bases, sizeof(bases));
	fg_put(g, BUF1, scalars, sizeof(scalars));
	EXPECT_EQ(2000, fg_rd32(g, ZKASIC_REG_POWER_MW));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	/* 256 points at 20 uJ each, plus idle power and bytes. */
	EXPECT_GE(fg_rd64(g, ZKASIC_REG_ENERGY_UJ), e0 + 256 * 20);
	EXPECT_GT(fg_rd32(g, ZKASIC_REG_POWER_MW), 2000);
	EXPECT_GE(fg_rd32(g, ZKASIC_REG_TEMP_MC), t0);
	EXPECT_GT(fg_rd64(g, ZKASIC_REG_BUSY_NS(0)) +
		  fg_rd64(g, ZKASIC_REG_BUSY_NS(1)), 0);
	EXPECT_EQ(0, fg_rd64(g, ZKASIC_REG_BUSY_NS(2)) + fg_rd64(g, ZKASIC_REG_BUSY_NS(3)));
	EXPECT_EQ(0, fg_rd64(g, ZKASIC_REG_BUSY_NS(6)));	/* no such engine */
	EXPECT_EQ(1, fg_rd64(g, ZKASIC_REG_CMD_COUNT));
}

TEST_F(cmd, queues_share_engines_concurrently)
{
	struct fake_guest *g = self->g;
	static uint8_t a[4096 * 32], b[4096 * 32], w0[4096 * 32], w1[4096 * 32];
	static uint8_t got[4096 * 32];
	const uint32_t n = 4096;
	struct drm_zkasic_cmd c0 = {
		.opcode = DRM_ZKASIC_OP_VEC, .kind = ZKM_BN254_FR, .count = n,
		.src0 = BUF0, .src1 = BUF1, .dst = BUF2, .arg = DRM_ZKASIC_VEC_MUL,
	}, c1 = {
		.opcode = DRM_ZKASIC_OP_VEC, .kind = ZKM_BN254_FR, .count = n,
		.src0 = BUF0, .src1 = BUF1, .dst = BUF2 + n * 32,
		.arg = DRM_ZKASIC_VEC_SUB,
	};
	struct zkasic_cqe cqe;
	unsigned int i;

	fg_field_elems(ZKM_BN254_FR, a, n, 80);
	fg_field_elems(ZKM_BN254_FR, b, n, 81);
	fg_put(g, BUF0, a, n * 32);
	fg_put(g, BUF1, b, n * 32);
	ASSERT_EQ(0, zkm_vec(ZKM_BN254_FR, ZKM_VEC_MUL, a, b, w0, n, 0, NULL));
	ASSERT_EQ(0, zkm_vec(ZKM_BN254_FR, ZKM_VEC_SUB, a, b, w1, n, 0, NULL));
	/* The air SKU has one VEC engine: the two queues take turns. */
	for (i = 0; i < 4; i++) {
		fg_submit(g, 0, &c0, 1, i);
		fg_submit(g, 1, &c1, 1, i);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, fg_wait_cqe(g, 0, &cqe));
		EXPECT_EQ(0, cqe.status);
		ASSERT_EQ(0, fg_wait_cqe(g, 1, &cqe));
		EXPECT_EQ(0, cqe.status);
	}
	fg_get(g, BUF2, got, n * 32);
	EXPECT_EQ(0, memcmp(got, w0, n * 32));
	fg_get(g, BUF2 + n * 32, got, n * 32);
	EXPECT_EQ(0, memcmp(got, w1, n * 32));
	EXPECT_GT(fg_rd64(g, ZKASIC_REG_BUSY_NS(4)), 0);
}

/*
 * Three long MSMs on three queues of a SKU with two MSM engines: the queue
 * left waiting for an engine still shows progress (a driver's watchdog
 * must not take it for hung), and all three results are right.
 */
TEST_F_TIMEOUT(cmd, waiting_for_an_engine_still_progresses, 120)
{
	struct fake_guest *g = self->g;
	const uint32_t n = 1U << 18;
	uint64_t pa = fg_alloc(g, (uint64_t)n * 96), i, p0[3], end;
	uint8_t gen[64], want[64], got[64], k[32] = { 0 };
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_MSM, .kind = ZKM_BN254_G1, .count = n,
		.src0 = 0x100000000ULL, .src1 = 0x100000000ULL + (uint64_t)n * 64,
	};
	struct zkasic_cqe cqe;
	unsigned int q, moved = 0, rounds = 0;

	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, gen));
	for (i = 0; i < n; i++) {
		memcpy(fg_ptr(g, pa) + i * 64, gen, 64);
		/* 232-bit scalars: every window has work (a scalar of 3 left
		 * all but one window empty, and the MSM over too soon) */
		memset(fg_ptr(g, pa) + (uint64_t)n * 64 + i * 32, 0x11, 29);
	}
	fg_map(g, FG_CTX, c.src0, pa, (uint64_t)n * 96 / FG_PAGE, 0);
	ASSERT_EQ(0, fg_queue_setup(g, 2, 4, 4));
	for (q = 0; q < 3; q++) {
		c.dst = BUF2 + q * 64;
		fg_submit(g, q, &c, 1, q);
	}
	/* Sample while all three are still running or waiting. */
	end = fg_now_ms() + 20000;
	while (fg_now_ms() < end && moved != 7 && rounds < 50) {
		for (q = 0; q < 3; q++)
			p0[q] = fg_rd64(g, ZKASIC_QREG(q, ZKASIC_Q_PROGRESS));
		usleep(50000);
		if (fg_cqe_ready(g, 0) || fg_cqe_ready(g, 1) || fg_cqe_ready(g, 2))
			break;
		for (q = 0; q < 3; q++)
			if (fg_rd64(g, ZKASIC_QREG(q, ZKASIC_Q_PROGRESS)) > p0[q])
				moved |= 1U << q;
		rounds++;
	}
	EXPECT_EQ(7, moved);
	/* 2^18 copies of one point times s make it times s << 18, which is
	 * bytes 2..30 of 0x44 (< 2^250 < r, so no reduction) */
	memset(k + 2, 0x44, 29);
	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, gen, k, 1, 0, want, NULL));
	for (q = 0; q < 3; q++) {
		ASSERT_EQ(0, fg_wait_cqe_opt(g, q, &cqe, 60000, 1));
		EXPECT_EQ(0, cqe.status);
		fg_get(g, BUF2 + q * 64, got, 64);
		EXPECT_EQ(0, memcmp(got, want, 64));
	}
}

TEST_F_TIMEOUT(cmd, reset_during_a_long_msm_writes_nothing, 120)
{
	struct fake_guest *g = self->g;
	const uint32_t n = 1U << 15;
	uint64_t pa = fg_alloc(g, (uint64_t)n * 96), i, end;
	uint8_t gen[64], sentinel[64], got[64];
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_MSM, .kind = ZKM_BN254_G1, .count = n,
		.src0 = 0x100000000ULL, .src1 = 0x100000000ULL + (uint64_t)n * 64,
		.dst = BUF2,
	};
	struct zkasic_cqe cqe;

	/* n copies of G with scalars 1..n (mapped in one 6 MiB range). */
	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, gen));
	for (i = 0; i < n; i++) {
		uint8_t *s = fg_ptr(g, pa) + (uint64_t)n * 64 + i * 32;

		memcpy(fg_ptr(g, pa) + i * 64, gen, 64);
		s[0] = (uint8_t)(i + 1);
		s[1] = (uint8_t)((i + 1) >> 8);
	}
	fg_map(g, FG_CTX, c.src0, pa, (uint64_t)n * 96 / FG_PAGE, 0);
	memset(sentinel, 0x5e, sizeof(sentinel));
	fg_put(g, BUF2, sentinel, 64);

	fg_submit(g, 0, &c, 1, 1);
	end = fg_now_ms() + 5000;
	while (!(fg_rd32(g, ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_BUSY) &&
	       fg_now_ms() < end)
		usleep(100);
	usleep(2000);
	zkasic_reset(g->dev);
	__atomic_store_n(&g->forbid_writes, 1, __ATOMIC_RELEASE);
	end = fg_now_ms() + 60000;
	while (!(fg_rd32(g, ZKASIC_REG_STATUS) & ZKASIC_STATUS_READY) &&
	       fg_now_ms() < end)
		usleep(1000);
	EXPECT_TRUE(fg_rd32(g, ZKASIC_REG_STATUS) & ZKASIC_STATUS_READY);
	usleep(20000);
	EXPECT_EQ(0, __atomic_load_n(&g->forbidden_writes, __ATOMIC_ACQUIRE));
	fg_get(g, BUF2, got, 64);
	EXPECT_EQ(0, memcmp(got, sentinel, 64));
	EXPECT_EQ(-ETIMEDOUT, fg_wait_cqe_opt(g, 0, &cqe, 10, 0));
	__atomic_store_n(&g->forbid_writes, 0, __ATOMIC_RELEASE);

	/* Same MSM after setup completes with sum(1..n) * G. */
	fg_wr64(g, ZKASIC_REG_CTX_TABLE, g->ctx_table);
	fg_wr32(g, ZKASIC_REG_CTRL, ZKASIC_CTRL_ENABLE);
	ASSERT_EQ(0, fg_queue_setup(g, 0, 4, 4));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fg_run1(g, &c));
	{
		uint64_t sum = (uint64_t)n * (n + 1) / 2;
		uint8_t k[32] = { 0 }, want[64];

		for (i = 0; i < 8; i++)
			k[i] = (uint8_t)(sum >> (8 * i));
		ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, gen, k, 1, 0, want, NULL));
		fg_get(g, BUF2, got, 64);
		EXPECT_EQ(0, memcmp(got, want, 64));
	}
}

TEST_HARNESS_MAIN
