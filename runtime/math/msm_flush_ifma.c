// SPDX-License-Identifier: MIT
/*
 * The MSM's batch-affine flush for BN254 and BLS12-381, G1 and G2, eight
 * additions at a time with AVX-512 IFMA (fq_ifma.h): each addition's slope
 * denominator (and whether it doubles or cancels), then Montgomery's trick
 * over the denominators, run as eight interleaved chains (addition j in
 * lane j mod 8) whose eight products are inverted together on the scalar
 * side, and then the slopes and new coordinates.
 * Only entered after zkm_use_ifma().
 *
 * Bounds, in units of p, for the lazy reduction (fq8_mul gives below
 * a b / R + p, and p / R < 0.19 for both fields; an Fq2 product component is a sum
 * of two; Fq2 negates b1 as k p - b1 for b1 below k p). Loaded values and
 * the numerators and denominators are below 1. Fq2 (Fq) bounds: the
 * chains' products stay below 3.2 (1.3); 1/den below 6.8 (1.3); the slope
 * l below 4.6 (1.3), then reduced below 1; l^2 below 2.4 (1.2);
 * x3 = l^2 + 2 p - xA - xP below 4.4; xA + 5 p - x3 below 6, the largest
 * value anywhere; y3 = l (xA - x3) + p - yA below 5.3. In Fq, x3 and y3
 * stay below 3.2 (l^2 below 1.2, l (xA - x3) below 2.2). fq8_reduce takes
 * values below 2^k p below p with k subtractions.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"

#if ZKM_HAVE_IFMA_KERNELS
/*
 * This file alone is compiled for AVX-512 IFMA, whichever build it is in
 * (the Makefile's or QEMU's); the rest of zkmath must run on any x86-64.
 */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512ifma"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512ifma")
#endif
#include "consts.h"
#include "fq_ifma.h"

/* The two base fields: 52-bit limbs (n), 64-bit words (w), constants. */
enum { BN_N = 5, BN_W = 4, BLS_N = 8, BLS_W = 6 };
static struct fq8_field bn254_fq8, bls12_381_fp8;
static pthread_once_t fq8_once = PTHREAD_ONCE_INIT;

static void fq8_fields_init(void)
{
	fq8_field_init(&bn254_fq8, bn254_fq_P, BN254_FQ_PINV, bn254_fq_R1, BN_N, BN_W);
	fq8_field_init(&bls12_381_fp8, bls12_381_fp_P, BLS12_381_FP_PINV, bls12_381_fp_R1,
		       BLS_N, BLS_W);
}

/* An element of the base field (nc = 1) or its quadratic extension (nc = 2). */
typedef struct {
	fq8_t c[2];
} e8_t;

/* Which field, and its sizes: constants at every call, so everything unrolls. */
struct x8_field {
	const struct fq8_field *f;
	int n, w, nc;
};

#define X8_INLINE static inline __attribute__((always_inline))

/*
 * r = a b; in Fq2 (u^2 = -1) c0 = a0 b0 + a1 (k p - b1), c1 = a0 b1 + a1 b0,
 * where k p (@kb) is above b's components.
 */
X8_INLINE void e8_mul(e8_t *r, const e8_t *a, const e8_t *b, const uint64_t *kb,
		      struct x8_field F)
{
	fq8_t t0, t1, t2, t3, nb1, zero;

	if (F.nc == 1) {
		fq8_mul(&r->c[0], &a->c[0], &b->c[0], F.f, F.n, F.w);
		return;
	}
	fq8_zero(&zero, F.n);
	fq8_sub(&nb1, &zero, &b->c[1], kb, F.n);
	fq8_mul(&t0, &a->c[0], &b->c[0], F.f, F.n, F.w);
	fq8_mul(&t1, &a->c[1], &nb1, F.f, F.n, F.w);
	fq8_mul(&t2, &a->c[0], &b->c[1], F.f, F.n, F.w);
	fq8_mul(&t3, &a->c[1], &b->c[0], F.f, F.n, F.w);
	fq8_add(&r->c[0], &t0, &t1, F.n);
	fq8_add(&r->c[1], &t2, &t3, F.n);
}

X8_INLINE void e8_copy(e8_t *r, const e8_t *a, struct x8_field F)
{
	for (int c = 0; c < F.nc; c++)
		fq8_copy(&r->c[c], &a->c[c], F.n);
}

X8_INLINE void e8_add(e8_t *r, const e8_t *a, const e8_t *b, struct x8_field F)
{
	for (int c = 0; c < F.nc; c++)
		fq8_add(&r->c[c], &a->c[c], &b->c[c], F.n);
}

/* r = a + k - b, k a multiple of p above each of b's components */
X8_INLINE void e8_sub(e8_t *r, const e8_t *a, const e8_t *b, const uint64_t *k,
		      struct x8_field F)
{
	for (int c = 0; c < F.nc; c++)
		fq8_sub(&r->c[c], &a->c[c], &b->c[c], k, F.n);
}

/* Component c of an element lies 8 w c bytes into it. */
X8_INLINE void e8_load(e8_t *r, const void *base, __m512i off, __mmask8 mask,
		       const uint64_t *fill0, struct x8_field F)
{
	static const uint64_t zero[FQ8_MAXL];

	for (int c = 0; c < F.nc; c++)
		fq8_load(&r->c[c], (const uint8_t *)base + 8 * F.w * c, off, mask,
			 c == 0 ? fill0 : zero, F.n, F.w);
}

X8_INLINE void e8_reduce(e8_t *r, const e8_t *a, unsigned int k, struct x8_field F)
{
	for (int c = 0; c < F.nc; c++)
		fq8_reduce(&r->c[c], &a->c[c], k, F.f, F.n);
}

/* Reduce a (components below 2^k p) below p and store it. */
X8_INLINE void e8_store(void *base, __m512i off, __mmask8 mask, const e8_t *a,
			unsigned int k, struct x8_field F)
{
	for (int c = 0; c < F.nc; c++) {
		fq8_t t;

		fq8_reduce(&t, &a->c[c], k, F.f, F.n);
		fq8_store((uint8_t *)base + 8 * F.w * c, off, mask, &t, F.n, F.w);
	}
}

/* Lanes where a and b are equal (both below p, so equal limbs). */
X8_INLINE __mmask8 e8_eq(const e8_t *a, const e8_t *b, struct x8_field F)
{
	__mmask8 m = 0xff;

	for (int c = 0; c < F.nc; c++)
		for (int j = 0; j < F.n; j++)
			m &= _mm512_cmpeq_epi64_mask(a->c[c].l[j], b->c[c].l[j]);
	return m;
}

X8_INLINE __mmask8 e8_is_zero(const e8_t *a, struct x8_field F)
{
	__mmask8 m = 0xff;

	for (int c = 0; c < F.nc; c++)
		for (int j = 0; j < F.n; j++)
			m &= _mm512_cmpeq_epi64_mask(a->c[c].l[j], _mm512_setzero_si512());
	return m;
}

/* r = b in the lanes of @mask, a elsewhere */
X8_INLINE void e8_blend(e8_t *r, __mmask8 mask, const e8_t *a, const e8_t *b,
			struct x8_field F)
{
	for (int c = 0; c < F.nc; c++)
		for (int j = 0; j < F.n; j++)
			r->c[c].l[j] = _mm512_mask_blend_epi64(mask, a->c[c].l[j], b->c[c].l[j]);
}

X8_INLINE void e8_one(e8_t *r, struct x8_field F)
{
	fq8_set(&r->c[0], F.f->one, F.n);
	fq8_zero(&r->c[1], F.n);
}

/*
 * r = 1/a lane by lane: the eight lanes go out as eight elements (nc
 * components of w words each) to @inv8, the caller's scalar batch
 * inversion (built with MULX/ADX: its assembly and this file's AVX-512 do
 * not share a translation unit, whose register allocation they strain).
 * No lane is zero (no denominator is).
 */
X8_INLINE void e8_inv_lanes(e8_t *r, const e8_t *a, void (*inv8)(void *elems),
			    struct x8_field F)
{
	/* element i (nc components of w words) at i nc w words, as inv8 takes them */
	uint64_t v[8 * 2 * FQ8_MAXL], limb[FQ8_MAXL][8];
	const int ew = F.nc * F.w;

	for (int c = 0; c < F.nc; c++) {
		fq8_t t;

		fq8_reduce(&t, &a->c[c], 3, F.f, F.n);
		for (unsigned int lane = 0; lane < 8; lane++)
			fq8_lane(&v[lane * ew + c * F.w], &t, lane, F.n, F.w);
	}
	inv8(v);
	for (int c = 0; c < F.nc; c++) {
		for (unsigned int lane = 0; lane < 8; lane++) {
			uint64_t l52[FQ8_MAXL];

			fq8_split52(l52, &v[lane * ew + c * F.w], F.n, F.w);
			for (int j = 0; j < F.n; j++)
				limb[j][lane] = l52[j];
		}
		for (int j = 0; j < F.n; j++)
			r->c[c].l[j] = _mm512_loadu_si512(limb[j]);
	}
}

/* Lanes of group g that hold additions (cnt in all). */
X8_INLINE __mmask8 x8_valid(size_t cnt, size_t g)
{
	size_t left = cnt - 8 * g;

	return left >= 8 ? 0xff : (__mmask8)((1U << left) - 1);
}

/* Offsets of the buckets of group g's additions (0 past cnt). */
X8_INLINE __m512i x8_bucket_offsets(const uint32_t *bidx, size_t cnt, size_t g, size_t psz)
{
	uint64_t b[8] = { 0 };

	for (unsigned int i = 0; i < 8 && 8 * g + i < cnt; i++)
		b[i] = (uint64_t)bidx[8 * g + i] * psz;
	return _mm512_loadu_si512(b);
}

/* Scratch: per group of eight, the chain's running product and the denominators, then masks. */
struct x8_scratch {
	e8_t *pre, *den;
	uint8_t *dbl, *cancel;
};

static struct x8_scratch x8_scratch_of(void *mem, size_t bmax)
{
	const size_t groups = bmax / 8 + 1;
	struct x8_scratch s;

	s.pre = mem;
	s.den = s.pre + groups;
	s.dbl = (uint8_t *)(s.den + groups);
	s.cancel = s.dbl + groups;
	return s;
}

size_t zkm_flush_ifma_scratch(size_t bmax)
{
	const size_t groups = bmax / 8 + 1;

	return groups * (2 * sizeof(e8_t) + 2);
}

/*
 * bucket[bidx[j]] += bp[j] for j < cnt (buckets distinct), affine: the
 * slope's denominator xP - xA, or 2 yA when P = A (doubling), and where
 * xP = xA otherwise the bucket empties: cancel[j] = 1, and the caller
 * marks it empty. Elements are 8 w nc bytes, points twice that.
 */
X8_INLINE void x8_flush(struct x8_field F, void (*inv8)(void *elems), void *aff,
			const uint32_t *bidx, const void *bp, uint8_t *cancel, size_t cnt,
			void *scratch)
{
	const size_t esz = 8 * (size_t)F.w * (size_t)F.nc, psz = 2 * esz;
	const size_t groups = (cnt + 7) / 8;
	const __m512i eoff = _mm512_set_epi64(7 * esz, 6 * esz, 5 * esz, 4 * esz, 3 * esz,
					      2 * esz, esz, 0);
	const __m512i poff = _mm512_slli_epi64(eoff, 1);
	static const uint64_t zero[FQ8_MAXL];
	const uint64_t *p1 = F.f->p[1], *p4 = F.f->p[4];
	/* reductions: l, x3, y3 fit in 2 p (x3, y3: 4 p) in the base field, 8 p in Fq2 */
	const unsigned int kl = F.nc == 1 ? 1 : 3, kxy = F.nc == 1 ? 2 : 3;
	const struct x8_scratch S = x8_scratch_of(scratch, cnt);
	e8_t one, acc, inv, d, dinv, l, l2, xa, ya, xp, yp, t, x3, y3;

	e8_one(&one, F);
	e8_copy(&acc, &one, F);
	/* denominators, and the chains' running products */
	for (size_t g = 0; g < groups; g++) {
		const __mmask8 valid = x8_valid(cnt, g);
		const __m512i boff = x8_bucket_offsets(bidx, cnt, g, psz);
		const uint8_t *pg = (const uint8_t *)bp + 8 * g * psz;
		__mmask8 eqx, dbl = 0;

		e8_load(&xa, aff, boff, valid, zero, F);
		e8_load(&xp, pg, poff, valid, zero, F);
		e8_sub(&d, &xp, &xa, p1, F);
		e8_reduce(&d, &d, 1, F);
		eqx = e8_eq(&xa, &xp, F) & valid;
		if (eqx) {
			e8_load(&ya, (const uint8_t *)aff + esz, boff, eqx, zero, F);
			e8_load(&yp, pg + esz, poff, eqx, zero, F);
			dbl = eqx & e8_eq(&ya, &yp, F) & (__mmask8)~e8_is_zero(&ya, F);
			e8_add(&t, &ya, &ya, F);
			e8_reduce(&t, &t, 1, F);
			e8_blend(&d, dbl, &d, &t, F);
		}
		/* cancelled and unused lanes divide by 1 */
		e8_blend(&d, (__mmask8)((eqx & ~dbl) | ~valid), &d, &one, F);
		S.dbl[g] = dbl;
		S.cancel[g] = eqx & ~dbl;
		e8_copy(&S.den[g], &d, F);
		e8_copy(&S.pre[g], &acc, F);
		e8_mul(&acc, &acc, &d, p1, F);
	}
	e8_inv_lanes(&inv, &acc, inv8, F);
	for (size_t g = groups; g-- > 0;) {
		const __mmask8 put = x8_valid(cnt, g) & (__mmask8)~S.cancel[g];
		const uint8_t *pg = (const uint8_t *)bp + 8 * g * psz;
		__m512i boff;

		for (unsigned int i = 0; i < 8 && 8 * g + i < cnt; i++)
			cancel[8 * g + i] = (S.cancel[g] >> i) & 1;
		/* 1/den[j] = inv * (product of the lane's earlier ones); inv /= den */
		e8_mul(&dinv, &S.pre[g], &inv, p4, F);
		e8_mul(&inv, &inv, &S.den[g], p1, F);
		if (!put)
			continue;

		boff = x8_bucket_offsets(bidx, cnt, g, psz);
		e8_load(&xa, aff, boff, put, zero, F);
		e8_load(&ya, (const uint8_t *)aff + esz, boff, put, zero, F);
		e8_load(&xp, pg, poff, put, zero, F);
		e8_load(&yp, pg + esz, poff, put, zero, F);
		/* numerator yP - yA, or 3 xA^2 when doubling */
		e8_sub(&t, &yp, &ya, p1, F);
		e8_reduce(&t, &t, 1, F);
		if (S.dbl[g]) {
			e8_mul(&l2, &xa, &xa, p1, F);
			e8_add(&l, &l2, &l2, F);
			e8_add(&l, &l, &l2, F);
			e8_reduce(&l, &l, 3, F);
			e8_blend(&t, S.dbl[g], &t, &l, F);
		}
		e8_mul(&l, &dinv, &t, p1, F);
		e8_reduce(&l, &l, kl, F);
		/* x3 = l^2 - xA - xP, y3 = l (xA - x3) - yA */
		e8_mul(&l2, &l, &l, p1, F);
		e8_add(&t, &xa, &xp, F);
		e8_sub(&x3, &l2, &t, F.f->p[2], F);
		e8_sub(&t, &xa, &x3, F.f->p[5], F);
		e8_mul(&y3, &t, &l, p1, F);
		e8_sub(&y3, &y3, &ya, p1, F);
		e8_store(aff, boff, put, &x3, kxy, F);
		e8_store((uint8_t *)aff + esz, boff, put, &y3, kxy, F);
	}
}

#define X8_FLUSH(name, field, N, W, NC)						\
void name(void *aff, const uint32_t *bidx, const void *bp, uint8_t *cancel, size_t cnt, \
	  void (*inv8)(void *elems), void *scratch)				\
{										\
	const struct x8_field F = { &field, N, W, NC };				\
										\
	pthread_once(&fq8_once, fq8_fields_init);				\
	x8_flush(F, inv8, aff, bidx, bp, cancel, cnt, scratch);			\
}

X8_FLUSH(zkm_bn254_g1_flush_ifma, bn254_fq8, BN_N, BN_W, 1)
X8_FLUSH(zkm_bn254_g2_flush_ifma, bn254_fq8, BN_N, BN_W, 2)
X8_FLUSH(zkm_bls12_381_g1_flush_ifma, bls12_381_fp8, BLS_N, BLS_W, 1)
X8_FLUSH(zkm_bls12_381_g2_flush_ifma, bls12_381_fp8, BLS_N, BLS_W, 2)

#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
