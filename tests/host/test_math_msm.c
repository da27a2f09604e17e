// SPDX-License-Identifier: MIT
/*
 * zkm_msm on all four groups: against the naive sum of scalar
 * multiplications (small n) and against (sum s_i k_i mod r) G for bases
 * k_i G (any n), in every combination of standard and Montgomery forms and
 * thread counts, whole and cut into parts (zkm_msm_sum); plus the edge
 * cases and rejections the API promises.
 */
#include <zkasic/zkmath.h>

#include "curves.h"
#include "glv_consts.h"
#include "kselftest_harness.h"
#include "test_math_common.h"
#include "test_math_gens.h"

/* a scalar for slot i: mostly random, with zeros, ones, r - 1 and small values mixed in */
static void pick_scalar(uint64_t *s, const uint64_t *r, size_t i)
{
	uint64_t one[4] = { 1 };

	switch (tm_rand64() % 16) {
	case 0:
		memset(s, 0, 32);
		break;
	case 1:
		memcpy(s, one, 32);
		break;
	case 2:
		tm_sub(s, r, one, 4);
		break;
	case 3:
		memset(s, 0, 32);
		s[0] = tm_rand64() & 0xffff;
		break;
	default:
		tm_rand_below(s, r, 4);
	}
	(void)i;
}

/*
 * Per group: build n bases k_i G (k_i = a + i b), scalars s_i, and compare
 * zkm_msm with (sum s_i k_i) G and, when @naive, with sum s_i (k_i G).
 */
#define MSM_CHECK(EC, FR, ID)							\
static int EC##_msm_check(size_t n, unsigned int flags, unsigned int threads, int naive) \
{										\
	enum { PB = EC##_point_bytes };						\
	const uint64_t *r = FR##_P;						\
	const int pmont = !!(flags & ZKM_MSM_POINTS_MONT);			\
	const int smont = !!(flags & ZKM_MSM_SCALARS_MONT);			\
	uint8_t *bases = malloc(n * PB + 1), *sc = malloc(n * 32 + 1);		\
	uint8_t got[PB], want[PB];						\
	uint64_t a[4], b[4], k[4], acc[4] = { 0 }, s[4], t[4];			\
	EC##_aff_t g, p;							\
	EC##_jac_t G, P, B, S, N;						\
	struct zkm_exec ex = { .threads = threads };				\
	int ok = 1, err;							\
	memset(&g, 0, sizeof(g));						\
	load_gen(ID, &g);							\
	EC##_jac_from_aff(&G, &g);						\
	tm_rand_below(a, r, 4);							\
	tm_rand_below(b, r, 4);							\
	memcpy(k, a, 32);							\
	EC##_jac_mul(&P, &G, a, 4);						\
	EC##_jac_mul(&B, &G, b, 4);						\
	EC##_jac_set_inf(&N);							\
	for (size_t i = 0; i < n; i++) {					\
		EC##_jac_to_aff(&p, &P);					\
		EC##_aff_store(bases + i * PB, &p, pmont);			\
		pick_scalar(s, r, i);						\
		if (smont) {							\
			tm_mulmod(t, s, FR##_R1, r, 4);				\
			tm_limbs_to_le(sc + 32 * i, t, 4);			\
		} else {							\
			tm_limbs_to_le(sc + 32 * i, s, 4);			\
		}								\
		tm_mulmod(t, s, k, r, 4);					\
		tm_addmod(acc, acc, t, r, 4);					\
		if (naive) {							\
			EC##_jac_t Q;						\
			EC##_jac_mul(&Q, &P, s, 4);				\
			EC##_jac_add(&N, &N, &Q);				\
		}								\
		EC##_jac_add(&P, &P, &B);					\
		tm_addmod(k, k, b, r, 4);					\
	}									\
	EC##_jac_mul(&S, &G, acc, 4);						\
	EC##_jac_to_aff(&p, &S);						\
	EC##_aff_store(want, &p, pmont);					\
	memset(got, 0xa5, PB);							\
	err = zkm_msm(ID, bases, sc, n, flags, got, &ex);			\
	if (err || memcmp(got, want, PB))					\
		ok = 0;								\
	/* the same sum cut into parts, one of them empty */			\
	{									\
		const size_t c1 = n / 3, c2 = n - n / 4;			\
		const struct zkm_msm_part parts[] = {				\
			{ bases, sc, c1 },					\
			{ NULL, NULL, 0 },					\
			{ bases + c1 * PB, sc + 32 * c1, c2 - c1 },		\
			{ bases + c2 * PB, sc + 32 * c2, n - c2 },		\
		};								\
		uint8_t sum[PB];						\
		memset(sum, 0x5a, PB);						\
		if (zkm_msm_sum(ID, parts, 4, flags, sum, &ex) ||		\
		    memcmp(sum, want, PB))					\
			ok = 0;							\
	}									\
	if (naive) {								\
		EC##_jac_to_aff(&p, &N);					\
		EC##_aff_store(want, &p, pmont);				\
		if (memcmp(got, want, PB))					\
			ok = 0;							\
	}									\
	free(bases);								\
	free(sc);								\
	return ok;								\
}

MSM_CHECK(bn254_g1, bn254_fr, ZKM_BN254_G1)
MSM_CHECK(bn254_g2, bn254_fr, ZKM_BN254_G2)
MSM_CHECK(bls12_381_g1, bls12_381_fr, ZKM_BLS12_381_G1)
MSM_CHECK(bls12_381_g2, bls12_381_fr, ZKM_BLS12_381_G2)

static int msm_check(int curve, size_t n, unsigned int flags, unsigned int threads, int naive)
{
	switch (curve) {
	case ZKM_BN254_G1:
		return bn254_g1_msm_check(n, flags, threads, naive);
	case ZKM_BN254_G2:
		return bn254_g2_msm_check(n, flags, threads, naive);
	case ZKM_BLS12_381_G1:
		return bls12_381_g1_msm_check(n, flags, threads, naive);
	default:
		return bls12_381_g2_msm_check(n, flags, threads, naive);
	}
}

TEST(small_against_naive_sum)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 33 };

	for (int curve = 1; curve <= 4; curve++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			for (unsigned int flags = 0; flags < 4; flags++) {
				int ok = msm_check(curve, sizes[i], flags, 1 + (i % 3), 1);

				if (!ok)
					TH_LOG("curve %d n %zu flags %u", curve, sizes[i], flags);
				ASSERT_TRUE(ok);
			}
}

TEST(larger_against_scalar_sum)
{
	static const size_t sizes[] = { 100, 1000, 5000 };

	for (int curve = 1; curve <= 4; curve++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			size_t n = curve % 2 ? sizes[i] : sizes[i] / 4;	/* G2 is slower */
			unsigned int flags = (unsigned int)(i + curve) % 4;

			for (unsigned int threads = 1; threads <= 3; threads += 2) {
				int ok = msm_check(curve, n, flags, threads, 0);

				if (!ok)
					TH_LOG("curve %d n %zu flags %u threads %u", curve, n,
					       flags, threads);
				ASSERT_TRUE(ok);
			}
		}
	/* all online CPUs */
	ASSERT_TRUE(msm_check(ZKM_BN254_G1, 3000, 0, 0, 0));
}

static void bn_base(uint8_t *out, const uint64_t *k)
{
	bn254_g1_aff_t g, p;
	bn254_g1_jac_t J;

	load_gen(ZKM_BN254_G1, &g);
	bn254_g1_jac_from_aff(&J, &g);
	bn254_g1_jac_mul(&J, &J, k, 4);
	bn254_g1_jac_to_aff(&p, &J);
	bn254_g1_aff_store(out, &p, 0);
}

static void edge_cases_body(struct __test_metadata *_metadata)
{
	enum { N = 64 };
	uint8_t bases[N * 64], sc[N * 32], got[96], want[64], zero[96] = { 0 };
	uint64_t k[4] = { 12345 }, s[4] = { 777 }, ks[4];
	uint64_t one[4] = { 1 }, rm1[4], y[4], two[4] = { 2 };
	int err;

	/* n = 0: infinity, whatever the pointers */
	memset(got, 0x77, sizeof(got));
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BN254_G1, NULL, NULL, 0, 0, got, NULL));
	ASSERT_EQ(0, memcmp(got, zero, 64));
	memset(got, 0x77, 96);
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BLS12_381_G1, NULL, NULL, 0, 0, got, NULL));
	ASSERT_EQ(0, memcmp(got, zero, 96));

	/* the same point N times: N s k G (bucket doubling) */
	for (int i = 0; i < N; i++) {
		bn_base(bases + 64 * i, k);
		tm_limbs_to_le(sc + 32 * i, s, 4);
	}
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, got, NULL));
	memset(ks, 0, sizeof(ks));
	ks[0] = 12345ULL * 777 * N;
	bn_base(want, ks);
	ASSERT_EQ(0, memcmp(got, want, 64));

	/* P and -P with equal scalars cancel */
	for (int i = 1; i < N; i += 2) {
		uint64_t nk[4], kk[4] = { 12345 };

		tm_sub(nk, bn254_fr_P, kk, 4);
		bn_base(bases + 64 * i, nk);
	}
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, got, NULL));
	ASSERT_EQ(0, memcmp(got, zero, 64));

	/* all-zero scalars, and infinity bases, give infinity */
	memset(sc, 0, sizeof(sc));
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, got, NULL));
	ASSERT_EQ(0, memcmp(got, zero, 64));
	memset(bases, 0, sizeof(bases));
	for (int i = 0; i < N; i++)
		tm_limbs_to_le(sc + 32 * i, s, 4);
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BN254_G1, bases, sc, N, ZKM_MSM_POINTS_MONT, got, NULL));
	ASSERT_EQ(0, memcmp(got, zero, 64));

	/* r - 1 times G is -G: (1, q - 2) */
	tm_sub(rm1, bn254_fr_P, one, 4);
	bn_base(bases, one);
	tm_limbs_to_le(sc, rm1, 4);
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BN254_G1, bases, sc, 1, 0, got, NULL));
	tm_sub(y, bn254_fq_P, two, 4);
	memset(want, 0, 64);
	want[0] = 1;
	tm_limbs_to_le(want + 32, y, 4);
	ASSERT_EQ(0, memcmp(got, want, 64));

	/* scalar r and 2^256 - 1 rejected, in both forms */
	bn_base(bases, k);
	tm_limbs_to_le(sc, bn254_fr_P, 4);
	ASSERT_EQ(ZKM_ERANGE, zkm_msm(ZKM_BN254_G1, bases, sc, 1, 0, got, NULL));
	ASSERT_EQ(ZKM_ERANGE, zkm_msm(ZKM_BN254_G1, bases, sc, 1, ZKM_MSM_SCALARS_MONT, got, NULL));
	memset(sc, 0xff, 32);
	ASSERT_EQ(ZKM_ERANGE, zkm_msm(ZKM_BN254_G1, bases, sc, 1, 0, got, NULL));

	/* base coordinate >= p, or off the curve, rejected (at any index) */
	for (int i = 0; i < N; i++) {
		bn_base(bases + 64 * i, k);
		tm_limbs_to_le(sc + 32 * i, s, 4);
	}
	tm_limbs_to_le(bases + 64 * 40, bn254_fq_P, 4);
	err = zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, got, NULL);
	ASSERT_EQ(ZKM_ERANGE, err);
	bn_base(bases + 64 * 40, k);
	bases[64 * 40 + 32] ^= 4;
	ASSERT_EQ(ZKM_ERANGE, zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, got, NULL));
	bases[64 * 40 + 32] ^= 4;
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, got, NULL));

	/* bad arguments */
	ASSERT_EQ(ZKM_EINVAL, zkm_msm(0, bases, sc, N, 0, got, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_msm(5, bases, sc, N, 0, got, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_msm(ZKM_BN254_G1, bases, sc, N, 4, got, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_msm(ZKM_BN254_G1, NULL, sc, N, 0, got, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_msm(ZKM_BN254_G1, bases, NULL, N, 0, got, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, NULL, NULL));
	{
		struct zkm_msm_part parts[ZKM_MSM_MAX_PARTS + 1] = { { bases, sc, N } };

		/* no parts: infinity; too many parts or a part without data: EINVAL */
		memset(got, 0xa5, sizeof(got));
		ASSERT_EQ(ZKM_OK, zkm_msm_sum(ZKM_BN254_G1, NULL, 0, 0, got, NULL));
		for (size_t i = 0; i < 64; i++)
			ASSERT_EQ(0, got[i]);
		ASSERT_EQ(ZKM_EINVAL, zkm_msm_sum(ZKM_BN254_G1, parts, ZKM_MSM_MAX_PARTS + 1, 0,
						  got, NULL));
		ASSERT_EQ(ZKM_EINVAL, zkm_msm_sum(ZKM_BN254_G1, NULL, 1, 0, got, NULL));
		parts[1].n = 1;
		ASSERT_EQ(ZKM_EINVAL, zkm_msm_sum(ZKM_BN254_G1, parts, 2, 0, got, NULL));
		parts[1].bases = bases;
		parts[1].scalars = sc;
		parts[1].n = SIZE_MAX;
		ASSERT_EQ(ZKM_EINVAL, zkm_msm_sum(ZKM_BN254_G1, parts, 2, 0, got, NULL));
	}
}

TEST(edge_cases)
{
	edge_cases_body(_metadata);
}

/* G2: the same point N times (doublings in a batch), then P and -P (cancellations) */
static int g2_same_and_opposite_ok(void)
{
	enum { N = 64, PB = bn254_g2_point_bytes };
	uint8_t bases[N * PB], sc[N * 32], got[PB], want[PB];
	uint64_t s[4] = { 999 }, ns[4] = { 999 * N };
	bn254_g2_aff_t g, p;
	bn254_g2_jac_t J;
	int ok;

	load_gen(ZKM_BN254_G2, &g);
	for (int i = 0; i < N; i++) {
		bn254_g2_aff_store(bases + PB * i, &g, 0);
		tm_limbs_to_le(sc + 32 * i, s, 4);
	}
	bn254_g2_jac_from_aff(&J, &g);
	bn254_g2_jac_mul(&J, &J, ns, 4);
	bn254_g2_jac_to_aff(&p, &J);
	bn254_g2_aff_store(want, &p, 0);
	ok = zkm_msm(ZKM_BN254_G2, bases, sc, N, 0, got, NULL) == ZKM_OK &&
	     memcmp(got, want, PB) == 0;
	bn254_g2_aff_neg(&p, &g);
	for (int i = 1; i < N; i += 2)
		bn254_g2_aff_store(bases + PB * i, &p, 0);
	memset(want, 0, PB);
	return ok && zkm_msm(ZKM_BN254_G2, bases, sc, N, 0, got, NULL) == ZKM_OK &&
	       memcmp(got, want, PB) == 0;
}

/*
 * The batch-affine bucket path (window width >= 10) on small inputs, by
 * forcing the window: equal points (doubling in a batch), opposite points
 * (cancelling), conflicts (XYZZ overflow buckets), all groups and forms.
 */
TEST(batch_affine_buckets)
{
	static const char *const widths[] = { "10", "12", "14" };

	for (int w = 0; w < 3; w++) {
		setenv("ZKASIC_MSM_WINDOW", widths[w], 1);
		edge_cases_body(_metadata);
		ASSERT_TRUE(g2_same_and_opposite_ok());
		for (int curve = 1; curve <= 4; curve++)
			for (unsigned int flags = 0; flags < 4; flags++) {
				int ok = msm_check(curve, curve % 2 ? 700 : 150, flags, 1 + flags % 2, 0);

				if (!ok)
					TH_LOG("window %s curve %d flags %u", widths[w], curve, flags);
				ASSERT_TRUE(ok);
			}
	}
	unsetenv("ZKASIC_MSM_WINDOW");
}

/* k = (-1)^n1 k1 + (-1)^n2 k2 lambda mod r with |k1|, |k2| < 2^bits, per group. */
static int glv_split_ok(const struct zkm_glv *c, const uint64_t *lambda, const uint64_t *r,
			const uint64_t *k)
{
	uint64_t k1[4], k2[4], t[4], sum[4];
	int neg1, neg2;

	zkm_glv_split(c, k, k1, &neg1, k2, &neg2);
	if (k1[3] || k2[3] || ((k1[2] | k2[2]) >> (c->bits - 128)))	/* 128 <= bits < 192 */
		return 0;
	memcpy(sum, k1, 32);
	if (neg1)
		tm_sub(sum, r, k1, 4);
	if (!k1[0] && !k1[1] && !k1[2])
		memset(sum, 0, 32);
	tm_mulmod(t, k2, lambda, r, 4);
	if (neg2 && (t[0] | t[1] | t[2] | t[3]))
		tm_sub(t, r, t, 4);
	tm_addmod(sum, sum, t, r, 4);
	return !memcmp(sum, k, 32);
}

TEST(glv_scalar_split)
{
	static const struct {
		const struct zkm_glv *c;
		const uint64_t *lambda, *r;
	} groups[] = {
		{ &bn254_g1_GLV, bn254_g1_GLV_LAMBDA, bn254_fr_P },
		{ &bn254_g2_GLV, bn254_g2_GLV_LAMBDA, bn254_fr_P },
		{ &bls12_381_g1_GLV, bls12_381_g1_GLV_LAMBDA, bls12_381_fr_P },
		{ &bls12_381_g2_GLV, bls12_381_g2_GLV_LAMBDA, bls12_381_fr_P },
	};

	for (int g = 0; g < 4; g++) {
		const uint64_t *r = groups[g].r;
		uint64_t k[4], one[4] = { 1 };

		memset(k, 0, 32);
		ASSERT_TRUE(glv_split_ok(groups[g].c, groups[g].lambda, r, k));
		ASSERT_TRUE(glv_split_ok(groups[g].c, groups[g].lambda, r, one));
		tm_sub(k, r, one, 4);
		ASSERT_TRUE(glv_split_ok(groups[g].c, groups[g].lambda, r, k));
		ASSERT_TRUE(glv_split_ok(groups[g].c, groups[g].lambda, r, groups[g].lambda));
		for (int i = 0; i < 20000; i++) {
			tm_rand_below(k, r, 4);
			if (!glv_split_ok(groups[g].c, groups[g].lambda, r, k))
				TH_LOG("group %d k %016lx%016lx%016lx%016lx", g, k[3], k[2], k[1], k[0]);
			ASSERT_TRUE(glv_split_ok(groups[g].c, groups[g].lambda, r, k));
		}
	}
}

/* The plain (no GLV) path stays correct: it is the reference and a tuning aid. */
TEST(without_glv)
{
	setenv("ZKASIC_MSM_GLV", "0", 1);
	for (int curve = 1; curve <= 4; curve++)
		for (unsigned int flags = 0; flags < 4; flags++) {
			ASSERT_TRUE(msm_check(curve, 33, flags, 1, 1));
			ASSERT_TRUE(msm_check(curve, curve % 2 ? 1000 : 250, flags, 2, 0));
		}
	edge_cases_body(_metadata);
	unsetenv("ZKASIC_MSM_GLV");
}

/*
 * The ADX flush stays correct on CPUs with AVX-512 IFMA too, where the
 * eight-lane flush (msm_flush_ifma.c) is the default.
 */
TEST(without_ifma)
{
	setenv("ZKASIC_MATH_IFMA", "0", 1);
	for (int curve = 1; curve <= 4; curve++)
		for (unsigned int flags = 0; flags < 4; flags++)
			ASSERT_TRUE(msm_check(curve, curve % 2 ? 1000 : 250, flags, 2, 0));
	setenv("ZKASIC_MSM_WINDOW", "10", 1);
	edge_cases_body(_metadata);
	ASSERT_TRUE(g2_same_and_opposite_ok());
	unsetenv("ZKASIC_MSM_WINDOW");
	unsetenv("ZKASIC_MATH_IFMA");
}

TEST(abort_and_progress)
{
	enum { N = 20000 };
	uint8_t *bases = malloc(N * 64), *sc = malloc(N * 32), got[64];
	volatile uint64_t progress = 0;
	volatile int abort_flag = 0;
	struct zkm_exec ex = { .threads = 2, .progress = &progress, .abort = &abort_flag };
	uint64_t k[4] = { 99 };

	ASSERT_NE(NULL, bases);
	bn_base(bases, k);
	for (int i = 0; i < N; i++) {
		memcpy(bases + 64 * i, bases, 64);
		memset(sc + 32 * i, 0, 32);
		for (int j = 0; j < 31; j++)
			sc[32 * i + j] = (uint8_t)tm_rand64();
	}
	ASSERT_EQ(ZKM_OK, zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, got, &ex));
	ASSERT_GE(progress, (uint64_t)N);
	abort_flag = 1;
	ASSERT_EQ(ZKM_EABORTED, zkm_msm(ZKM_BN254_G1, bases, sc, N, 0, got, &ex));
	free(bases);
	free(sc);
}

TEST_HARNESS_MAIN
