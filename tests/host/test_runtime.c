// SPDX-License-Identifier: MIT
/*
 * Host unit tests of libzkasic's operation layer on the CPU backend: backend
 * selection, argument checking, error messages, and that results equal the
 * math core's (the accel backend is covered by the VM tests).
 */
#include <stdlib.h>
#include <zkasic/zkasic.h>

#include "kselftest_harness.h"

TEST(cpu_backend_selected_explicitly)
{
	struct zk_ctx *ctx;

	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_CPU));
	EXPECT_EQ(ZK_BACKEND_CPU, zk_ctx_backend(ctx));
	EXPECT_EQ(NULL, zk_ctx_device(ctx));
	EXPECT_STREQ("cpu", zk_backend_name(zk_ctx_backend(ctx)));
	zk_close(ctx);
}

TEST(backend_env_variable)
{
	struct zk_ctx *ctx;

	setenv("ZKASIC_BACKEND", "cpu", 1);
	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_AUTO));
	EXPECT_EQ(ZK_BACKEND_CPU, zk_ctx_backend(ctx));
	zk_close(ctx);
	setenv("ZKASIC_BACKEND", "gpu", 1);
	EXPECT_EQ(-EINVAL, zk_open(&ctx, ZK_BACKEND_AUTO));
	EXPECT_NE(NULL, strstr(zk_last_error(), "ZKASIC_BACKEND=gpu"));
	unsetenv("ZKASIC_BACKEND");
}

TEST(accel_backend_without_device_fails_clearly)
{
	struct zk_ctx *ctx;

	if (zk_device_count() > 0)
		SKIP(return, "a zkasic device is present");
	EXPECT_EQ(-ENODEV, zk_open(&ctx, ZK_BACKEND_ACCEL));
	EXPECT_NE(NULL, strstr(zk_last_error(), "no zkasic device"));
	/* AUTO falls back to the CPU. */
	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_AUTO));
	EXPECT_EQ(ZK_BACKEND_CPU, zk_ctx_backend(ctx));
	zk_close(ctx);
}

TEST(generators_are_on_their_curves)
{
	static const int curves[] = { ZKM_BN254_G1, ZKM_BN254_G2, ZKM_BLS12_381_G1,
				      ZKM_BLS12_381_G2 };
	uint8_t g[192], out[192], one[32] = { 1 };

	for (size_t i = 0; i < 4; i++) {
		size_t pb = zkm_point_bytes(curves[i]);

		ASSERT_EQ(0, zk_curve_generator(curves[i], g));
		/* The MSM checks its bases are on the curve: 1 * G == G. */
		ASSERT_EQ(0, zkm_msm(curves[i], g, one, 1, 0, out, NULL))
			TH_LOG("curve %d generator rejected", curves[i]);
		EXPECT_EQ(0, memcmp(g, out, pb));
	}
	EXPECT_EQ(-EINVAL, zk_curve_generator(99, g));
}

TEST(msm_on_cpu_matches_math_core_and_checks_input)
{
	struct zk_ctx *ctx;
	uint8_t g[64], bases[4 * 64], scalars[4 * 32], want[64], got[64];

	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, g));
	memset(scalars, 0, sizeof(scalars));
	for (int i = 0; i < 4; i++) {
		uint8_t k[32] = { (uint8_t)(3 + i) };

		ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, g, k, 1, 0, bases + 64 * i, NULL));
		scalars[32 * i] = (uint8_t)(10 * i + 1);
	}
	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_CPU));
	ASSERT_EQ(0, zk_msm(ctx, ZKM_BN254_G1, bases, scalars, 4, 0, got));
	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, bases, scalars, 4, 0, want, NULL));
	EXPECT_EQ(0, memcmp(want, got, 64));
	/* sum k_i s_i = 3*1 + 4*11 + 5*21 + 6*31 = 338: compare with 338 * G. */
	uint8_t k338[32] = { 338 & 0xff, 338 >> 8 };

	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, g, k338, 1, 0, want, NULL));
	EXPECT_EQ(0, memcmp(want, got, 64));
	/* A scalar >= r in standard form is rejected with a message. */
	memset(scalars, 0xff, 32);
	EXPECT_EQ(-ERANGE, zk_msm(ctx, ZKM_BN254_G1, bases, scalars, 4, 0, got));
	EXPECT_NE(0, strlen(zk_last_error()));
	EXPECT_EQ(-EINVAL, zk_msm(ctx, 42, bases, scalars, 4, 0, got));
	zk_close(ctx);
}

TEST(msm_sum_on_cpu_is_the_sum_of_the_parts)
{
	struct zk_ctx *ctx;
	uint8_t g[64], bases[5 * 64], scalars[5 * 32], got[64], want[64];
	const struct zkm_msm_part parts[] = {
		{ bases, scalars, 2 }, { bases + 2 * 64, scalars + 2 * 32, 3 },
	};

	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, g));
	memset(scalars, 0, sizeof(scalars));
	for (int i = 0; i < 5; i++) {
		uint8_t k[32] = { (uint8_t)(7 + i) };

		ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, g, k, 1, 0, bases + 64 * i, NULL));
		scalars[32 * i] = (uint8_t)(i + 2);
	}
	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_CPU));
	ASSERT_EQ(0, zk_msm_sum(ctx, ZKM_BN254_G1, parts, 2, 0, got));
	/* sum (7 + i)(i + 2), i < 5 = 14 + 24 + 36 + 50 + 66 = 190 */
	uint8_t k190[32] = { 190 };

	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, g, k190, 1, 0, want, NULL));
	EXPECT_EQ(0, memcmp(want, got, 64));
	EXPECT_EQ(-EINVAL, zk_msm_sum(ctx, ZKM_BN254_G1, NULL, 2, 0, got));
	EXPECT_EQ(-EINVAL, zk_msm_sum(ctx, 42, parts, 2, 0, got));
	zk_close(ctx);
}

TEST(ntt_on_cpu_roundtrip)
{
	struct zk_ctx *ctx;
	uint64_t v[256], orig[256];

	for (int i = 0; i < 256; i++)
		orig[i] = v[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL % 0xffffffff00000001ULL;
	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_CPU));
	ASSERT_EQ(0, zk_ntt(ctx, ZKM_GOLDILOCKS, v, 8, 1, 0, NULL));
	EXPECT_NE(0, memcmp(v, orig, sizeof(v)));
	ASSERT_EQ(0, zk_ntt(ctx, ZKM_GOLDILOCKS, v, 8, 1, ZKM_NTT_INVERSE, NULL));
	EXPECT_EQ(0, memcmp(v, orig, sizeof(v)));
	EXPECT_EQ(-EINVAL, zk_ntt(ctx, 0, v, 8, 1, 0, NULL));
	zk_close(ctx);
}

TEST(resident_bases_and_async_on_cpu)
{
	uint8_t g[64], pts[8 * 64], sc[8 * 32] = { 0 }, got[64], want[64];
	struct zk_bases *b;
	struct zk_ctx *ctx;
	struct zk_op *op;
	int i;

	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, g));
	for (i = 0; i < 8; i++) {
		uint8_t k[32] = { (uint8_t)(i + 3) };

		ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, g, k, 1, 0, pts + 64 * i, NULL));
		sc[32 * i] = (uint8_t)(7 * i + 1);
	}
	ASSERT_EQ(0, zk_open(&ctx, ZK_BACKEND_CPU));
	ASSERT_EQ(0, zk_bases_load(ctx, ZKM_BN254_G1, pts, 8, 0, &b));
	memset(pts, 0, 64);	/* the context keeps its own copy */
	ASSERT_EQ(0, zk_msm_bases(ctx, b, sc, 0, got));
	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, g, (uint8_t[32]){ 0 }, 1, 0, want, NULL));
	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, g, (uint8_t[32]){ 3 }, 1, 0, pts, NULL));
	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, pts, sc, 8, 0, want, NULL));
	EXPECT_EQ(0, memcmp(want, got, 64));
	EXPECT_EQ(-EINVAL, zk_msm_bases(ctx, b, sc, ZKM_MSM_POINTS_MONT, got));
	/* The asynchronous form gives the same result. */
	ASSERT_EQ(0, zk_msm_async(ctx, ZKM_BN254_G1, pts, sc, 8, 0, got, &op));
	ASSERT_EQ(0, zk_op_wait(op));
	EXPECT_EQ(0, memcmp(want, got, 64));
	/* Errors from the worker thread reach the waiting thread's message. */
	memset(sc, 0xff, 32);
	ASSERT_EQ(0, zk_msm_async(ctx, ZKM_BN254_G1, pts, sc, 8, 0, got, &op));
	EXPECT_EQ(-ERANGE, zk_op_wait(op));
	EXPECT_NE(0, strlen(zk_last_error()));
	zk_bases_free(b);
	zk_close(ctx);
}

TEST(status_strings)
{
	EXPECT_STREQ("ok", zk_status_str(DRM_ZKASIC_STATUS_OK));
	EXPECT_STREQ("device MMU fault", zk_status_str(DRM_ZKASIC_STATUS_MMU_FAULT));
	EXPECT_STREQ("unknown status", zk_status_str(0xdead));
}

TEST_HARNESS_MAIN
