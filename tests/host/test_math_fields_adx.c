// SPDX-License-Identifier: MIT
/*
 * The MULX/ADX Montgomery multiplication (mont_x86.h) against the naive
 * bignum, on every multi-limb field and the Fq2 extensions. Skipped where
 * the CPU (or the build) has no ADX kernels.
 */
#include "kernels.h"
#if ZKM_HAVE_ADX_KERNELS
#define ZKM_USE_ADX 1
#endif
#include "fields.h"
#include "fp2.h"
#include "kselftest_harness.h"
#include "test_math_common.h"
#include "test_math_fieldops.h"

FIELD_OPS_TEST(bn254_fq, 4)
FIELD_OPS_TEST(bn254_fr, 4)
FIELD_OPS_TEST(bls12_381_fp, 6)
FIELD_OPS_TEST(bls12_381_fr, 4)
FP2_TEST(bn254_fq2, bn254_fq, 4)
FP2_TEST(bls12_381_fp2, bls12_381_fp, 6)

TEST(adx_field_ops)
{
	if (!ZKM_HAVE_ADX_KERNELS || !zkm_use_adx())
		SKIP(return, "no MULX/ADX on this CPU or build (or ZKASIC_MATH_GENERIC set)");
	ASSERT_TRUE(bn254_fq_ops_ok(2000));
	ASSERT_TRUE(bn254_fr_ops_ok(2000));
	ASSERT_TRUE(bls12_381_fp_ops_ok(2000));
	ASSERT_TRUE(bls12_381_fr_ops_ok(2000));
	ASSERT_TRUE(bn254_fq_batch_inv_ok());
	ASSERT_TRUE(bn254_fr_batch_inv_ok());
	ASSERT_TRUE(bls12_381_fp_batch_inv_ok());
	ASSERT_TRUE(bls12_381_fr_batch_inv_ok());
	ASSERT_TRUE(bn254_fq_rejects_noncanonical());
	ASSERT_TRUE(bn254_fr_rejects_noncanonical());
	ASSERT_TRUE(bls12_381_fp_rejects_noncanonical());
	ASSERT_TRUE(bls12_381_fr_rejects_noncanonical());
	ASSERT_TRUE(bn254_fq2_ok());
	ASSERT_TRUE(bls12_381_fp2_ok());
}

TEST_HARNESS_MAIN
