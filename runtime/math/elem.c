// SPDX-License-Identifier: MIT
/* Per-element field operations and the points-sum (elem.h). */
#include <string.h>

#include "elem.h"
#include "curves.h"
#include "goldilocks.h"

/*
 * Each field operation: load the inputs (rejecting non-canonical ones),
 * compute in the field's internal form, store. BODY uses x, y (inputs) and
 * z (result) of type F##_t; NIN is how many inputs it reads.
 */
#define FE_OP(F, NIN, BODY)							\
	do {									\
		F##_t x, y, z;							\
		(void)y;							\
		if (!F##_load(&x, a, mont) || (NIN > 1 && !F##_load(&y, b, mont))) \
			return ZKM_ERANGE;					\
		BODY;								\
		F##_store(out, &z, mont);					\
		return ZKM_OK;							\
	} while (0)

#define FE_DISPATCH(NIN, BODY_OF)						\
	do {									\
		if (flags & ~ZKM_VEC_MONT)					\
			return ZKM_EINVAL;					\
		switch (field) {						\
		case ZKM_BN254_FR:						\
			FE_OP(bn254_fr, NIN, BODY_OF(bn254_fr));		\
		case ZKM_BLS12_381_FR:						\
			FE_OP(bls12_381_fr, NIN, BODY_OF(bls12_381_fr));	\
		case ZKM_GOLDILOCKS:						\
			FE_OP(goldilocks, NIN, BODY_OF(goldilocks));		\
		}								\
		return ZKM_EINVAL;						\
	} while (0)

#define ADD(F) F##_add(&z, &x, &y)
#define SUB(F) F##_sub(&z, &x, &y)
#define MUL(F) F##_mul(&z, &x, &y)

int zkm_fe_add(int field, void *out, const void *a, const void *b, unsigned int flags)
{
	const int mont = !!(flags & ZKM_VEC_MONT);

	FE_DISPATCH(2, ADD);
}

int zkm_fe_sub(int field, void *out, const void *a, const void *b, unsigned int flags)
{
	const int mont = !!(flags & ZKM_VEC_MONT);

	FE_DISPATCH(2, SUB);
}

int zkm_fe_mul(int field, void *out, const void *a, const void *b, unsigned int flags)
{
	const int mont = !!(flags & ZKM_VEC_MONT);

	FE_DISPATCH(2, MUL);
}

int zkm_fe_pow(int field, void *out, const void *a, const void *e, size_t e_bytes,
	       unsigned int flags)
{
	const int mont = !!(flags & ZKM_VEC_MONT);
	const void *b = NULL;
	uint64_t limbs[8];
	size_t i;

	if (!e_bytes || e_bytes % 8 || e_bytes > sizeof(limbs))
		return ZKM_EINVAL;
	for (i = 0; i < e_bytes / 8; i++)
		limbs[i] = zkm_load64((const uint8_t *)e + 8 * i);
#define POW(F) F##_pow(&z, &x, limbs, (int)(e_bytes / 8))
	FE_DISPATCH(1, POW);
#undef POW
}

int zkm_fe_set_u64(int field, void *out, uint64_t k, unsigned int flags)
{
	const int mont = !!(flags & ZKM_VEC_MONT);

	if (flags & ~ZKM_VEC_MONT)
		return ZKM_EINVAL;
#define SET(F)									\
	do {									\
		F##_t z;							\
		F##_set_u64(&z, k);						\
		F##_store(out, &z, mont);					\
		return ZKM_OK;							\
	} while (0)
	switch (field) {
	case ZKM_BN254_FR:
		SET(bn254_fr);
	case ZKM_BLS12_381_FR:
		SET(bls12_381_fr);
	case ZKM_GOLDILOCKS:
		SET(goldilocks);
	}
#undef SET
	return ZKM_EINVAL;
}

/* Load in one form, store in the other: the value is the same element. */
static int fe_convert(int field, void *out, const void *a, int from_mont)
{
#define CONVERT(F)								\
	do {									\
		F##_t z;							\
		if (!F##_load(&z, a, from_mont))				\
			return ZKM_ERANGE;					\
		F##_store(out, &z, !from_mont);					\
		return ZKM_OK;							\
	} while (0)
	switch (field) {
	case ZKM_BN254_FR:
		CONVERT(bn254_fr);
	case ZKM_BLS12_381_FR:
		CONVERT(bls12_381_fr);
	case ZKM_GOLDILOCKS:
		CONVERT(goldilocks);
	}
#undef CONVERT
	return ZKM_EINVAL;
}

int zkm_fe_to_mont(int field, void *out, const void *a)
{
	return fe_convert(field, out, a, 0);
}

int zkm_fe_from_mont(int field, void *out, const void *a)
{
	return fe_convert(field, out, a, 1);
}

/* Both coordinates of a point over base field (or extension) F. */
#define POINT_FROM_MONT(F)							\
	do {									\
		F##_t c[2];							\
		for (int k = 0; k < 2; k++)					\
			if (!F##_load(&c[k], (const uint8_t *)in + k * F##_bytes, 1)) \
				return ZKM_ERANGE;				\
		for (int k = 0; k < 2; k++)					\
			F##_store((uint8_t *)out + k * F##_bytes, &c[k], 0);	\
		return ZKM_OK;							\
	} while (0)

int zkm_point_from_mont(int curve, void *out, const void *in)
{
	switch (curve) {
	case ZKM_BN254_G1:
		POINT_FROM_MONT(bn254_fq);
	case ZKM_BN254_G2:
		POINT_FROM_MONT(bn254_fq2);
	case ZKM_BLS12_381_G1:
		POINT_FROM_MONT(bls12_381_fp);
	case ZKM_BLS12_381_G2:
		POINT_FROM_MONT(bls12_381_fp2);
	}
	return ZKM_EINVAL;
}

#define POINT_NEG(EC)								\
	do {									\
		EC##_aff_t p;							\
		int ret = EC##_aff_load(&p, in, mont);				\
		if (ret)							\
			return ret;						\
		EC##_aff_neg(&p, &p);						\
		EC##_aff_store(out, &p, mont);					\
		return ZKM_OK;							\
	} while (0)

int zkm_point_neg(int curve, void *out, const void *in, unsigned int flags)
{
	const int mont = !!(flags & ZKM_MSM_POINTS_MONT);

	if (flags & ~ZKM_MSM_POINTS_MONT)
		return ZKM_EINVAL;
	switch (curve) {
	case ZKM_BN254_G1:
		POINT_NEG(bn254_g1);
	case ZKM_BN254_G2:
		POINT_NEG(bn254_g2);
	case ZKM_BLS12_381_G1:
		POINT_NEG(bls12_381_g1);
	case ZKM_BLS12_381_G2:
		POINT_NEG(bls12_381_g2);
	}
	return ZKM_EINVAL;
}

/* Jacobian accumulator, one mixed addition per point, one inversion at the end. */
#define POINTS_SUM(EC)								\
	do {									\
		EC##_jac_t acc;							\
		EC##_aff_t p;							\
		int ret;							\
		EC##_jac_set_inf(&acc);						\
		for (size_t i = 0; i < n; i++) {				\
			ret = EC##_aff_load(&p, (const uint8_t *)points +	\
					    i * EC##_point_bytes, mont);	\
			if (ret)						\
				return ret;					\
			EC##_jac_madd(&acc, &acc, &p);				\
		}								\
		EC##_jac_to_aff(&p, &acc);					\
		EC##_aff_store(out, &p, mont);					\
		return ZKM_OK;							\
	} while (0)

int zkm_points_sum(int curve, const void *points, size_t n, unsigned int flags, void *out)
{
	const int mont = !!(flags & ZKM_MSM_POINTS_MONT);

	if ((flags & ~ZKM_MSM_POINTS_MONT) || !out || (n && !points))
		return ZKM_EINVAL;
	switch (curve) {
	case ZKM_BN254_G1:
		POINTS_SUM(bn254_g1);
	case ZKM_BN254_G2:
		POINTS_SUM(bn254_g2);
	case ZKM_BLS12_381_G1:
		POINTS_SUM(bls12_381_g1);
	case ZKM_BLS12_381_G2:
		POINTS_SUM(bls12_381_g2);
	}
	return ZKM_EINVAL;
}
