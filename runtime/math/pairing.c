// SPDX-License-Identifier: MIT
/* zkm_pairing_check, zkm_pairing: argument checks; the pairing is being added (WIP). */
#include <zkasic/zkmath.h>

size_t zkm_gt_bytes(int curve)
{
	switch (curve) {
	case ZKM_BN254_G1:
	case ZKM_BN254_G2:
		return 12 * 32;
	case ZKM_BLS12_381_G1:
	case ZKM_BLS12_381_G2:
		return 12 * 48;
	}
	return 0;
}

int zkm_pairing_check(int curve, const void *g1, const void *g2, size_t n,
		      unsigned int flags)
{
	return ZKM_EINVAL;	/* WIP: the Miller loop lands in the next commit */
}

int zkm_pairing(int curve, const void *g1, const void *g2, unsigned int flags,
		void *out)
{
	return ZKM_EINVAL;
}
