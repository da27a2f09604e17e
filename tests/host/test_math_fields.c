// SPDX-License-Identifier: MIT
/*
 * Math core fields: BN254 Fq/Fr, BLS12-381 Fp/Fr (Montgomery), Goldilocks,
 * and the quadratic extensions, checked against published moduli and a
 * naive bignum reference (test_math_common.h) on random and edge values.
 */
#include <zkasic/zkmath.h>

#include "fields.h"
#include "fp2.h"
#include "goldilocks.h"
#include "kselftest_harness.h"
#include "test_math_common.h"
#include "test_math_fieldops.h"

#define ROUNDS 300

static const char *const bn254_q_dec =
	"21888242871839275222246405745257275088696311157297823662689037894645226208583";
static const char *const bn254_r_dec =
	"21888242871839275222246405745257275088548364400416034343698204186575808495617";
static const char *const bls_p_hex =
	"1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";
static const char *const bls_r_hex =
	"73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

TEST(moduli_are_the_published_ones)
{
	uint64_t p[6];

	tm_dec(p, 4, bn254_q_dec);
	ASSERT_EQ(0, memcmp(p, bn254_fq_P, 32));
	tm_dec(p, 4, bn254_r_dec);
	ASSERT_EQ(0, memcmp(p, bn254_fr_P, 32));
	tm_hex(p, 6, bls_p_hex);
	ASSERT_EQ(0, memcmp(p, bls12_381_fp_P, 48));
	tm_hex(p, 4, bls_r_hex);
	ASSERT_EQ(0, memcmp(p, bls12_381_fr_P, 32));
}

/* R mod p, R^2 mod p and -1/p mod 2^64 recomputed with the naive bignum */
static int check_mont_constants(const uint64_t *p, const uint64_t *r1, const uint64_t *r2,
				uint64_t pinv, int n)
{
	uint64_t R[BN_MAX + 1] = { 0 }, x[BN_MAX];

	R[n] = 1;
	tm_mod(x, R, n + 1, p, n);
	if (memcmp(x, r1, n * 8))
		return 0;
	tm_mulmod(x, r1, r1, p, n);
	if (memcmp(x, r2, n * 8))
		return 0;
	return p[0] * pinv == ~(uint64_t)0;
}

TEST(montgomery_constants)
{
	ASSERT_TRUE(check_mont_constants(bn254_fq_P, bn254_fq_R1, bn254_fq_R2, BN254_FQ_PINV, 4));
	ASSERT_TRUE(check_mont_constants(bn254_fr_P, bn254_fr_R1, bn254_fr_R2, BN254_FR_PINV, 4));
	ASSERT_TRUE(check_mont_constants(bls12_381_fp_P, bls12_381_fp_R1, bls12_381_fp_R2,
					 BLS12_381_FP_PINV, 6));
	ASSERT_TRUE(check_mont_constants(bls12_381_fr_P, bls12_381_fr_R1, bls12_381_fr_R2,
					 BLS12_381_FR_PINV, 4));
}

FIELD_OPS_TEST(bn254_fq, 4)
FIELD_OPS_TEST(bn254_fr, 4)
FIELD_OPS_TEST(bls12_381_fp, 6)
FIELD_OPS_TEST(bls12_381_fr, 4)

TEST(bn254_fq_ops) { ASSERT_TRUE(bn254_fq_ops_ok(ROUNDS)); }
TEST(bn254_fr_ops) { ASSERT_TRUE(bn254_fr_ops_ok(ROUNDS)); }
TEST(bls12_381_fp_ops) { ASSERT_TRUE(bls12_381_fp_ops_ok(ROUNDS)); }
TEST(bls12_381_fr_ops) { ASSERT_TRUE(bls12_381_fr_ops_ok(ROUNDS)); }

TEST(noncanonical_rejected)
{
	ASSERT_TRUE(bn254_fq_rejects_noncanonical());
	ASSERT_TRUE(bn254_fr_rejects_noncanonical());
	ASSERT_TRUE(bls12_381_fp_rejects_noncanonical());
	ASSERT_TRUE(bls12_381_fr_rejects_noncanonical());
}

TEST(batch_inversion)
{
	ASSERT_TRUE(bn254_fq_batch_inv_ok());
	ASSERT_TRUE(bn254_fr_batch_inv_ok());
	ASSERT_TRUE(bls12_381_fp_batch_inv_ok());
	ASSERT_TRUE(bls12_381_fr_batch_inv_ok());
}

static uint64_t gl_ref_mul(uint64_t a, uint64_t b)
{
	return (uint64_t)((unsigned __int128)a * b % GOLDILOCKS_P);
}

TEST(goldilocks_ops)
{
	static const uint64_t edge[] = { 0, 1, 2, 0xffffffffULL, 0x100000000ULL,
					 GOLDILOCKS_P - 1, GOLDILOCKS_P - 2,
					 0xfffffffeffffffffULL, 0x8000000000000000ULL };
	const int ne = sizeof(edge) / sizeof(edge[0]);
	goldilocks_t z;
	uint8_t buf[8];

	for (int it = 0; it < 20000; it++) {
		uint64_t a = it < ne * ne ? edge[it / ne] : tm_rand64() % GOLDILOCKS_P;
		uint64_t b = it < ne * ne ? edge[it % ne] : tm_rand64() % GOLDILOCKS_P;
		goldilocks_t x = { { a } }, y = { { b } };

		goldilocks_mul(&z, &x, &y);
		ASSERT_EQ(gl_ref_mul(a, b), z.v[0]);
		goldilocks_add(&z, &x, &y);
		ASSERT_EQ((uint64_t)(((unsigned __int128)a + b) % GOLDILOCKS_P), z.v[0]);
		goldilocks_sub(&z, &x, &y);
		ASSERT_EQ((uint64_t)(((unsigned __int128)a + GOLDILOCKS_P - b) % GOLDILOCKS_P),
			  z.v[0]);
		goldilocks_neg(&z, &x);
		ASSERT_EQ((uint64_t)(((unsigned __int128)GOLDILOCKS_P - a) % GOLDILOCKS_P), z.v[0]);
		if (a) {
			goldilocks_inv(&z, &x);
			ASSERT_EQ(1ULL, gl_ref_mul(z.v[0], a));
		}
		/* device Montgomery form is a * 2^64 mod p */
		goldilocks_store(buf, &x, 1);
		ASSERT_EQ((uint64_t)(((unsigned __int128)a << 64) % GOLDILOCKS_P),
			  zkm_load64(buf));
		ASSERT_TRUE(goldilocks_load(&z, buf, 1));
		ASSERT_EQ(a, z.v[0]);
	}
	zkm_store64(buf, GOLDILOCKS_P);
	ASSERT_FALSE(goldilocks_load(&z, buf, 0));
	ASSERT_FALSE(goldilocks_load(&z, buf, 1));
	zkm_store64(buf, ~(uint64_t)0);
	ASSERT_FALSE(goldilocks_load(&z, buf, 0));
}

FP2_TEST(bn254_fq2, bn254_fq, 4)
FP2_TEST(bls12_381_fp2, bls12_381_fp, 6)

TEST(quadratic_extensions)
{
	ASSERT_TRUE(bn254_fq2_ok());
	ASSERT_TRUE(bls12_381_fp2_ok());
}

/*
 * The NTT roots: g^((p-1)/2^s) recomputed from g with the naive bignum,
 * of order exactly 2^s; g a quadratic non-residue (as a generator must be).
 */
static int check_roots(const uint64_t *p, const uint64_t *r1, uint64_t g, const uint64_t *gen_mont,
		       const uint64_t *root_mont, unsigned int s)
{
	uint64_t pm1[4], e[4], gg[4] = { g }, want[4], x[4], one[4] = { 1 };

	tm_sub(pm1, p, one, 4);
	/* gen_mont == g R */
	tm_mulmod(want, gg, r1, p, 4);
	if (memcmp(want, gen_mont, 32))
		return 0;
	/* e = (p-1) >> s */
	memcpy(e, pm1, 32);
	for (unsigned int i = 0; i < s; i++)
		for (int l = 0; l < 4; l++)
			e[l] = (e[l] >> 1) | (l < 3 ? e[l + 1] << 63 : 0);
	if (e[0] & 1) {
		/* s is the full 2-adicity: (p-1)/2^s is odd */
	} else {
		return 0;
	}
	tm_powmod(x, gg, e, 4, p, 4);
	tm_mulmod(want, x, r1, p, 4);
	if (memcmp(want, root_mont, 32))
		return 0;
	/* x^(2^(s-1)) == p - 1, so x has order 2^s */
	for (unsigned int i = 0; i + 1 < s; i++)
		tm_mulmod(x, x, x, p, 4);
	if (memcmp(x, pm1, 32))
		return 0;
	/* g^((p-1)/2) == -1 */
	memcpy(e, pm1, 32);
	for (int l = 0; l < 4; l++)
		e[l] = (e[l] >> 1) | (l < 3 ? e[l + 1] << 63 : 0);
	tm_powmod(x, gg, e, 4, p, 4);
	return !memcmp(x, pm1, 32);
}

/* Goldilocks: 7^((p-1)/2^32) has order 2^32 and 7 is a non-residue */
static int goldilocks_roots_ok(void)
{
	goldilocks_t w = { { GOLDILOCKS_ROOT } }, g = { { 7 } }, x;
	uint64_t e = (GOLDILOCKS_P - 1) >> 32;

	goldilocks_pow(&x, &g, &e, 1);
	if (x.v[0] != GOLDILOCKS_ROOT)
		return 0;
	x = w;
	for (int i = 0; i < 31; i++)
		goldilocks_sqr(&x, &x);
	if (x.v[0] != GOLDILOCKS_P - 1)
		return 0;
	e = (GOLDILOCKS_P - 1) / 2;
	goldilocks_pow(&x, &g, &e, 1);
	return x.v[0] == GOLDILOCKS_P - 1;
}

TEST(roots_of_unity)
{
	ASSERT_TRUE(check_roots(bn254_fr_P, bn254_fr_R1, 5, bn254_fr_GEN_MONT, bn254_fr_ROOT_MONT,
				BN254_FR_TWO_ADICITY));
	ASSERT_TRUE(check_roots(bls12_381_fr_P, bls12_381_fr_R1, 7, bls12_381_fr_GEN_MONT,
				bls12_381_fr_ROOT_MONT, BLS12_381_FR_TWO_ADICITY));
	ASSERT_EQ(28U, zkm_field_two_adicity(ZKM_BN254_FR));
	ASSERT_EQ(32U, zkm_field_two_adicity(ZKM_BLS12_381_FR));
	ASSERT_EQ(32U, zkm_field_two_adicity(ZKM_GOLDILOCKS));
	ASSERT_EQ(0U, zkm_field_two_adicity(0));
	ASSERT_TRUE(goldilocks_roots_ok());
}

TEST(sizes_and_errors)
{
	ASSERT_EQ(32U, zkm_field_bytes(ZKM_BN254_FR));
	ASSERT_EQ(32U, zkm_field_bytes(ZKM_BLS12_381_FR));
	ASSERT_EQ(8U, zkm_field_bytes(ZKM_GOLDILOCKS));
	ASSERT_EQ(0U, zkm_field_bytes(4));
	ASSERT_EQ(64U, zkm_point_bytes(ZKM_BN254_G1));
	ASSERT_EQ(128U, zkm_point_bytes(ZKM_BN254_G2));
	ASSERT_EQ(96U, zkm_point_bytes(ZKM_BLS12_381_G1));
	ASSERT_EQ(192U, zkm_point_bytes(ZKM_BLS12_381_G2));
	ASSERT_EQ(0U, zkm_point_bytes(0));
	ASSERT_EQ(0U, zkm_point_bytes(5));
	ASSERT_EQ(32U, zkm_scalar_bytes(ZKM_BLS12_381_G2));
	ASSERT_EQ(0U, zkm_scalar_bytes(9));
	for (int e = 0; e >= -4; e--)
		for (int f = e - 1; f >= -5; f--)
			ASSERT_NE(0, strcmp(zkm_strerror(e), zkm_strerror(f)));
}

TEST_HARNESS_MAIN
