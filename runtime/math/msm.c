// SPDX-License-Identifier: MIT
/*
 * zkm_msm: argument checks and dispatch to the per-curve Pippenger
 * instances of msm_impl.h.
 */
#include <stdlib.h>
#include <string.h>

#include <zkasic/zkmath.h>

#include "curves.h"
#include "exec.h"

#define EC bn254_g1
#define FR bn254_fr
#define FR_NBITS BN254_FR_BITS
#include "msm_impl.h"
#undef EC
#undef FR
#undef FR_NBITS

#define EC bn254_g2
#define FR bn254_fr
#define FR_NBITS BN254_FR_BITS
#include "msm_impl.h"
#undef EC
#undef FR
#undef FR_NBITS

#define EC bls12_381_g1
#define FR bls12_381_fr
#define FR_NBITS BLS12_381_FR_BITS
#include "msm_impl.h"
#undef EC
#undef FR
#undef FR_NBITS

#define EC bls12_381_g2
#define FR bls12_381_fr
#define FR_NBITS BLS12_381_FR_BITS
#include "msm_impl.h"
#undef EC
#undef FR
#undef FR_NBITS

/* Bytes one point costs inside an MSM: loaded point, scalar, carry mask. */
#define ZKM_MSM_MAX_N (((size_t)1 << 40) / 512)

int zkm_msm(int curve, const void *bases, const void *scalars, size_t n,
	    unsigned int flags, void *result, const struct zkm_exec *ex)
{
	struct zkm_run run;
	size_t pb = zkm_point_bytes(curve);

	if (!pb || !result || (flags & ~(ZKM_MSM_SCALARS_MONT | ZKM_MSM_POINTS_MONT)))
		return ZKM_EINVAL;
	if (n && (!bases || !scalars))
		return ZKM_EINVAL;
	if (n > ZKM_MSM_MAX_N)
		return ZKM_EINVAL;
	zkm_run_init(&run, ex);
	if (zkm_aborted(&run))
		return ZKM_EABORTED;
	if (n == 0) {
		memset(result, 0, pb);
		return ZKM_OK;
	}
	switch (curve) {
	case ZKM_BN254_G1:
		return bn254_g1_msm(bases, scalars, n, flags, result, &run);
	case ZKM_BN254_G2:
		return bn254_g2_msm(bases, scalars, n, flags, result, &run);
	case ZKM_BLS12_381_G1:
		return bls12_381_g1_msm(bases, scalars, n, flags, result, &run);
	case ZKM_BLS12_381_G2:
		return bls12_381_g2_msm(bases, scalars, n, flags, result, &run);
	}
	return ZKM_EINVAL;
}
