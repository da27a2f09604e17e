/* SPDX-License-Identifier: MIT */
/*
 * The prime fields of zkmath in Montgomery form: BN254 Fq and Fr, BLS12-381
 * Fp and Fr. Each gets the same set of inline operations under its own
 * prefix (bn254_fq_mul, bls12_381_fr_inv, ...), so the curve, MSM and NTT
 * templates can be instantiated per field by token pasting.
 *
 * Internal values are Montgomery form (x * 2^(64N) mod p) and always < p.
 * load/store convert from/to the device byte format (little-endian,
 * standard or Montgomery form) and reject non-canonical input.
 */
#ifndef ZKM_FIELDS_H
#define ZKM_FIELDS_H

#include "consts.h"
#include "mont.h"

typedef struct { uint64_t v[4]; } zkm_fe4;
typedef struct { uint64_t v[6]; } zkm_fe6;

#define ZKM_DEFINE_FIELD(F, T, N, PINV)					\
typedef T F##_t;								\
enum { F##_limbs = N, F##_bytes = 8 * N };					\
ZKM_INLINE void F##_add(T *r, const T *a, const T *b)				\
{ mont_add(r->v, a->v, b->v, F##_P, N); }					\
ZKM_INLINE void F##_sub(T *r, const T *a, const T *b)				\
{ mont_sub(r->v, a->v, b->v, F##_P, N); }					\
ZKM_INLINE void F##_dbl(T *r, const T *a)					\
{ mont_add(r->v, a->v, a->v, F##_P, N); }					\
ZKM_INLINE void F##_neg(T *r, const T *a)					\
{ mont_neg(r->v, a->v, F##_P, N); }						\
ZKM_INLINE void F##_mul(T *r, const T *a, const T *b)				\
{ mont_mul(r->v, a->v, b->v, F##_P, PINV, N); }				\
ZKM_INLINE void F##_sqr(T *r, const T *a)					\
{ mont_mul(r->v, a->v, a->v, F##_P, PINV, N); }				\
ZKM_INLINE int F##_is_zero(const T *a) { return mont_is_zero(a->v, N); }	\
ZKM_INLINE int F##_eq(const T *a, const T *b)					\
{ return mont_eq(a->v, b->v, N); }						\
ZKM_INLINE void F##_zero(T *r) { memset(r, 0, sizeof(*r)); }			\
ZKM_INLINE void F##_one(T *r) { memcpy(r->v, F##_R1, 8 * N); }		\
ZKM_INLINE int F##_is_one(const T *a) { return mont_eq(a->v, F##_R1, N); }	\
/* limbs < p: a canonical encoding, in either form */				\
ZKM_INLINE int F##_is_canonical(const T *a) { return mont_lt(a->v, F##_P, N); } \
/* standard-form limbs -> Montgomery, a < p */				\
ZKM_INLINE void F##_to_mont(T *r, const T *a)					\
{ mont_mul(r->v, a->v, F##_R2, F##_P, PINV, N); }				\
ZKM_INLINE void F##_from_mont(T *r, const T *a)				\
{										\
	static const uint64_t one[8] = { 1 };					\
	mont_mul(r->v, a->v, one, F##_P, PINV, N);				\
}										\
ZKM_INLINE void F##_pow(T *r, const T *a, const uint64_t *e, int ne)		\
{ mont_pow(r->v, a->v, e, ne, F##_R1, F##_P, PINV, N); }			\
/* 1/a by Fermat; 1/0 gives 0 */						\
ZKM_INLINE void F##_inv(T *r, const T *a)					\
{ mont_pow(r->v, a->v, F##_PM2, N, F##_R1, F##_P, PINV, N); }			\
/* small integer k into Montgomery form */					\
ZKM_INLINE void F##_set_u64(T *r, uint64_t k)					\
{										\
	T t;									\
	memset(&t, 0, sizeof(t));						\
	t.v[0] = k;								\
	F##_to_mont(r, &t);							\
}										\
/* Read N*8 little-endian bytes; 0 if >= p. mont: bytes already Montgomery */	\
ZKM_INLINE int F##_load(T *r, const void *src, int mont)			\
{										\
	const uint8_t *b = (const uint8_t *)src;				\
	T t;									\
	for (int i = 0; i < N; i++)						\
		t.v[i] = zkm_load64(b + 8 * i);				\
	if (!mont_lt(t.v, F##_P, N)) {						\
		memset(r, 0, sizeof(*r));					\
		return 0;							\
	}									\
	if (mont)								\
		*r = t;								\
	else									\
		F##_to_mont(r, &t);						\
	return 1;								\
}										\
ZKM_INLINE void F##_store(void *dst, const T *a, int mont)			\
{										\
	uint8_t *b = (uint8_t *)dst;						\
	T t;									\
	if (mont)								\
		t = *a;								\
	else									\
		F##_from_mont(&t, a);						\
	for (int i = 0; i < N; i++)						\
		zkm_store64(b + 8 * i, t.v[i]);				\
}

ZKM_DEFINE_FIELD(bn254_fq, zkm_fe4, 4, BN254_FQ_PINV)
ZKM_DEFINE_FIELD(bn254_fr, zkm_fe4, 4, BN254_FR_PINV)
ZKM_DEFINE_FIELD(bls12_381_fp, zkm_fe6, 6, BLS12_381_FP_PINV)
ZKM_DEFINE_FIELD(bls12_381_fr, zkm_fe4, 4, BLS12_381_FR_PINV)

/*
 * Batch inversion (Montgomery's trick): r[i] = 1/a[i] with one inversion
 * and 3(n-1) multiplications. Zero inputs give zero and do not spoil the
 * others. @scratch holds n elements; r may alias a.
 */
#define ZKM_DEFINE_BATCH_INV(F)							\
static inline void F##_batch_inv(F##_t *r, const F##_t *a, size_t n,		\
				 F##_t *scratch)				\
{										\
	F##_t acc, inv, t;							\
	F##_one(&acc);								\
	for (size_t i = 0; i < n; i++) {					\
		scratch[i] = acc;						\
		if (!F##_is_zero(&a[i]))					\
			F##_mul(&acc, &acc, &a[i]);				\
	}									\
	F##_inv(&inv, &acc);							\
	for (size_t i = n; i-- > 0;) {						\
		if (F##_is_zero(&a[i])) {					\
			F##_zero(&r[i]);					\
			continue;						\
		}								\
		F##_mul(&t, &inv, &scratch[i]);					\
		F##_mul(&inv, &inv, &a[i]);					\
		r[i] = t;							\
	}									\
}

ZKM_DEFINE_BATCH_INV(bn254_fq)
ZKM_DEFINE_BATCH_INV(bn254_fr)
ZKM_DEFINE_BATCH_INV(bls12_381_fp)
ZKM_DEFINE_BATCH_INV(bls12_381_fr)

#endif /* ZKM_FIELDS_H */
