// SPDX-License-Identifier: MIT
/*
 * zkm_pairing_check, zkm_pairing: the optimal ate pairing on BN254 and
 * BLS12-381 (pairing_impl.h over the tower of fp12.h), with argument checks.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <zkasic/zkmath.h>

#include "curves.h"
#include "fp12.h"

#define PC bn254
#define PF bn254_fq
#define PF2 bn254_fq2
#define PG1 bn254_g1
#define PG2 bn254_g2
#define PC_BN 1
#define PC_X 0x44e992b44a6909f1ULL
#define PC_X_NEG 0
#define PC_TWIST_B bn254_g2_B_MONT
#include "pairing_impl.h"
#undef PC
#undef PF
#undef PF2
#undef PG1
#undef PG2
#undef PC_BN
#undef PC_X
#undef PC_X_NEG
#undef PC_TWIST_B

#define PC bls12_381
#define PF bls12_381_fp
#define PF2 bls12_381_fp2
#define PG1 bls12_381_g1
#define PG2 bls12_381_g2
#define PC_BN 0
#define PC_X 0xd201000000010000ULL
#define PC_X_NEG 1
#define PC_TWIST_B bls12_381_g2_B_MONT
#include "pairing_impl.h"
#undef PC
#undef PF
#undef PF2
#undef PG1
#undef PG2
#undef PC_BN
#undef PC_X
#undef PC_X_NEG
#undef PC_TWIST_B

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

static int pairing(int curve, const void *g1, const void *g2, size_t n, unsigned int flags,
		   void *out)
{
	const int mont = !!(flags & ZKM_PAIRING_MONT);

	if ((flags & ~ZKM_PAIRING_MONT) || (n && (!g1 || !g2)))
		return ZKM_EINVAL;
	switch (curve) {
	case ZKM_BN254_G1:
	case ZKM_BN254_G2:
		return bn254_pairing_bytes(g1, g2, n, mont, out);
	case ZKM_BLS12_381_G1:
	case ZKM_BLS12_381_G2:
		return bls12_381_pairing_bytes(g1, g2, n, mont, out);
	}
	return ZKM_EINVAL;
}

int zkm_pairing_check(int curve, const void *g1, const void *g2, size_t n,
		      unsigned int flags)
{
	return pairing(curve, g1, g2, n, flags, NULL);
}

int zkm_pairing(int curve, const void *g1, const void *g2, unsigned int flags,
		void *out)
{
	if (!out)
		return ZKM_EINVAL;
	return pairing(curve, g1, g2, 1, flags, out);
}
