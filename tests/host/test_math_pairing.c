// SPDX-License-Identifier: MIT
/*
 * The math core's pairings (zkm_pairing_check, zkm_pairing) on BN254 and
 * BLS12-381: bilinearity through the check API, non-degeneracy,
 * multi-pairings, and rejection of points off the curve or outside the
 * order-r subgroup (built here with a naive-bignum Fq2 square root).
 * noble's pairing values are compared in test_math_noble.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <zkasic/zkasic.h>
#include <zkasic/zkmath.h>

#include "kselftest_harness.h"
#include "test_math_common.h"

static const int g1_curves[] = { ZKM_BN254_G1, ZKM_BLS12_381_G1 };

static const char *const q_hex[] = {
	"30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
	"1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
};

/* k * point (k < 2^64) through the MSM */
static void mul_u64(int curve, const uint8_t *pt, uint64_t k, uint8_t *out)
{
	uint8_t sc[32] = { 0 };

	memcpy(sc, &k, 8);
	if (zkm_msm(curve, pt, sc, 1, 0, out, NULL))
		abort();
}

/* k * point, k a 32-byte little-endian scalar */
static void mul_sc(int curve, const uint8_t *pt, const uint8_t *k, uint8_t *out)
{
	if (zkm_msm(curve, pt, k, 1, 0, out, NULL))
		abort();
}

/* -point: y = q - y for each coordinate of y (standard form) */
static void neg_point(int curve, uint8_t *pt)
{
	int bls = curve >= ZKM_BLS12_381_G1;
	int n = bls ? 6 : 4, ncoord = (curve == ZKM_BN254_G2 || curve == ZKM_BLS12_381_G2) ? 2 : 1;
	uint64_t q[6], y[6];

	tm_hex(q, n, q_hex[bls]);
	for (int i = 0; i < ncoord; i++) {
		uint8_t *p = pt + (ncoord + i) * 8 * n;

		tm_le_to_limbs(y, p, n);
		if (!tm_cmp(y, (uint64_t[6]){ 0 }, n))
			continue;
		tm_sub(y, q, y, n);
		tm_limbs_to_le(p, y, n);
	}
}

/* one base-field element to Montgomery form: x * 2^(8 fb) mod q */
static void to_mont(int g1c, uint8_t *el)
{
	int bls = g1c == ZKM_BLS12_381_G1, n = bls ? 6 : 4;
	uint64_t q[6], x[12] = { 0 };

	tm_hex(q, n, q_hex[bls]);
	tm_le_to_limbs(x + n, el, n);
	tm_mod(x, x, 2 * n, q, n);
	tm_limbs_to_le(el, x, n);
}

TEST(bilinearity)
{
	for (size_t c = 0; c < 2; c++) {
		const int g1c = g1_curves[c], g2c = g1c + 1;
		const size_t b1 = zkm_point_bytes(g1c), b2 = zkm_point_bytes(g2c);
		uint8_t p[96], q[192], g1[4 * 96], g2[4 * 192], sc[32] = { 0 };

		ASSERT_EQ(0, zk_curve_generator(g1c, p));
		ASSERT_EQ(0, zk_curve_generator(g2c, q));
		for (int iter = 0; iter < 3; iter++) {
			uint64_t a = tm_rand64() >> 1, b = tm_rand64() >> 1;
			unsigned __int128 ab = (unsigned __int128)a * b;

			/* e(aP, bQ) * e(-abP, Q) == 1 */
			mul_u64(g1c, p, a, g1);
			mul_u64(g2c, q, b, g2);
			memcpy(sc, &ab, 16);
			mul_sc(g1c, p, sc, g1 + b1);
			neg_point(g1c, g1 + b1);
			memcpy(g2 + b2, q, b2);
			EXPECT_EQ(1, zkm_pairing_check(g1c, g1, g2, 2, 0));
			/* the same with ab + 1: not 1 */
			ab += 1;
			memcpy(sc, &ab, 16);
			mul_sc(g1c, p, sc, g1 + b1);
			neg_point(g1c, g1 + b1);
			EXPECT_EQ(0, zkm_pairing_check(g1c, g1, g2, 2, 0));
			/* negating on G2 instead: e(aP, bQ) e(abP, -Q) == 1 */
			ab -= 1;
			memcpy(sc, &ab, 16);
			mul_sc(g1c, p, sc, g1 + b1);
			neg_point(g2c, g2 + b2);
			EXPECT_EQ(1, zkm_pairing_check(g2c, g1, g2, 2, 0));
			/* four pairs: e(aP, Q) e(bP, Q) e(P, -aQ) e(P, -bQ) == 1 */
			mul_u64(g1c, p, a, g1);
			mul_u64(g1c, p, b, g1 + b1);
			memcpy(g1 + 2 * b1, p, b1);
			memcpy(g1 + 3 * b1, p, b1);
			memcpy(g2, q, b2);
			memcpy(g2 + b2, q, b2);
			mul_u64(g2c, q, a, g2 + 2 * b2);
			neg_point(g2c, g2 + 2 * b2);
			mul_u64(g2c, q, b, g2 + 3 * b2);
			neg_point(g2c, g2 + 3 * b2);
			EXPECT_EQ(1, zkm_pairing_check(g1c, g1, g2, 4, 0));
			EXPECT_EQ(0, zkm_pairing_check(g1c, g1, g2, 3, 0));
		}
	}
}

TEST(values_non_degenerate_and_bilinear)
{
	for (size_t c = 0; c < 2; c++) {
		const int g1c = g1_curves[c], g2c = g1c + 1;
		const size_t gt = zkm_gt_bytes(g1c), fb = gt / 12;
		uint8_t p[96], q[192], p2[96], q2[192], e1[576], e2[576], e3[576], one[576];

		ASSERT_EQ(0, zk_curve_generator(g1c, p));
		ASSERT_EQ(0, zk_curve_generator(g2c, q));
		memset(one, 0, gt);
		one[0] = 1;
		ASSERT_EQ(ZKM_OK, zkm_pairing(g1c, p, q, 0, e1));
		EXPECT_NE(0, memcmp(e1, one, gt));	/* e(P, Q) != 1 */
		EXPECT_EQ(0, zkm_pairing_check(g1c, p, q, 1, 0));
		/* e(2P, Q) == e(P, 2Q) */
		mul_u64(g1c, p, 2, p2);
		mul_u64(g2c, q, 2, q2);
		ASSERT_EQ(ZKM_OK, zkm_pairing(g1c, p2, q, 0, e2));
		ASSERT_EQ(ZKM_OK, zkm_pairing(g2c, p, q2, 0, e3));
		EXPECT_EQ(0, memcmp(e2, e3, gt));
		EXPECT_NE(0, memcmp(e1, e2, gt));
		/* infinity on either side gives 1 */
		memset(p2, 0, sizeof(p2));
		ASSERT_EQ(ZKM_OK, zkm_pairing(g1c, p2, q, 0, e2));
		EXPECT_EQ(0, memcmp(e2, one, gt));
		EXPECT_EQ(1, zkm_pairing_check(g1c, p2, q, 1, 0));
		EXPECT_EQ(1, zkm_pairing_check(g1c, NULL, NULL, 0, 0));
		/* Montgomery form in and out: the same value */
		{
			uint8_t pm[96], qm[192];

			memcpy(pm, p, sizeof(pm));
			memcpy(qm, q, sizeof(qm));
			for (size_t i = 0; i < zkm_point_bytes(g1c); i += fb)
				to_mont(g1c, pm + i);
			for (size_t i = 0; i < zkm_point_bytes(g2c); i += fb)
				to_mont(g1c, qm + i);
			ASSERT_EQ(ZKM_OK, zkm_pairing(g1c, pm, qm, ZKM_PAIRING_MONT, e2));
			for (size_t i = 0; i < gt; i += fb)
				to_mont(g1c, e1 + i);
			EXPECT_EQ(0, memcmp(e1, e2, gt));
		}
	}
}

/* ---- points on the curve outside the subgroup: naive Fq2 square roots ---- */

struct fq2n { uint64_t c0[6], c1[6]; };

static void f2_mul(struct fq2n *r, const struct fq2n *a, const struct fq2n *b,
		   const uint64_t *q, int n)
{
	uint64_t t0[6], t1[6], t2[6], t3[6];

	tm_mulmod(t0, a->c0, b->c0, q, n);
	tm_mulmod(t1, a->c1, b->c1, q, n);
	tm_mulmod(t2, a->c0, b->c1, q, n);
	tm_mulmod(t3, a->c1, b->c0, q, n);
	tm_sub(t1, q, t1, n);
	tm_addmod(r->c0, t0, t1, q, n);
	tm_addmod(r->c1, t2, t3, q, n);
}

static void f2_pow(struct fq2n *r, const struct fq2n *a, const uint64_t *e, int n,
		   const uint64_t *q)
{
	struct fq2n acc = { { 1 }, { 0 } };

	for (int i = n * 64 - 1; i >= 0; i--) {
		f2_mul(&acc, &acc, &acc, q, n);
		if ((e[i / 64] >> (i % 64)) & 1)
			f2_mul(&acc, &acc, a, q, n);
	}
	*r = acc;
}

/* sqrt in Fq2, q = 3 mod 4 (Adj and Rodriguez-Henriquez, alg. 9); 0 if none */
static int f2_sqrt(struct fq2n *r, const struct fq2n *a, const uint64_t *q, int n)
{
	uint64_t e[6], one[6] = { 1 };
	struct fq2n a1, alpha, x0, t;

	memcpy(e, q, n * 8);
	for (int i = 0; i < n; i++)	/* (q - 3) / 4 = q >> 2 */
		e[i] = (e[i] >> 2) | (i + 1 < n ? e[i + 1] << 62 : 0);
	f2_pow(&a1, a, e, n, q);
	f2_mul(&x0, &a1, a, q, n);
	f2_mul(&alpha, &a1, &x0, q, n);
	tm_sub(t.c0, q, one, n);
	if (!tm_cmp(alpha.c0, t.c0, n) && !tm_cmp(alpha.c1, (uint64_t[6]){ 0 }, n)) {
		memcpy(t.c0, x0.c1, sizeof(t.c0));
		tm_sub(t.c0, q, t.c0, n);
		memcpy(t.c1, x0.c0, sizeof(t.c1));
		*r = t;
	} else {
		memcpy(e, q, n * 8);
		for (int i = 0; i < n; i++)	/* (q - 1) / 2 = q >> 1 */
			e[i] = (e[i] >> 1) | (i + 1 < n ? e[i + 1] << 63 : 0);
		tm_addmod(alpha.c0, alpha.c0, one, q, n);
		f2_pow(&t, &alpha, e, n, q);
		f2_mul(r, &t, &x0, q, n);
	}
	f2_mul(&t, r, r, q, n);
	return !tm_cmp(t.c0, a->c0, n) && !tm_cmp(t.c1, a->c1, n);
}

/* a point of E'(Fq2) (b' taken from the generator), x = (k, 1), k from 1 */
static void twist_point(int g2c, uint8_t *out)
{
	int bls = g2c == ZKM_BLS12_381_G2, n = bls ? 6 : 4;
	uint64_t q[6];
	uint8_t g[192];
	struct fq2n x, y, b, t;

	tm_hex(q, n, q_hex[bls]);
	zk_curve_generator(g2c, g);
	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	tm_le_to_limbs(x.c0, g, n);
	tm_le_to_limbs(x.c1, g + 8 * n, n);
	tm_le_to_limbs(y.c0, g + 16 * n, n);
	tm_le_to_limbs(y.c1, g + 24 * n, n);
	/* b = y^2 - x^3 */
	f2_mul(&b, &y, &y, q, n);
	f2_mul(&t, &x, &x, q, n);
	f2_mul(&t, &t, &x, q, n);
	tm_sub(t.c0, q, t.c0, n);
	tm_sub(t.c1, q, t.c1, n);
	tm_addmod(b.c0, b.c0, t.c0, q, n);
	tm_addmod(b.c1, b.c1, t.c1, q, n);
	for (uint64_t k = 1;; k++) {
		memset(&x, 0, sizeof(x));
		x.c0[0] = k;
		x.c1[0] = 1;
		f2_mul(&t, &x, &x, q, n);
		f2_mul(&t, &t, &x, q, n);
		tm_addmod(t.c0, t.c0, b.c0, q, n);
		tm_addmod(t.c1, t.c1, b.c1, q, n);
		if (f2_sqrt(&y, &t, q, n))
			break;
	}
	tm_limbs_to_le(out, x.c0, n);
	tm_limbs_to_le(out + 8 * n, x.c1, n);
	tm_limbs_to_le(out + 16 * n, y.c0, n);
	tm_limbs_to_le(out + 24 * n, y.c1, n);
}

/* a point of E(Fq) for BLS12-381 G1, x = k from 1: y = rhs^((q+1)/4) */
static void bls_g1_point(uint8_t *out)
{
	uint64_t q[6], e[6], x[6] = { 0 }, rhs[6], y[6], t[6], four[6] = { 4 };

	tm_hex(q, 6, q_hex[1]);
	for (int i = 0; i < 6; i++)
		e[i] = (q[i] >> 2) | (i + 1 < 6 ? q[i + 1] << 62 : 0);
	e[0] += 1;
	for (uint64_t k = 1;; k++) {
		x[0] = k;
		tm_mulmod(rhs, x, x, q, 6);
		tm_mulmod(rhs, rhs, x, q, 6);
		tm_addmod(rhs, rhs, four, q, 6);
		tm_powmod(y, rhs, e, 6, q, 6);
		tm_mulmod(t, y, y, q, 6);
		if (!tm_cmp(t, rhs, 6))
			break;
	}
	tm_limbs_to_le(out, x, 6);
	tm_limbs_to_le(out + 48, y, 6);
}

TEST(rejects_bad_points)
{
	for (size_t c = 0; c < 2; c++) {
		const int g1c = g1_curves[c], g2c = g1c + 1;
		const size_t b1 = zkm_point_bytes(g1c), b2 = zkm_point_bytes(g2c);
		uint8_t p[96], q[192], bad[192];

		ASSERT_EQ(0, zk_curve_generator(g1c, p));
		ASSERT_EQ(0, zk_curve_generator(g2c, q));
		/* off the curve */
		memcpy(bad, q, b2);
		bad[0] ^= 1;
		EXPECT_EQ(ZKM_ERANGE, zkm_pairing_check(g1c, p, bad, 1, 0));
		memcpy(bad, p, b1);
		bad[0] ^= 1;
		EXPECT_EQ(ZKM_ERANGE, zkm_pairing_check(g1c, bad, q, 1, 0));
		/* a coordinate >= q */
		memset(bad, 0xff, b2);
		EXPECT_EQ(ZKM_ERANGE, zkm_pairing_check(g1c, p, bad, 1, 0));
		/* on the twist, not in the order-r subgroup */
		twist_point(g2c, bad);
		ASSERT_EQ(ZKM_OK, zkm_point_check(g2c, bad, 0));
		EXPECT_EQ(ZKM_ERANGE, zkm_pairing_check(g1c, p, bad, 1, 0));
		EXPECT_EQ(ZKM_ERANGE, zkm_pairing(g1c, p, bad, 0, bad + 0));
		if (g1c == ZKM_BLS12_381_G1) {
			/* BLS12-381's G1 has a cofactor: a point outside the subgroup */
			bls_g1_point(bad);
			ASSERT_EQ(ZKM_OK, zkm_point_check(g1c, bad, 0));
			EXPECT_EQ(ZKM_ERANGE, zkm_pairing_check(g1c, bad, q, 1, 0));
		}
		/* bad arguments */
		EXPECT_EQ(ZKM_EINVAL, zkm_pairing_check(99, p, q, 1, 0));
		EXPECT_EQ(ZKM_EINVAL, zkm_pairing_check(g1c, p, q, 1, 0x80));
		EXPECT_EQ(ZKM_EINVAL, zkm_pairing_check(g1c, NULL, q, 1, 0));
		EXPECT_EQ(ZKM_EINVAL, zkm_pairing(g1c, p, q, 0, NULL));
		EXPECT_EQ(0, zkm_gt_bytes(99));
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* timing of a four-pair check (a Groth16 verification's pairing work) */
TEST(timing)
{
	for (size_t c = 0; c < 2; c++) {
		const int g1c = g1_curves[c], g2c = g1c + 1;
		const size_t b1 = zkm_point_bytes(g1c), b2 = zkm_point_bytes(g2c);
		uint8_t g1[4 * 96], g2[4 * 192];
		double t0, best = 1e9;

		uint8_t q[192];

		ASSERT_EQ(0, zk_curve_generator(g2c, q));
		for (int i = 0; i < 4; i++) {
			ASSERT_EQ(0, zk_curve_generator(g1c, g1 + i * b1));
			mul_u64(g2c, q, i + 2, g2 + i * b2);
		}
		for (int r = 0; r < 3; r++) {
			t0 = now_ms();
			EXPECT_LE(0, zkm_pairing_check(g1c, g1, g2, 4, 0));
			t0 = now_ms() - t0;
			best = t0 < best ? t0 : best;
		}
		printf("# %s: 4-pair pairing check (checks + Miller loops + final exp) %.2f ms\n",
		       c ? "BLS12-381" : "BN254", best);
	}
}

TEST_HARNESS_MAIN
