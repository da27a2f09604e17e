/* SPDX-License-Identifier: MIT */
/*
 * Quadratic extensions Fq2 = Fq[u]/(u^2 + 1) for BN254 and BLS12-381 (both
 * use u^2 = -1), the coordinate fields of G2. Same operation names as the
 * prime fields (fields.h) so the curve template works over either.
 * Byte format: c0 then c1, each in the base field's format.
 */
#ifndef ZKM_FP2_H
#define ZKM_FP2_H

#include "fields.h"

#define ZKM_DEFINE_FP2(F2, F)							\
typedef struct { F##_t c0, c1; } F2##_t;					\
enum { F2##_bytes = 2 * F##_bytes };						\
ZKM_INLINE void F2##_add(F2##_t *r, const F2##_t *a, const F2##_t *b)		\
{ F##_add(&r->c0, &a->c0, &b->c0); F##_add(&r->c1, &a->c1, &b->c1); }		\
ZKM_INLINE void F2##_sub(F2##_t *r, const F2##_t *a, const F2##_t *b)		\
{ F##_sub(&r->c0, &a->c0, &b->c0); F##_sub(&r->c1, &a->c1, &b->c1); }		\
ZKM_INLINE void F2##_dbl(F2##_t *r, const F2##_t *a)				\
{ F##_dbl(&r->c0, &a->c0); F##_dbl(&r->c1, &a->c1); }				\
ZKM_INLINE void F2##_neg(F2##_t *r, const F2##_t *a)				\
{ F##_neg(&r->c0, &a->c0); F##_neg(&r->c1, &a->c1); }				\
/* Karatsuba: 3 base multiplications */					\
ZKM_INLINE void F2##_mul(F2##_t *r, const F2##_t *a, const F2##_t *b)		\
{										\
	F##_t t0, t1, s0, s1;							\
	F##_mul(&t0, &a->c0, &b->c0);						\
	F##_mul(&t1, &a->c1, &b->c1);						\
	F##_add(&s0, &a->c0, &a->c1);						\
	F##_add(&s1, &b->c0, &b->c1);						\
	F##_mul(&s0, &s0, &s1);							\
	F##_sub(&s0, &s0, &t0);							\
	F##_sub(&r->c1, &s0, &t1);						\
	F##_sub(&r->c0, &t0, &t1);						\
}										\
/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u */				\
ZKM_INLINE void F2##_sqr(F2##_t *r, const F2##_t *a)				\
{										\
	F##_t s, d, m;								\
	F##_add(&s, &a->c0, &a->c1);						\
	F##_sub(&d, &a->c0, &a->c1);						\
	F##_mul(&m, &a->c0, &a->c1);						\
	F##_mul(&r->c0, &s, &d);						\
	F##_dbl(&r->c1, &m);							\
}										\
ZKM_INLINE int F2##_is_zero(const F2##_t *a)					\
{ return F##_is_zero(&a->c0) && F##_is_zero(&a->c1); }				\
ZKM_INLINE int F2##_eq(const F2##_t *a, const F2##_t *b)			\
{ return F##_eq(&a->c0, &b->c0) && F##_eq(&a->c1, &b->c1); }			\
ZKM_INLINE void F2##_zero(F2##_t *r) { F##_zero(&r->c0); F##_zero(&r->c1); }	\
ZKM_INLINE void F2##_one(F2##_t *r) { F##_one(&r->c0); F##_zero(&r->c1); }	\
/* 1/(a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2); 1/0 gives 0 */			\
ZKM_INLINE void F2##_inv(F2##_t *r, const F2##_t *a)				\
{										\
	F##_t n, t;								\
	F##_sqr(&n, &a->c0);							\
	F##_sqr(&t, &a->c1);							\
	F##_add(&n, &n, &t);							\
	F##_inv(&n, &n);							\
	F##_mul(&r->c0, &a->c0, &n);						\
	F##_mul(&t, &a->c1, &n);						\
	F##_neg(&r->c1, &t);							\
}										\
ZKM_INLINE int F2##_load(F2##_t *r, const void *src, int mont)			\
{										\
	const uint8_t *b = (const uint8_t *)src;				\
	return F##_load(&r->c0, b, mont) && F##_load(&r->c1, b + F##_bytes, mont); \
}										\
ZKM_INLINE void F2##_store(void *dst, const F2##_t *a, int mont)		\
{										\
	uint8_t *b = (uint8_t *)dst;						\
	F##_store(b, &a->c0, mont);						\
	F##_store(b + F##_bytes, &a->c1, mont);					\
}										\
/*										\
 * Batch inversion through the norms: 1/a = conj(a) / (a0^2 + a1^2), the	\
 * norms inverted together in the base field. About 7 base multiplications	\
 * per element against 9 for Montgomery's trick on Fq2 products. r may	\
 * be a; @scratch holds n elements; zeros give zeros.			\
 */										\
static inline void F2##_batch_inv(F2##_t *r, const F2##_t *a, size_t n,	\
				  F2##_t *scratch)				\
{										\
	F##_t *norm = (F##_t *)scratch, *tmp = norm + n;			\
	for (size_t i = 0; i < n; i++) {					\
		F##_t t;							\
		F##_sqr(&norm[i], &a[i].c0);					\
		F##_sqr(&t, &a[i].c1);						\
		F##_add(&norm[i], &norm[i], &t);				\
	}									\
	F##_batch_inv(norm, norm, n, tmp);					\
	for (size_t i = 0; i < n; i++) {					\
		F##_t t;							\
		F##_mul(&r[i].c0, &a[i].c0, &norm[i]);				\
		F##_mul(&t, &a[i].c1, &norm[i]);				\
		F##_neg(&r[i].c1, &t);						\
	}									\
}

ZKM_DEFINE_FP2(bn254_fq2, bn254_fq)
ZKM_DEFINE_FP2(bls12_381_fp2, bls12_381_fp)

#endif /* ZKM_FP2_H */
