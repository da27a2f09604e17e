/* SPDX-License-Identifier: MIT */
/*
 * The pairing's extension tower Fq2 -> Fq6 -> Fq12 for BN254 (xi = 9 + u)
 * and BLS12-381 (xi = 1 + u), instantiated from fp12_impl.h: bn254_fq6,
 * bn254_fq12, bls12_381_fq6, bls12_381_fq12 and their operations.
 */
#ifndef ZKM_FP12_H
#define ZKM_FP12_H

#include "fp2.h"

/* (a0 + a1 u)(9 + u) = (9 a0 - a1) + (a0 + 9 a1) u */
ZKM_INLINE void bn254_fq2_mul_xi(bn254_fq2_t *r, const bn254_fq2_t *a)
{
	bn254_fq_t n0, n1;

	bn254_fq_dbl(&n0, &a->c0);
	bn254_fq_dbl(&n0, &n0);
	bn254_fq_dbl(&n0, &n0);
	bn254_fq_add(&n0, &n0, &a->c0);
	bn254_fq_dbl(&n1, &a->c1);
	bn254_fq_dbl(&n1, &n1);
	bn254_fq_dbl(&n1, &n1);
	bn254_fq_add(&n1, &n1, &a->c1);
	bn254_fq_sub(&n0, &n0, &a->c1);
	bn254_fq_add(&r->c1, &n1, &a->c0);
	r->c0 = n0;
}

/* (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u */
ZKM_INLINE void bls12_381_fp2_mul_xi(bls12_381_fp2_t *r, const bls12_381_fp2_t *a)
{
	bls12_381_fp_t t;

	bls12_381_fp_sub(&t, &a->c0, &a->c1);
	bls12_381_fp_add(&r->c1, &a->c0, &a->c1);
	r->c0 = t;
}

#define TW bn254
#define TF bn254_fq
#define TF2 bn254_fq2
#define TW_MUL_XI bn254_fq2_mul_xi
#include "fp12_impl.h"
#undef TW
#undef TF
#undef TF2
#undef TW_MUL_XI

#define TW bls12_381
#define TF bls12_381_fp
#define TF2 bls12_381_fp2
#define TW_MUL_XI bls12_381_fp2_mul_xi
#include "fp12_impl.h"
#undef TW
#undef TF
#undef TF2
#undef TW_MUL_XI

#endif /* ZKM_FP12_H */
