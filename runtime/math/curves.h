/* SPDX-License-Identifier: MIT */
/*
 * The four groups of zkmath, instantiated from ec_impl.h:
 * bn254_g1 (over Fq), bn254_g2 (over Fq2), bls12_381_g1 (over Fp) and
 * bls12_381_g2 (over Fp2). Scalars are elements of the matching Fr.
 */
#ifndef ZKM_CURVES_H
#define ZKM_CURVES_H

#include <zkasic/zkmath.h>

#include "fields.h"
#include "fp2.h"

#define EC bn254_g1
#define EF bn254_fq
#define EC_B(b) memcpy((b)->v, bn254_g1_B_MONT, sizeof(bn254_g1_B_MONT))
#define EC_ORDER bn254_fr_P
#include "ec_impl.h"
#undef EC
#undef EF
#undef EC_B
#undef EC_ORDER

#define EC bn254_g2
#define EF bn254_fq2
#define EC_B(b) (memcpy((b)->c0.v, bn254_g2_B_MONT[0], 32), \
		 memcpy((b)->c1.v, bn254_g2_B_MONT[1], 32))
#define EC_ORDER bn254_fr_P
#include "ec_impl.h"
#undef EC
#undef EF
#undef EC_B
#undef EC_ORDER

#define EC bls12_381_g1
#define EF bls12_381_fp
#define EC_B(b) memcpy((b)->v, bls12_381_g1_B_MONT, sizeof(bls12_381_g1_B_MONT))
#define EC_ORDER bls12_381_fr_P
#include "ec_impl.h"
#undef EC
#undef EF
#undef EC_B
#undef EC_ORDER

#define EC bls12_381_g2
#define EF bls12_381_fp2
#define EC_B(b) (memcpy((b)->c0.v, bls12_381_g2_B_MONT[0], 48), \
		 memcpy((b)->c1.v, bls12_381_g2_B_MONT[1], 48))
#define EC_ORDER bls12_381_fr_P
#include "ec_impl.h"
#undef EC
#undef EF
#undef EC_B
#undef EC_ORDER

#endif /* ZKM_CURVES_H */
