// SPDX-License-Identifier: MIT
/* zkm_point_check: whether a serialised affine point lies on its curve. */
#include <zkasic/zkmath.h>

#include "curves.h"

#define ZKM_CHECK_POINT(EC)							\
	do {									\
		EC##_aff_t p;							\
										\
		return EC##_aff_load(&p, point, mont);				\
	} while (0)

int zkm_point_check(int curve, const void *point, unsigned int flags)
{
	const int mont = !!(flags & ZKM_MSM_POINTS_MONT);

	if (!point || (flags & ~ZKM_MSM_POINTS_MONT))
		return ZKM_EINVAL;
	switch (curve) {
	case ZKM_BN254_G1:
		ZKM_CHECK_POINT(bn254_g1);
	case ZKM_BN254_G2:
		ZKM_CHECK_POINT(bn254_g2);
	case ZKM_BLS12_381_G1:
		ZKM_CHECK_POINT(bls12_381_g1);
	case ZKM_BLS12_381_G2:
		ZKM_CHECK_POINT(bls12_381_g2);
	}
	return ZKM_EINVAL;
}
