/* SPDX-License-Identifier: MIT */
/*
 * MSM kernel: the per-curve Pippenger instances of msm_impl.h and their
 * dispatcher, compiled once per ISA (msm_generic.c, msm_adx.c), which
 * defines ZKM_ISA before including this.
 */
#include <stdlib.h>
#include <string.h>

#include <zkasic/zkmath.h>

#include "curves.h"
#include "exec.h"
#include "glv_consts.h"
#include "kernels.h"

#define EC bn254_g1
#define EF bn254_fq
#define EB bn254_fq
#define MSM_PHI_X(r, x, beta) bn254_fq_mul(r, x, beta)
#define FR bn254_fr
#define FR_NBITS BN254_FR_BITS
#if defined(ZKM_USE_ADX) && ZKM_HAVE_IFMA_KERNELS
#define MSM_FLUSH_X8 zkm_bn254_g1_flush_ifma
#endif
#include "msm_impl.h"
#undef EC
#undef EF
#undef EB
#undef MSM_PHI_X
#undef FR
#undef FR_NBITS
#undef MSM_FLUSH_X8

#define EC bn254_g2
#define EF bn254_fq2
#define EB bn254_fq
#define MSM_PHI_X(r, x, beta) (bn254_fq_mul(&(r)->c0, &(x)->c0, beta), \
			       bn254_fq_mul(&(r)->c1, &(x)->c1, beta))
#define FR bn254_fr
#define FR_NBITS BN254_FR_BITS
#if defined(ZKM_USE_ADX) && ZKM_HAVE_IFMA_KERNELS
#define MSM_FLUSH_X8 zkm_bn254_g2_flush_ifma
#endif
#include "msm_impl.h"
#undef EC
#undef EF
#undef EB
#undef MSM_PHI_X
#undef FR
#undef FR_NBITS
#undef MSM_FLUSH_X8

#define EC bls12_381_g1
#define EF bls12_381_fp
#define EB bls12_381_fp
#define MSM_PHI_X(r, x, beta) bls12_381_fp_mul(r, x, beta)
#define FR bls12_381_fr
#define FR_NBITS BLS12_381_FR_BITS
#if defined(ZKM_USE_ADX) && ZKM_HAVE_IFMA_KERNELS
#define MSM_FLUSH_X8 zkm_bls12_381_g1_flush_ifma
#endif
#include "msm_impl.h"
#undef EC
#undef EF
#undef EB
#undef MSM_PHI_X
#undef FR
#undef FR_NBITS
#undef MSM_FLUSH_X8

#define EC bls12_381_g2
#define EF bls12_381_fp2
#define EB bls12_381_fp
#define MSM_PHI_X(r, x, beta) (bls12_381_fp_mul(&(r)->c0, &(x)->c0, beta), \
			       bls12_381_fp_mul(&(r)->c1, &(x)->c1, beta))
#define FR bls12_381_fr
#define FR_NBITS BLS12_381_FR_BITS
#if defined(ZKM_USE_ADX) && ZKM_HAVE_IFMA_KERNELS
#define MSM_FLUSH_X8 zkm_bls12_381_g2_flush_ifma
#endif
#include "msm_impl.h"
#undef EC
#undef EF
#undef EB
#undef MSM_PHI_X
#undef FR
#undef FR_NBITS
#undef MSM_FLUSH_X8

int ZKM_CAT(zkm_msm_kernel_, ZKM_ISA)(int curve, const struct zkm_msm_part *parts,
				     unsigned int nparts, size_t n, unsigned int flags,
				     void *result, const struct zkm_run *run)
{
	switch (curve) {
	case ZKM_BN254_G1:
		return bn254_g1_msm(parts, nparts, n, flags, result, run);
	case ZKM_BN254_G2:
		return bn254_g2_msm(parts, nparts, n, flags, result, run);
	case ZKM_BLS12_381_G1:
		return bls12_381_g1_msm(parts, nparts, n, flags, result, run);
	case ZKM_BLS12_381_G2:
		return bls12_381_g2_msm(parts, nparts, n, flags, result, run);
	}
	return ZKM_EINVAL;
}
