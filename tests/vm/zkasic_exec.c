// SPDX-License-Identifier: MIT
/*
 * Real work through the whole stack: libzkasic -> ioctl -> driver -> queue
 * -> device model -> DMA -> completion, checked against the math core run
 * in this process. Also: device-side faults are reported per command and
 * one context can never touch another's memory.
 *
 * vm-guest-errors: MMU_FAULT
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <zkasic/zkasic.h>

#include "kselftest_harness.h"

/* Published generators: BN254 G1 (1, 2) and BLS12-381 G1. */
static const char *const bls_gx =
	"17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
static const char *const bls_gy =
	"08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1";

/* Big-endian hex to little-endian bytes. */
static void hex_le(const char *hex, uint8_t *out, size_t len)
{
	size_t n = strlen(hex);

	memset(out, 0, len);
	for (size_t i = 0; i < n; i++) {
		char c = hex[n - 1 - i];
		unsigned int v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

		out[i / 2] |= (uint8_t)(v << (4 * (i % 2)));
	}
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random scalar below 2^252 (so below r for both curves). */
static void rand_scalar(uint8_t *s)
{
	for (int i = 0; i < 32; i += 8) {
		uint64_t v = next_rand();

		memcpy(s + i, &v, 8);
	}
	s[31] &= 0x0f;
}

/* n random points k_i * G on @curve, computed with the math core. */
static void make_bases(int curve, uint8_t *bases, size_t n)
{
	size_t pb = zkm_point_bytes(curve), fb = pb / 2;
	uint8_t g[96], k[32];

	memset(g, 0, sizeof(g));
	if (curve == ZKM_BN254_G1) {
		g[0] = 1;
		g[fb] = 2;
	} else {
		hex_le(bls_gx, g, fb);
		hex_le(bls_gy, g + fb, fb);
	}
	for (size_t i = 0; i < n; i++) {
		rand_scalar(k);
		if (zkm_msm(curve, g, k, 1, 0, bases + i * pb, NULL))
			abort();
	}
}

FIXTURE(stack) {
	struct zk_device *dev;
	struct zk_batch *batch;
};

FIXTURE_SETUP(stack)
{
	ASSERT_EQ(0, zk_device_open(&self->dev, 0)) TH_LOG("%s", zk_last_error());
	ASSERT_EQ(0, zk_batch_new(self->dev, 0, &self->batch));
}

FIXTURE_TEARDOWN(stack)
{
	zk_batch_free(self->batch);
	zk_device_close(self->dev);
}

TEST_F(stack, nop_batch_completes)
{
	struct zk_result res;

	for (int i = 0; i < 64; i++)
		zk_prep_nop(zk_batch_get_cmd(self->batch));
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, &res)) TH_LOG("%s", zk_last_error());
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, res.status);
}

TEST_F(stack, nop_on_every_queue)
{
	for (unsigned int q = 0; q < zk_device_info(self->dev)->num_queues; q++) {
		zk_prep_nop(zk_batch_get_cmd(self->batch));
		EXPECT_EQ(0, zk_batch_run(self->batch, q, NULL)) TH_LOG("queue %u: %s", q,
									 zk_last_error());
	}
}

TEST_F(stack, fence_write_and_fill_copy)
{
	struct zk_buffer *buf;
	uint8_t *p;

	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 8192, 0, &buf));
	p = buf->map;
	zk_prep_fill(zk_batch_get_cmd(self->batch), buf->iova, 0x5a, 100);
	zk_prep_copy(zk_batch_get_cmd(self->batch), buf->iova + 4096, buf->iova, 100);
	zk_prep_fence(zk_batch_get_cmd(self->batch), buf->iova + 8184, 0x1122334455667788ULL);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	for (int i = 0; i < 100; i++) {
		ASSERT_EQ(0x5a, p[i]);
		ASSERT_EQ(0x5a, p[4096 + i]);
	}
	EXPECT_EQ(0, p[100]);
	EXPECT_EQ(0, p[4096 + 100]);
	EXPECT_EQ(0x1122334455667788ULL, *(uint64_t *)(p + 8184));
	zk_buffer_free(buf);
}

TEST_F(stack, vec_mul_goldilocks_matches_cpu)
{
	const size_t n = 1000;
	uint64_t a[1000], b[1000], want[1000];
	struct zk_buffer *buf;
	uint64_t *p;

	for (size_t i = 0; i < n; i++) {
		a[i] = next_rand() % 0xffffffff00000001ULL;
		b[i] = next_rand() % 0xffffffff00000001ULL;
	}
	ASSERT_EQ(0, zkm_vec(ZKM_GOLDILOCKS, ZKM_VEC_MUL, a, b, want, n, 0, NULL));
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 3 * n * 8, 0, &buf));
	p = buf->map;
	memcpy(p, a, sizeof(a));
	memcpy(p + n, b, sizeof(b));
	zk_prep_vec(zk_batch_get_cmd(self->batch), DRM_ZKASIC_FIELD_GOLDILOCKS,
		    DRM_ZKASIC_VEC_MUL, buf->iova, buf->iova + n * 8,
		    buf->iova + 2 * n * 8, n, 0);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	EXPECT_EQ(0, memcmp(want, p + 2 * n, sizeof(want)));
	zk_buffer_free(buf);
}

TEST_F(stack, ntt_roundtrip_and_matches_cpu)
{
	static const struct { int field; unsigned int log_n; } cases[] = {
		{ ZKM_GOLDILOCKS, 10 }, { ZKM_BN254_FR, 8 }, { ZKM_BLS12_381_FR, 6 },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		int field = cases[c].field;
		size_t fb = zkm_field_bytes(field), n = 1UL << cases[c].log_n;
		uint8_t *in = malloc(n * fb), *want = malloc(n * fb);
		struct zk_buffer *buf;

		ASSERT_NE(NULL, in);
		for (size_t i = 0; i < n * fb; i++)
			in[i] = (uint8_t)next_rand();
		for (size_t i = 0; i < n; i++)
			in[i * fb + fb - 1] &= fb == 8 ? 0x7f : 0x0f; /* below p */
		memcpy(want, in, n * fb);
		ASSERT_EQ(0, zkm_ntt(field, want, cases[c].log_n, 1, 0, NULL, NULL));

		ASSERT_EQ(0, zk_buffer_alloc(self->dev, 2 * n * fb, 0, &buf));
		memcpy(buf->map, in, n * fb);
		/* forward into the second half, inverse back in place */
		zk_prep_ntt(zk_batch_get_cmd(self->batch), field, buf->iova,
			    buf->iova + n * fb, cases[c].log_n, 1, 0);
		ASSERT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
		EXPECT_EQ(0, memcmp(want, (uint8_t *)buf->map + n * fb, n * fb))
			TH_LOG("field %d forward NTT differs from the math core", field);
		zk_prep_ntt(zk_batch_get_cmd(self->batch), field, buf->iova + n * fb,
			    buf->iova + n * fb, cases[c].log_n, 1, DRM_ZKASIC_NTT_F_INVERSE);
		ASSERT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
		EXPECT_EQ(0, memcmp(in, (uint8_t *)buf->map + n * fb, n * fb))
			TH_LOG("field %d: INTT(NTT(x)) != x", field);
		zk_buffer_free(buf);
		free(in);
		free(want);
	}
}

TEST_F(stack, msm_matches_cpu)
{
	static const struct { int curve; size_t n; } cases[] = {
		{ ZKM_BN254_G1, 64 }, { ZKM_BLS12_381_G1, 32 },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		int curve = cases[c].curve;
		size_t n = cases[c].n, pb = zkm_point_bytes(curve);
		uint8_t *bases = malloc(n * pb), *scalars = malloc(n * 32);
		uint8_t want[96], got[96];
		struct zk_ctx *ctx;

		ASSERT_NE(NULL, bases);
		make_bases(curve, bases, n);
		for (size_t i = 0; i < n; i++)
			rand_scalar(scalars + 32 * i);
		memset(scalars, 0, 32);		/* a zero scalar */
		ASSERT_EQ(0, zkm_msm(curve, bases, scalars, n, 0, want, NULL));
		ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_ACCEL)) TH_LOG("%s", zk_last_error());
		ASSERT_EQ(0, zk_msm(ctx, curve, bases, scalars, n, 0, got))
			TH_LOG("%s", zk_last_error());
		EXPECT_EQ(0, memcmp(want, got, pb)) TH_LOG("curve %d MSM differs", curve);
		zk_close(ctx);
		free(bases);
		free(scalars);
	}
}

TEST_F(stack, bad_command_reports_status_and_device_keeps_working)
{
	struct zk_buffer *buf;
	struct zk_result res;

	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, 0, &buf));
	zk_prep_nop(zk_batch_get_cmd(self->batch));
	/* A FILL running off the end of the buffer into unmapped space. */
	zk_prep_fill(zk_batch_get_cmd(self->batch), buf->iova, 1, 8192);
	zk_prep_fill(zk_batch_get_cmd(self->batch), buf->iova, 2, 16);
	EXPECT_EQ(-EIO, zk_batch_run(self->batch, 0, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, res.status);
	EXPECT_EQ(1, res.err_index);
	/* The failing batch stopped: the third command never ran. */
	EXPECT_NE(2, ((uint8_t *)buf->map)[0]);
	/* Misaligned and oversized NTTs fail on the device too. */
	zk_prep_ntt(zk_batch_get_cmd(self->batch), DRM_ZKASIC_FIELD_GOLDILOCKS,
		    buf->iova + 4, buf->iova + 4, 4, 1, 0);
	EXPECT_EQ(-EIO, zk_batch_run(self->batch, 0, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_INVALID_ALIGN, res.status);
	zk_prep_ntt(zk_batch_get_cmd(self->batch), DRM_ZKASIC_FIELD_GOLDILOCKS,
		    buf->iova, buf->iova, 12, 1, 0);	/* 32 KiB: beyond the buffer */
	EXPECT_EQ(-EIO, zk_batch_run(self->batch, 0, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, res.status);
	/* And a good command right after works. */
	zk_prep_fill(zk_batch_get_cmd(self->batch), buf->iova, 3, 16);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, &res)) TH_LOG("%s", zk_last_error());
	EXPECT_EQ(3, ((uint8_t *)buf->map)[15]);
	zk_buffer_free(buf);
}

TEST_F(stack, other_context_memory_is_unreachable)
{
	struct zk_device *other;
	struct zk_buffer *pad, *secret, *mine;
	struct zk_batch *b;
	struct zk_result res;

	ASSERT_EQ(0, zk_device_open(&other, 0));
	/* The victim's buffer sits above anything the attacker maps. */
	ASSERT_EQ(0, zk_buffer_alloc(other, 1 << 20, 0, &pad));
	ASSERT_EQ(0, zk_buffer_alloc(other, 4096, 0, &secret));
	memset(secret->map, 0x77, 4096);
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, 0, &mine));
	ASSERT_EQ(0, zk_batch_new(self->dev, 0, &b));

	zk_prep_fill(zk_batch_get_cmd(b), secret->iova, 0, 4096);
	EXPECT_EQ(-EIO, zk_batch_run(b, 0, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, res.status);
	zk_prep_copy(zk_batch_get_cmd(b), mine->iova, secret->iova, 4096);
	EXPECT_EQ(-EIO, zk_batch_run(b, 0, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, res.status);
	for (int i = 0; i < 4096; i++) {
		ASSERT_EQ(0x77, ((uint8_t *)secret->map)[i]);
		ASSERT_EQ(0, ((uint8_t *)mine->map)[i]);
	}
	zk_batch_free(b);
	zk_buffer_free(mine);
	zk_buffer_free(secret);
	zk_buffer_free(pad);
	zk_device_close(other);
}

TEST_HARNESS_MAIN
