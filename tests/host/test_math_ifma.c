// SPDX-License-Identifier: MIT
/*
 * The MSM's AVX-512 IFMA flush (msm_flush_ifma.c) against the same slope
 * formulas in zkmath's scalar field code, for G1 and G2 of BN254 and
 * BLS12-381: batch sizes around the eight lanes, coordinates at the ends
 * of the field (0, 1, p - 1, p - 2) as well as random, doublings, and
 * cancelled additions, which must be reported and whose buckets must be
 * left alone. Skipped on CPUs without IFMA; the MSMs that use the flush
 * are checked end to end by test_math_msm.
 */
#include <stdlib.h>

#include "curves.h"
#include "kernels.h"
#include "kselftest_harness.h"
#include "test_math_common.h"

enum { NBUCKETS = 300 };

/* a coordinate: random below p, or now and then one of the field's ends */
#define PICK(F, N)								\
static void pick_##F(F##_t *r)							\
{										\
	uint64_t one[N] = { 1 }, two[N] = { 2 };				\
										\
	switch (tm_rand64() % 8) {						\
	case 0:									\
		F##_zero(r);							\
		break;								\
	case 1:									\
		memcpy(r->v, one, sizeof(one));					\
		break;								\
	case 2:									\
		tm_sub(r->v, F##_P, one, N);					\
		break;								\
	case 3:									\
		tm_sub(r->v, F##_P, two, N);					\
		break;								\
	default:								\
		tm_rand_below(r->v, F##_P, N);					\
	}									\
}										\
static void pick_##F##2(F##2_t *r)						\
{										\
	pick_##F(&r->c0);							\
	pick_##F(&r->c1);							\
}

PICK(bn254_fq, 4)
PICK(bls12_381_fp, 6)

/*
 * One batch of cnt additions into distinct buckets of NBUCKETS: random
 * points, and about one in eight each a doubling (P = A) and a
 * cancellation (xP = xA, another y), worked out again with the scalar
 * field code from the values actually drawn.
 */
#define FLUSH_CHECK(EC, EF, PICK, FLUSH)					\
static void EF##_inv8(void *elems)						\
{										\
	EF##_t tmp[8];								\
										\
	EF##_batch_inv((EF##_t *)elems, (EF##_t *)elems, 8, tmp);		\
}										\
										\
static int EC##_flush_check(size_t cnt)						\
{										\
	EC##_aff_t *aff = malloc(NBUCKETS * sizeof(*aff));			\
	EC##_aff_t *want = malloc(NBUCKETS * sizeof(*aff));			\
	EC##_aff_t *bp = malloc(cnt * sizeof(*bp) + 1);				\
	uint8_t *cancel = malloc(cnt + 1), *want_cancel = malloc(cnt + 1);	\
	uint32_t *bidx = malloc(cnt * sizeof(*bidx) + 1);			\
	uint32_t perm[NBUCKETS];						\
	size_t bytes = (zkm_flush_ifma_scratch(cnt) + 63) & ~(size_t)63;	\
	void *scratch = aligned_alloc(64, bytes);				\
	int ok = 1;								\
										\
	for (uint32_t i = 0; i < NBUCKETS; i++) {				\
		perm[i] = i;							\
		PICK(&aff[i].x);						\
		PICK(&aff[i].y);						\
	}									\
	for (uint32_t i = NBUCKETS - 1; i > 0; i--) {				\
		uint32_t j = (uint32_t)(tm_rand64() % (i + 1)), t = perm[i];	\
		perm[i] = perm[j];						\
		perm[j] = t;							\
	}									\
	memcpy(want, aff, NBUCKETS * sizeof(*aff));				\
	for (size_t j = 0; j < cnt; j++) {					\
		EC##_aff_t *A = &want[perm[j]];					\
		EF##_t num, den, l, t, x3;					\
										\
		bidx[j] = perm[j];						\
		PICK(&bp[j].x);							\
		PICK(&bp[j].y);							\
		switch (tm_rand64() % 8) {					\
		case 0:								\
			bp[j] = *A;						\
			break;							\
		case 1:								\
			bp[j].x = A->x;						\
			break;							\
		}								\
		want_cancel[j] = 0;						\
		if (EF##_eq(&A->x, &bp[j].x)) {					\
			if (!EF##_eq(&A->y, &bp[j].y) || EF##_is_zero(&A->y)) { \
				want_cancel[j] = 1;				\
				continue;					\
			}							\
			EF##_sqr(&t, &A->x);					\
			EF##_add(&num, &t, &t);					\
			EF##_add(&num, &num, &t);				\
			EF##_add(&den, &A->y, &A->y);				\
		} else {							\
			EF##_sub(&num, &bp[j].y, &A->y);			\
			EF##_sub(&den, &bp[j].x, &A->x);			\
		}								\
		EF##_inv(&t, &den);						\
		EF##_mul(&l, &num, &t);						\
		EF##_sqr(&x3, &l);						\
		EF##_sub(&x3, &x3, &A->x);					\
		EF##_sub(&x3, &x3, &bp[j].x);					\
		EF##_sub(&t, &A->x, &x3);					\
		EF##_mul(&t, &t, &l);						\
		EF##_sub(&A->y, &t, &A->y);					\
		A->x = x3;							\
	}									\
	FLUSH(aff, bidx, bp, cancel, cnt, EF##_inv8, scratch);			\
	for (size_t i = 0; i < NBUCKETS; i++)					\
		if (!EF##_eq(&aff[i].x, &want[i].x) || !EF##_eq(&aff[i].y, &want[i].y)) \
			ok = 0;							\
	if (memcmp(cancel, want_cancel, cnt))					\
		ok = 0;								\
	free(aff);								\
	free(want);								\
	free(bp);								\
	free(cancel);								\
	free(want_cancel);							\
	free(bidx);								\
	free(scratch);								\
	return ok;								\
}

FLUSH_CHECK(bn254_g1, bn254_fq, pick_bn254_fq, zkm_bn254_g1_flush_ifma)
FLUSH_CHECK(bn254_g2, bn254_fq2, pick_bn254_fq2, zkm_bn254_g2_flush_ifma)
FLUSH_CHECK(bls12_381_g1, bls12_381_fp, pick_bls12_381_fp, zkm_bls12_381_g1_flush_ifma)
FLUSH_CHECK(bls12_381_g2, bls12_381_fp2, pick_bls12_381_fp2, zkm_bls12_381_g2_flush_ifma)

static const size_t sizes[] = { 1, 7, 8, 9, 16, 63, 64, 65, 129, 256 };

#define FLUSH_TEST(EC)								\
TEST(EC##_flush_against_scalar)							\
{										\
	if (!zkm_use_ifma())							\
		SKIP(return, "no AVX-512 IFMA on this CPU (or ZKASIC_MATH_IFMA=0)"); \
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)		\
		for (int rep = 0; rep < 20; rep++) {				\
			int ok = EC##_flush_check(sizes[i]);			\
										\
			if (!ok)						\
				TH_LOG(#EC " batch of %zu, try %d", sizes[i], rep); \
			ASSERT_TRUE(ok);					\
		}								\
}

FLUSH_TEST(bn254_g1)
FLUSH_TEST(bn254_g2)
FLUSH_TEST(bls12_381_g1)
FLUSH_TEST(bls12_381_g2)

TEST_HARNESS_MAIN
