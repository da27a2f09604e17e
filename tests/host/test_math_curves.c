// SPDX-License-Identifier: MIT
/*
 * Math core curves: BN254 and BLS12-381, G1 and G2. Published generators
 * and doubles, the group order, agreement of the affine, Jacobian and XYZZ
 * formulas, the device byte format, and the on-curve and subgroup checks.
 */
#include <zkasic/zkmath.h>

#include "curves.h"
#include "kselftest_harness.h"
#include "test_math_common.h"

/* Published generators (EIP-197 for BN254 G2; the IETF pairing-friendly curves draft for BLS12-381) */
static const char *const bn254_g1_gen[] = { "1", "2" };
static const char *const bn254_g1_2g[] = {
	"030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3",
	"15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4" };
static const char *const bn254_g2_gen_dec[] = {
	"10857046999023057135944570762232829481370756359578518086990519993285655852781",
	"11559732032986387107991004021392285783925812861821192530917403151452391805634",
	"8495653923123431417604973247489272438418190587263600148770280649306958101930",
	"4082367875863433681332203403145435568316851327593401208105741076214120093531" };
static const char *const bls_g1_gen[] = {
	"17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb",
	"08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1" };
static const char *const bls_g1_2g[] = {
	"0572cbea904d67468808c8eb50a9450c9721db309128012543902d0ac358a62ae28f75bb8f1c7c42c39a8c5529bf0f4e",
	"166a9d8cabc673a322fda673779d8e3822ba3ecb8670e461f73bb9021d5fd76a4c56d9d4cd16bd1bba86881979749d28" };
static const char *const bls_g2_gen[] = {
	"024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8",
	"13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e",
	"0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801",
	"0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be" };

/* coordinates (hex or decimal) -> device bytes, standard form */
static void point_bytes(uint8_t *out, const char *const *coord, int ncoord, int limbs, int dec)
{
	for (int i = 0; i < ncoord; i++) {
		uint64_t v[6];

		if (dec)
			tm_dec(v, limbs, coord[i]);
		else
			tm_hex(v, limbs, coord[i]);
		tm_limbs_to_le(out + i * limbs * 8, v, limbs);
	}
}

/*
 * Group-law checks common to the four groups, over random multiples of the
 * generator g: every formula against every other and against scalar
 * arithmetic mod r.
 */
#define CURVE_LAW_TEST(EC, FR)							\
static int EC##_law_ok(const EC##_aff_t *g)					\
{										\
	const uint64_t *r = FR##_P;						\
	for (int it = 0; it < 12; it++) {					\
		uint64_t a[4], b[4], s[4];					\
		EC##_jac_t G, A, B, S, T;					\
		EC##_xyzz_t XA, XB, XS;						\
		EC##_aff_t aa, ab, as, t;					\
		tm_rand_below(a, r, 4);						\
		tm_rand_below(b, r, 4);						\
		if (it == 0)							\
			memcpy(b, a, 32);	/* doubling through add */	\
		tm_addmod(s, a, b, r, 4);					\
		EC##_jac_from_aff(&G, g);					\
		EC##_jac_mul(&A, &G, a, 4);					\
		EC##_jac_mul(&B, &G, b, 4);					\
		EC##_jac_mul(&S, &G, s, 4);					\
		EC##_jac_add(&T, &A, &B);					\
		if (!EC##_jac_eq(&T, &S))					\
			return 0;						\
		EC##_jac_to_aff(&aa, &A);					\
		EC##_jac_to_aff(&ab, &B);					\
		EC##_jac_to_aff(&as, &S);					\
		if (!EC##_aff_is_on_curve(&aa) || !EC##_aff_is_on_curve(&as))	\
			return 0;						\
		/* Jacobian mixed add */					\
		EC##_jac_madd(&T, &A, &ab);					\
		EC##_jac_to_aff(&t, &T);					\
		if (!EC##_aff_eq(&t, &as))					\
			return 0;						\
		/* XYZZ: mixed add, full add, double */				\
		EC##_xyzz_from_aff(&XA, &aa);					\
		EC##_xyzz_dbl(&XA, &XA);	/* non-trivial ZZ */		\
		EC##_xyzz_from_aff(&XB, &ab);					\
		EC##_xyzz_madd(&XB, &XB, &aa);	/* a + b */			\
		EC##_xyzz_to_aff(&t, &XB);					\
		if (!EC##_aff_eq(&t, &as))					\
			return 0;						\
		EC##_xyzz_add(&XS, &XA, &XB);	/* 2a + (a + b) */		\
		EC##_xyzz_msub(&XS, &XS, &aa);	/* 2a + b */			\
		EC##_xyzz_msub(&XS, &XS, &aa);	/* a + b */			\
		EC##_xyzz_to_aff(&t, &XS);					\
		if (!EC##_aff_eq(&t, &as))					\
			return 0;						\
		EC##_xyzz_to_jac(&T, &XS);					\
		if (!EC##_jac_eq(&T, &S))					\
			return 0;						\
		/* P + (-P) = infinity in every form */				\
		EC##_jac_neg(&T, &A);						\
		EC##_jac_add(&T, &T, &A);					\
		if (!EC##_jac_is_inf(&T))					\
			return 0;						\
		EC##_aff_neg(&t, &aa);						\
		EC##_jac_madd(&T, &A, &t);					\
		if (!EC##_jac_is_inf(&T))					\
			return 0;						\
		EC##_xyzz_from_aff(&XA, &aa);					\
		EC##_xyzz_msub(&XA, &XA, &aa);					\
		if (!EC##_xyzz_is_inf(&XA))					\
			return 0;						\
		/* xyzz_madd of the same point doubles */			\
		EC##_xyzz_from_aff(&XA, &aa);					\
		EC##_xyzz_madd(&XA, &XA, &aa);					\
		EC##_jac_dbl(&T, &A);						\
		EC##_xyzz_to_jac(&B, &XA);					\
		if (!EC##_jac_eq(&T, &B))					\
			return 0;						\
		/* infinity is the identity */					\
		EC##_jac_set_inf(&T);						\
		EC##_jac_add(&T, &T, &A);					\
		if (!EC##_jac_eq(&T, &A))					\
			return 0;						\
		EC##_jac_madd(&T, &A, &(EC##_aff_t){ 0 });			\
		if (!EC##_jac_eq(&T, &A))					\
			return 0;						\
	}									\
	return 1;								\
}										\
/* r G = inf, (r - 1) G = -G, (r + 1) G = G */					\
static int EC##_order_ok(const EC##_aff_t *g)					\
{										\
	uint64_t k[4], one[4] = { 1 };						\
	EC##_jac_t G, T, N;							\
	EC##_jac_from_aff(&G, g);						\
	if (!EC##_aff_in_subgroup(g))						\
		return 0;							\
	EC##_jac_mul(&T, &G, FR##_P, 4);					\
	if (!EC##_jac_is_inf(&T))						\
		return 0;							\
	tm_sub(k, FR##_P, one, 4);						\
	EC##_jac_mul(&T, &G, k, 4);						\
	EC##_jac_neg(&N, &G);							\
	if (!EC##_jac_eq(&T, &N))						\
		return 0;							\
	tm_add(k, FR##_P, one, 4);						\
	EC##_jac_mul(&T, &G, k, 4);						\
	return EC##_jac_eq(&T, &G);						\
}										\
/* device format: round trips, infinity, rejections */			\
static int EC##_format_ok(const EC##_aff_t *g)					\
{										\
	enum { PB = EC##_point_bytes };						\
	uint8_t buf[PB], buf2[PB];						\
	EC##_aff_t t;								\
	for (int mont = 0; mont < 2; mont++) {					\
		EC##_aff_store(buf, g, mont);					\
		if (EC##_aff_load(&t, buf, mont) || !EC##_aff_eq(&t, g))	\
			return 0;						\
		/* the other form's bytes are a different (off-curve) point */	\
		if (EC##_aff_load(&t, buf, !mont) != ZKM_ERANGE)		\
			return 0;						\
		/* y + 1: off the curve */					\
		memcpy(buf2, buf, PB);						\
		buf2[PB / 2] ^= 1;						\
		if (EC##_aff_load(&t, buf2, mont) != ZKM_ERANGE)		\
			return 0;						\
		/* x = all ones: not canonical */				\
		memcpy(buf2, buf, PB);						\
		memset(buf2, 0xff, PB / 2);					\
		if (EC##_aff_load(&t, buf2, mont) != ZKM_ERANGE)		\
			return 0;						\
		/* infinity is all zero */					\
		memset(buf, 0, PB);						\
		if (EC##_aff_load(&t, buf, mont) || !EC##_aff_is_inf(&t))	\
			return 0;						\
		memset(buf2, 0x5a, PB);						\
		EC##_aff_store(buf2, &t, mont);					\
		if (memcmp(buf, buf2, PB))					\
			return 0;						\
	}									\
	return 1;								\
}

CURVE_LAW_TEST(bn254_g1, bn254_fr)
CURVE_LAW_TEST(bn254_g2, bn254_fr)
CURVE_LAW_TEST(bls12_381_g1, bls12_381_fr)
CURVE_LAW_TEST(bls12_381_g2, bls12_381_fr)

static void gens(bn254_g1_aff_t *b1, bn254_g2_aff_t *b2, bls12_381_g1_aff_t *c1,
		 bls12_381_g2_aff_t *c2, int *err)
{
	uint8_t buf[192];

	point_bytes(buf, bn254_g1_gen, 2, 4, 0);
	err[0] = bn254_g1_aff_load(b1, buf, 0);
	point_bytes(buf, bn254_g2_gen_dec, 4, 4, 1);
	err[1] = bn254_g2_aff_load(b2, buf, 0);
	point_bytes(buf, bls_g1_gen, 2, 6, 0);
	err[2] = bls12_381_g1_aff_load(c1, buf, 0);
	point_bytes(buf, bls_g2_gen, 4, 6, 0);
	err[3] = bls12_381_g2_aff_load(c2, buf, 0);
}

TEST(generators_on_curve_in_subgroup)
{
	bn254_g1_aff_t b1;
	bn254_g2_aff_t b2;
	bls12_381_g1_aff_t c1;
	bls12_381_g2_aff_t c2;
	int err[4];

	gens(&b1, &b2, &c1, &c2, err);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(ZKM_OK, err[i]);
	ASSERT_TRUE(bn254_g1_order_ok(&b1));
	ASSERT_TRUE(bn254_g2_order_ok(&b2));
	ASSERT_TRUE(bls12_381_g1_order_ok(&c1));
	ASSERT_TRUE(bls12_381_g2_order_ok(&c2));
}

TEST(published_doubles)
{
	bn254_g1_aff_t b1, b2g, t;
	bls12_381_g1_aff_t c1, c2g, u;
	bn254_g2_aff_t x2;
	bls12_381_g2_aff_t y2;
	bn254_g1_jac_t J;
	bls12_381_g1_jac_t K;
	bn254_g1_xyzz_t X;
	bls12_381_g1_xyzz_t Y;
	uint8_t buf[96];
	int err[4];

	gens(&b1, &x2, &c1, &y2, err);
	point_bytes(buf, bn254_g1_2g, 2, 4, 0);
	ASSERT_EQ(ZKM_OK, bn254_g1_aff_load(&b2g, buf, 0));
	point_bytes(buf, bls_g1_2g, 2, 6, 0);
	ASSERT_EQ(ZKM_OK, bls12_381_g1_aff_load(&c2g, buf, 0));

	bn254_g1_jac_from_aff(&J, &b1);
	bn254_g1_jac_dbl(&J, &J);
	bn254_g1_jac_to_aff(&t, &J);
	ASSERT_TRUE(bn254_g1_aff_eq(&t, &b2g));
	bn254_g1_xyzz_mdbl(&X, &b1);
	bn254_g1_xyzz_to_aff(&t, &X);
	ASSERT_TRUE(bn254_g1_aff_eq(&t, &b2g));

	bls12_381_g1_jac_from_aff(&K, &c1);
	bls12_381_g1_jac_add(&K, &K, &K);
	bls12_381_g1_jac_to_aff(&u, &K);
	ASSERT_TRUE(bls12_381_g1_aff_eq(&u, &c2g));
	bls12_381_g1_xyzz_from_aff(&Y, &c1);
	bls12_381_g1_xyzz_dbl(&Y, &Y);
	bls12_381_g1_xyzz_to_aff(&u, &Y);
	ASSERT_TRUE(bls12_381_g1_aff_eq(&u, &c2g));
}

TEST(group_law)
{
	bn254_g1_aff_t b1;
	bn254_g2_aff_t b2;
	bls12_381_g1_aff_t c1;
	bls12_381_g2_aff_t c2;
	int err[4];

	gens(&b1, &b2, &c1, &c2, err);
	ASSERT_TRUE(bn254_g1_law_ok(&b1));
	ASSERT_TRUE(bn254_g2_law_ok(&b2));
	ASSERT_TRUE(bls12_381_g1_law_ok(&c1));
	ASSERT_TRUE(bls12_381_g2_law_ok(&c2));
}

TEST(device_format)
{
	bn254_g1_aff_t b1;
	bn254_g2_aff_t b2;
	bls12_381_g1_aff_t c1;
	bls12_381_g2_aff_t c2;
	int err[4];

	gens(&b1, &b2, &c1, &c2, err);
	ASSERT_TRUE(bn254_g1_format_ok(&b1));
	ASSERT_TRUE(bn254_g2_format_ok(&b2));
	ASSERT_TRUE(bls12_381_g1_format_ok(&c1));
	ASSERT_TRUE(bls12_381_g2_format_ok(&c2));
}

/*
 * BLS12-381 G1 has a large cofactor: points of E(Fp) found from x = 1, 2, ...
 * are on the curve but (almost surely) outside the r-torsion; multiplying by
 * the cofactor h brings them in.
 */
TEST(subgroup_check)
{
	/* (p + 1) / 4, for square roots as p = 3 mod 4 */
	uint64_t e[6], one[6] = { 1 }, four[6] = { 4 };
	static const char *const h_hex = "396c8c005555e1568c00aaab0000aaab";	/* G1 cofactor */
	uint64_t h[4];
	int found = 0, outside = 0;

	tm_hex(h, 4, h_hex);
	tm_add(e, bls12_381_fp_P, one, 6);
	for (int i = 0; i < 2; i++)
		for (int l = 0; l < 6; l++)
			e[l] = (e[l] >> 1) | (l < 5 ? e[l + 1] << 63 : 0);
	for (uint64_t xv = 1; xv < 40 && found < 5; xv++) {
		uint64_t x[6] = { xv }, rhs[6], y[6], y2[6];
		uint8_t buf[96];
		bls12_381_g1_aff_t p;
		bls12_381_g1_jac_t J;

		tm_mulmod(rhs, x, x, bls12_381_fp_P, 6);
		tm_mulmod(rhs, rhs, x, bls12_381_fp_P, 6);
		tm_addmod(rhs, rhs, four, bls12_381_fp_P, 6);
		tm_powmod(y, rhs, e, 6, bls12_381_fp_P, 6);
		tm_mulmod(y2, y, y, bls12_381_fp_P, 6);
		if (memcmp(y2, rhs, 48))
			continue;	/* x^3 + 4 not a square */
		found++;
		tm_limbs_to_le(buf, x, 6);
		tm_limbs_to_le(buf + 48, y, 6);
		ASSERT_EQ(ZKM_OK, bls12_381_g1_aff_load(&p, buf, 0));
		if (!bls12_381_g1_aff_in_subgroup(&p))
			outside++;
		bls12_381_g1_jac_from_aff(&J, &p);
		bls12_381_g1_jac_mul(&J, &J, h, 2);
		bls12_381_g1_jac_to_aff(&p, &J);
		ASSERT_TRUE(bls12_381_g1_aff_in_subgroup(&p));
	}
	ASSERT_EQ(5, found);
	ASSERT_EQ(5, outside);
}

TEST_HARNESS_MAIN
