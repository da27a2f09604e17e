/* SPDX-License-Identifier: MIT */
/*
 * Goldilocks field p = 2^64 - 2^32 + 1. Elements are kept in standard form
 * (one limb, < p): the special shape of p gives a reduction of a 128-bit
 * product with a few adds, faster than Montgomery. The device's Montgomery
 * form (x * 2^64 mod p) is only converted at load/store.
 *
 * The operation names match fields.h so the NTT and vector templates
 * instantiate over it unchanged.
 */
#ifndef ZKM_GOLDILOCKS_H
#define ZKM_GOLDILOCKS_H

#include "consts.h"
#include "mont.h"

typedef struct { uint64_t v[1]; } goldilocks_t;
enum { goldilocks_limbs = 1, goldilocks_bytes = 8 };

#define GL_EPS 0xffffffffULL	/* 2^64 mod p = 2^32 - 1 */

ZKM_INLINE uint64_t gl_canon(uint64_t x)
{
	return x >= GOLDILOCKS_P ? x - GOLDILOCKS_P : x;
}

/*
 * Reduce hi * 2^64 + lo: 2^64 = 2^32 - 1 and 2^96 = -1 (mod p), so with
 * hi = hh * 2^32 + hl the value is lo - hh + hl * (2^32 - 1).
 */
ZKM_INLINE uint64_t gl_reduce128(uint64_t lo, uint64_t hi)
{
	uint64_t hh = hi >> 32, hl = hi & GL_EPS;
	uint64_t t0 = lo - hh;

	if (lo < hh)		/* borrowed 2^64: add it back as -EPS */
		t0 -= GL_EPS;
	uint64_t t1 = hl * GL_EPS;
	uint64_t t2 = t0 + t1;

	if (t2 < t1)		/* carried 2^64 = EPS */
		t2 += GL_EPS;
	return gl_canon(t2);
}

ZKM_INLINE void goldilocks_add(goldilocks_t *r, const goldilocks_t *a,
			       const goldilocks_t *b)
{
	uint64_t s = a->v[0] + b->v[0];

	/* overflow: s + 2^64 = s + EPS (mod p), and s < p - 1 then */
	if (s < a->v[0])
		s += GL_EPS;
	r->v[0] = gl_canon(s);
}

ZKM_INLINE void goldilocks_sub(goldilocks_t *r, const goldilocks_t *a,
			       const goldilocks_t *b)
{
	uint64_t d = a->v[0] - b->v[0];

	if (a->v[0] < b->v[0])	/* borrowed 2^64: d - 2^64 + p = d - EPS */
		d -= GL_EPS;
	r->v[0] = d;
}

ZKM_INLINE void goldilocks_dbl(goldilocks_t *r, const goldilocks_t *a)
{
	goldilocks_add(r, a, a);
}

ZKM_INLINE void goldilocks_neg(goldilocks_t *r, const goldilocks_t *a)
{
	r->v[0] = a->v[0] ? GOLDILOCKS_P - a->v[0] : 0;
}

ZKM_INLINE void goldilocks_mul(goldilocks_t *r, const goldilocks_t *a,
			       const goldilocks_t *b)
{
	zkm_u128 x = (zkm_u128)a->v[0] * b->v[0];

	r->v[0] = gl_reduce128((uint64_t)x, (uint64_t)(x >> 64));
}

ZKM_INLINE void goldilocks_sqr(goldilocks_t *r, const goldilocks_t *a)
{
	goldilocks_mul(r, a, a);
}

ZKM_INLINE int goldilocks_is_zero(const goldilocks_t *a) { return a->v[0] == 0; }
ZKM_INLINE int goldilocks_eq(const goldilocks_t *a, const goldilocks_t *b)
{
	return a->v[0] == b->v[0];
}
ZKM_INLINE void goldilocks_zero(goldilocks_t *r) { r->v[0] = 0; }
ZKM_INLINE void goldilocks_one(goldilocks_t *r) { r->v[0] = 1; }
ZKM_INLINE int goldilocks_is_canonical(const goldilocks_t *a)
{
	return a->v[0] < GOLDILOCKS_P;
}
ZKM_INLINE int goldilocks_is_one(const goldilocks_t *a) { return a->v[0] == 1; }
ZKM_INLINE void goldilocks_set_u64(goldilocks_t *r, uint64_t k) { r->v[0] = gl_canon(k); }

ZKM_INLINE void goldilocks_pow(goldilocks_t *r, const goldilocks_t *a,
			       const uint64_t *e, int ne)
{
	goldilocks_t acc = { { 1 } }, base = *a;

	for (int i = ne * 64 - 1; i >= 0; i--) {
		goldilocks_sqr(&acc, &acc);
		if ((e[i / 64] >> (i % 64)) & 1)
			goldilocks_mul(&acc, &acc, &base);
	}
	*r = acc;
}

ZKM_INLINE void goldilocks_inv(goldilocks_t *r, const goldilocks_t *a)
{
	static const uint64_t pm2 = GOLDILOCKS_P - 2;

	goldilocks_pow(r, a, &pm2, 1);
}

/* Montgomery form of the device is x * 2^64; internal is standard. */
ZKM_INLINE void goldilocks_to_mont(goldilocks_t *r, const goldilocks_t *a)
{
	goldilocks_t k = { { GOLDILOCKS_R } };

	goldilocks_mul(r, a, &k);
}

ZKM_INLINE void goldilocks_from_mont(goldilocks_t *r, const goldilocks_t *a)
{
	goldilocks_t k = { { GOLDILOCKS_RINV } };

	goldilocks_mul(r, a, &k);
}

ZKM_INLINE int goldilocks_load(goldilocks_t *r, const void *src, int mont)
{
	uint64_t x = zkm_load64((const uint8_t *)src);

	if (x >= GOLDILOCKS_P) {
		r->v[0] = 0;
		return 0;
	}
	r->v[0] = x;
	if (mont)
		goldilocks_from_mont(r, r);
	return 1;
}

ZKM_INLINE void goldilocks_store(void *dst, const goldilocks_t *a, int mont)
{
	goldilocks_t t = *a;

	if (mont)
		goldilocks_to_mont(&t, a);
	zkm_store64((uint8_t *)dst, t.v[0]);
}

#endif /* ZKM_GOLDILOCKS_H */
