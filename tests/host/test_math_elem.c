// SPDX-License-Identifier: MIT
/*
 * The math core one element at a time (runtime/math/elem.h): the per-element
 * field operations against zkm_vec (already checked against the naive
 * bignum by test_math_vec) and against the bignum directly for pow; the
 * points-sum against zkm_msm with all scalars 1; the point conversion from
 * Montgomery form against aff_store in standard form; point negation by
 * p + -p = infinity. Also what they reject.
 */
#include <zkasic/zkmath.h>

#include "curves.h"
#include "elem.h"
#include "goldilocks.h"
#include "kselftest_harness.h"
#include "test_math_common.h"
#include "test_math_gens.h"

static const uint64_t gl_P[1] = { GOLDILOCKS_P };

static const struct {
	int id, limbs;
	const uint64_t *p;
} fields[] = {
	{ ZKM_BN254_FR, 4, bn254_fr_P },
	{ ZKM_BLS12_381_FR, 4, bls12_381_fr_P },
	{ ZKM_GOLDILOCKS, 1, gl_P },
};

#define N_ELEMS 64

/* Random elements below p: valid bytes in either form. */
static void rand_elems(int fi, uint8_t *out, size_t n)
{
	const int nl = fields[fi].limbs;
	uint64_t v[4];

	for (size_t i = 0; i < n; i++) {
		tm_rand_below(v, fields[fi].p, nl);
		if (i == 0)
			memset(v, 0, sizeof(v));	/* zero among them */
		tm_limbs_to_le(out + i * 8 * nl, v, nl);
	}
}

TEST(fe_ops_match_vec)
{
	static const int ops[] = { ZKM_VEC_ADD, ZKM_VEC_SUB, ZKM_VEC_MUL,
				   ZKM_VEC_TO_MONT, ZKM_VEC_FROM_MONT };
	uint8_t a[N_ELEMS * 32], b[N_ELEMS * 32], want[N_ELEMS * 32], got[32];

	for (size_t fi = 0; fi < sizeof(fields) / sizeof(fields[0]); fi++) {
		const int id = fields[fi].id;
		const size_t eb = zkm_field_bytes(id);

		for (unsigned int flags = 0; flags <= ZKM_VEC_MONT; flags += ZKM_VEC_MONT) {
			rand_elems(fi, a, N_ELEMS);
			rand_elems(fi, b, N_ELEMS);
			for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
				const int op = ops[k];
				const unsigned int vflags = op >= ZKM_VEC_TO_MONT ? 0 : flags;

				ASSERT_EQ(ZKM_OK, zkm_vec(id, op, a, b, want, N_ELEMS, vflags,
							  NULL));
				for (size_t i = 0; i < N_ELEMS; i++) {
					const uint8_t *x = a + i * eb, *y = b + i * eb;
					int r;

					switch (op) {
					case ZKM_VEC_ADD:
						r = zkm_fe_add(id, got, x, y, flags);
						break;
					case ZKM_VEC_SUB:
						r = zkm_fe_sub(id, got, x, y, flags);
						break;
					case ZKM_VEC_MUL:
						r = zkm_fe_mul(id, got, x, y, flags);
						break;
					case ZKM_VEC_TO_MONT:
						r = zkm_fe_to_mont(id, got, x);
						break;
					default:
						r = zkm_fe_from_mont(id, got, x);
						break;
					}
					ASSERT_EQ(ZKM_OK, r);
					if (memcmp(got, want + i * eb, eb))
						ksft_print_msg("field %d op %d flags %u elem %zu\n",
							       id, op, flags, i);
					ASSERT_EQ(0, memcmp(got, want + i * eb, eb));
				}
			}
			/* out aliasing an input */
			memcpy(got, a + eb, eb);
			ASSERT_EQ(ZKM_OK, zkm_fe_mul(id, got, got, b + eb, flags));
			ASSERT_EQ(ZKM_OK, zkm_vec(id, ZKM_VEC_MUL, a + eb, b + eb, want, 1, flags,
						  NULL));
			ASSERT_EQ(0, memcmp(got, want, eb));
		}
	}
}

TEST(fe_pow_and_set_against_bignum)
{
	for (size_t fi = 0; fi < sizeof(fields) / sizeof(fields[0]); fi++) {
		const int id = fields[fi].id, nl = fields[fi].limbs;
		const size_t eb = zkm_field_bytes(id);
		uint64_t a[4] = { 0 }, e[4], want[4] = { 0 };
		uint8_t ab[32], eb8[32], got[32], mont[32], wantb[32];

		for (int rep = 0; rep < 8; rep++) {
			tm_rand_below(a, fields[fi].p, nl);
			for (int i = 0; i < 4; i++)
				e[i] = tm_rand64();
			if (rep == 0)
				memset(e, 0, sizeof(e));	/* a^0 = 1 */
			tm_powmod(want, a, e, 4, fields[fi].p, nl);
			tm_limbs_to_le(ab, a, nl);
			tm_limbs_to_le(eb8, e, 4);
			tm_limbs_to_le(wantb, want, nl);
			ASSERT_EQ(ZKM_OK, zkm_fe_pow(id, got, ab, eb8, 32, 0));
			ASSERT_EQ(0, memcmp(got, wantb, eb));
			/* the same in Montgomery form */
			ASSERT_EQ(ZKM_OK, zkm_fe_to_mont(id, mont, ab));
			ASSERT_EQ(ZKM_OK, zkm_fe_pow(id, got, mont, eb8, 32, ZKM_VEC_MONT));
			ASSERT_EQ(ZKM_OK, zkm_fe_from_mont(id, got, got));
			ASSERT_EQ(0, memcmp(got, wantb, eb));
		}
		ASSERT_EQ(ZKM_OK, zkm_fe_set_u64(id, got, 12345, 0));
		memset(wantb, 0, sizeof(wantb));
		wantb[0] = 12345 & 0xff;
		wantb[1] = 12345 >> 8;
		ASSERT_EQ(0, memcmp(got, wantb, eb));
		ASSERT_EQ(ZKM_OK, zkm_fe_set_u64(id, mont, 12345, ZKM_VEC_MONT));
		ASSERT_EQ(ZKM_OK, zkm_fe_to_mont(id, got, wantb));
		ASSERT_EQ(0, memcmp(got, mont, eb));
	}
}

TEST(fe_rejects)
{
	uint8_t p[32], one[32] = { 1 }, out[32];

	for (size_t fi = 0; fi < sizeof(fields) / sizeof(fields[0]); fi++) {
		const int id = fields[fi].id;

		memset(p, 0, sizeof(p));
		tm_limbs_to_le(p, fields[fi].p, fields[fi].limbs);	/* p itself: not canonical */
		memset(out, 0xa5, sizeof(out));
		ASSERT_EQ(ZKM_ERANGE, zkm_fe_add(id, out, p, one, 0));
		ASSERT_EQ(ZKM_ERANGE, zkm_fe_mul(id, out, one, p, ZKM_VEC_MONT));
		ASSERT_EQ(ZKM_ERANGE, zkm_fe_from_mont(id, out, p));
		ASSERT_EQ(0xa5, out[0]);	/* untouched */
		ASSERT_EQ(ZKM_EINVAL, zkm_fe_sub(id, out, one, one, 1U << 7));
		ASSERT_EQ(ZKM_EINVAL, zkm_fe_pow(id, out, one, one, 3, 0));
	}
	ASSERT_EQ(ZKM_EINVAL, zkm_fe_add(99, out, one, one, 0));
	ASSERT_EQ(ZKM_EINVAL, zkm_fe_set_u64(0, out, 1, 0));
}

/*
 * Per group: points P_i = (a + i b) G with some repeats, negations and
 * infinities (the doubling and cancelling cases of an addition), packed in
 * both forms; zkm_points_sum must equal zkm_msm with every scalar 1, and
 * zkm_point_from_mont of the Montgomery bytes must be the standard bytes.
 */
#define SUM_CHECK(EC, FR, ID)							\
static int EC##_sum_check(size_t n, unsigned int flags)			\
{										\
	enum { PB = EC##_point_bytes };						\
	const int pmont = !!(flags & ZKM_MSM_POINTS_MONT);			\
	uint8_t *pts = calloc(n + 1, PB), *ones = calloc(n + 1, 32);		\
	uint8_t got[PB], want[PB], std[PB], conv[PB];				\
	uint64_t a[4], b[4];							\
	EC##_aff_t g, p;							\
	EC##_jac_t G, P, B;							\
	int ok = 1;								\
	memset(&g, 0, sizeof(g));						\
	load_gen(ID, &g);							\
	EC##_jac_from_aff(&G, &g);						\
	tm_rand_below(a, FR##_P, 4);						\
	tm_rand_below(b, FR##_P, 4);						\
	EC##_jac_mul(&P, &G, a, 4);						\
	EC##_jac_mul(&B, &G, b, 4);						\
	for (size_t i = 0; i < n; i++) {					\
		EC##_jac_to_aff(&p, &P);					\
		if (i % 7 == 3)							\
			EC##_aff_set_inf(&p);					\
		else if (i % 5 == 2 && i)					\
			EC##_aff_load(&p, pts + (i - 1) * PB, pmont); /* a repeat */ \
		else if (i % 11 == 4 && i)					\
			EC##_aff_load(&p, pts + (i - 1) * PB, pmont),		\
			EC##_aff_neg(&p, &p);		/* cancels the last */	\
		EC##_aff_store(pts + i * PB, &p, pmont);			\
		EC##_aff_store(std, &p, 0);					\
		if (pmont && (zkm_point_from_mont(ID, conv, pts + i * PB) ||	\
			      memcmp(conv, std, PB)))				\
			ok = 0;							\
		ones[32 * i] = 1;						\
		EC##_jac_add(&P, &P, &B);					\
	}									\
	if (zkm_points_sum(ID, pts, n, flags, got) ||				\
	    zkm_msm(ID, pts, ones, n, flags, want, NULL) || memcmp(got, want, PB)) \
		ok = 0;								\
	if (n) {	/* p + -p is infinity */					\
		uint8_t two[2 * PB], zero[PB] = { 0 };				\
		memcpy(two, pts, PB);						\
		if (zkm_point_neg(ID, two + PB, pts, flags) ||			\
		    zkm_points_sum(ID, two, 2, flags, got) || memcmp(got, zero, PB)) \
			ok = 0;							\
	}									\
	if (n) {	/* a point off the curve is refused */			\
		pts[(n - 1) * PB] ^= 1;						\
		if (zkm_points_sum(ID, pts, n, flags, got) != ZKM_ERANGE)	\
			ok = 0;							\
	}									\
	free(pts);								\
	free(ones);								\
	return ok;								\
}

SUM_CHECK(bn254_g1, bn254_fr, ZKM_BN254_G1)
SUM_CHECK(bn254_g2, bn254_fr, ZKM_BN254_G2)
SUM_CHECK(bls12_381_g1, bls12_381_fr, ZKM_BLS12_381_G1)
SUM_CHECK(bls12_381_g2, bls12_381_fr, ZKM_BLS12_381_G2)

TEST(points_sum_matches_msm_of_ones)
{
	static const size_t sizes[] = { 0, 1, 2, 5, 33 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (unsigned int f = 0; f <= ZKM_MSM_POINTS_MONT; f += ZKM_MSM_POINTS_MONT) {
			ASSERT_TRUE(bn254_g1_sum_check(sizes[k], f));
			ASSERT_TRUE(bn254_g2_sum_check(sizes[k], f));
			ASSERT_TRUE(bls12_381_g1_sum_check(sizes[k], f));
			ASSERT_TRUE(bls12_381_g2_sum_check(sizes[k], f));
		}
	}
}

TEST(points_sum_rejects)
{
	uint8_t pt[192] = { 0 }, out[192];

	ASSERT_EQ(ZKM_EINVAL, zkm_points_sum(0, pt, 1, 0, out));
	ASSERT_EQ(ZKM_EINVAL, zkm_points_sum(ZKM_BN254_G1, pt, 1, ZKM_MSM_SCALARS_MONT, out));
	ASSERT_EQ(ZKM_EINVAL, zkm_points_sum(ZKM_BN254_G1, NULL, 1, 0, out));
	ASSERT_EQ(ZKM_EINVAL, zkm_point_from_mont(0, out, pt));
	memset(pt, 0xff, sizeof(pt));	/* coordinates above p */
	ASSERT_EQ(ZKM_ERANGE, zkm_point_from_mont(ZKM_BLS12_381_G2, out, pt));
	ASSERT_EQ(ZKM_ERANGE, zkm_points_sum(ZKM_BN254_G1, pt, 1, 0, out));
}

TEST_HARNESS_MAIN
