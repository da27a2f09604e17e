// SPDX-License-Identifier: MIT
/*
 * The MSM's batch-affine flush for BN254 G1 and G2, eight additions at a
 * time with AVX-512 IFMA (fq_ifma.h). msm_impl.h's flush works out each
 * addition's kind, slope numerator and denominator; this does the rest:
 * Montgomery's trick over the denominators, run as eight interleaved
 * chains (addition j in lane j mod 8) whose eight products are inverted
 * together on the scalar side, and then the slopes and new coordinates.
 * Only entered after zkm_use_ifma().
 *
 * Bounds, in units of p, for the lazy reduction (fq8_mul gives below
 * a b / 2^256 + p, and p / 2^256 < 0.19; an Fq2 product component is a sum
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
#define ZKM_USE_ADX 1
#include "fields.h"
#include "fp2.h"
#include "fq_ifma.h"

struct fq8_consts zkm_fq8_k;
static pthread_once_t fq8_once = PTHREAD_ONCE_INIT;

static void fq8_consts_init(void)
{
	struct fq8_consts *k = &zkm_fq8_k;

	/* -1/p mod 2^52: the low bits of -1/p mod 2^64 */
	k->n0 = BN254_FQ_PINV & FQ8_MASK52;
	{
		uint64_t v[5] = { 0 };

		memcpy(v, bn254_fq_R1, 32);
		fq8_split52(k->one, v);
	}
	for (unsigned int m = 0; m < 8; m++) {
		uint64_t v[5];
		zkm_u128 c = 0;

		for (int i = 0; i < 4; i++) {
			c += (zkm_u128)bn254_fq_P[i] * m;
			v[i] = (uint64_t)c;
			c >>= 64;
		}
		v[4] = (uint64_t)c;
		fq8_split52(k->p[m], v);
	}
}

/* An element of Fq (nc = 1) or Fq2 (nc = 2), eight lanes. */
typedef struct {
	fq8_t c[2];
} e8_t;

#define X8_INLINE static inline __attribute__((always_inline))

/*
 * r = a b; in Fq2 (u^2 = -1) c0 = a0 b0 + a1 (k p - b1), c1 = a0 b1 + a1 b0,
 * where k p (@kb) is above b's components.
 */
X8_INLINE void e8_mul(e8_t *r, const e8_t *a, const e8_t *b, const uint64_t *kb, int nc)
{
	fq8_t t0, t1, t2, t3, nb1;
	fq8_t zero = { { _mm512_setzero_si512() } };

	if (nc == 1) {
		fq8_mul(&r->c[0], &a->c[0], &b->c[0]);
		return;
	}
	for (int j = 1; j < 5; j++)
		zero.l[j] = zero.l[0];
	fq8_sub(&nb1, &zero, &b->c[1], kb);
	fq8_mul(&t0, &a->c[0], &b->c[0]);
	fq8_mul(&t1, &a->c[1], &nb1);
	fq8_mul(&t2, &a->c[0], &b->c[1]);
	fq8_mul(&t3, &a->c[1], &b->c[0]);
	fq8_add(&r->c[0], &t0, &t1);
	fq8_add(&r->c[1], &t2, &t3);
}

X8_INLINE void e8_add(e8_t *r, const e8_t *a, const e8_t *b, int nc)
{
	for (int c = 0; c < nc; c++)
		fq8_add(&r->c[c], &a->c[c], &b->c[c]);
}

/* r = a + k - b, k a multiple of p above each of b's components */
X8_INLINE void e8_sub(e8_t *r, const e8_t *a, const e8_t *b, const uint64_t k[5], int nc)
{
	for (int c = 0; c < nc; c++)
		fq8_sub(&r->c[c], &a->c[c], &b->c[c], k);
}

/* Component c of an element lies 32 c bytes into it. */
X8_INLINE void e8_load(e8_t *r, const void *base, __m512i off, __mmask8 mask,
		       const uint64_t *fill0, int nc)
{
	static const uint64_t zero[4];

	for (int c = 0; c < nc; c++)
		fq8_load(&r->c[c], (const uint8_t *)base + 32 * c, off, mask,
			 c == 0 ? fill0 : zero);
}

/* Reduce a (components below 2^k p) below p and store it. */
X8_INLINE void e8_store(void *base, __m512i off, __mmask8 mask, const e8_t *a,
			unsigned int k, int nc)
{
	for (int c = 0; c < nc; c++) {
		fq8_t t;

		fq8_reduce(&t, &a->c[c], k);
		fq8_store((uint8_t *)base + 32 * c, off, mask, &t);
	}
}

X8_INLINE void e8_reduce(e8_t *r, const e8_t *a, unsigned int k, int nc)
{
	for (int c = 0; c < nc; c++)
		fq8_reduce(&r->c[c], &a->c[c], k);
}

/* r = 1/a lane by lane, on the scalar side. No lane is zero (no denominator is). */
static void e8_inv_lanes(e8_t *r, const e8_t *a, int nc)
{
	bn254_fq2_t v[8], tmp[16];
	uint64_t limb[2][5][8];

	for (int c = 0; c < nc; c++) {
		fq8_t t;

		fq8_reduce(&t, &a->c[c], 3);
		for (unsigned int lane = 0; lane < 8; lane++)
			fq8_lane(c == 0 ? v[lane].c0.v : v[lane].c1.v, &t, lane);
	}
	if (nc == 1) {
		bn254_fq_t f[8];

		for (int i = 0; i < 8; i++)
			f[i] = v[i].c0;
		bn254_fq_batch_inv(f, f, 8, &tmp[0].c0);
		for (int i = 0; i < 8; i++)
			v[i].c0 = f[i];
	} else {
		bn254_fq2_batch_inv(v, v, 8, tmp);
	}
	for (int c = 0; c < nc; c++) {
		for (unsigned int lane = 0; lane < 8; lane++) {
			uint64_t w[5] = { 0 }, l52[5];

			memcpy(w, c == 0 ? v[lane].c0.v : v[lane].c1.v, 32);
			fq8_split52(l52, w);
			for (int j = 0; j < 5; j++)
				limb[c][j][lane] = l52[j];
		}
		for (int j = 0; j < 5; j++)
			r->c[c].l[j] = _mm512_loadu_si512(limb[c][j]);
	}
}

/* Lanes of group g that hold additions (cnt in all). */
X8_INLINE __mmask8 x8_valid(size_t cnt, size_t g)
{
	size_t left = cnt - 8 * g;

	return left >= 8 ? 0xff : (__mmask8)((1U << left) - 1);
}

/*
 * bucket[bidx[j]] += bp[j] for j < cnt, with den[j] and num[j] the slope's
 * denominator and numerator (den = 1 where kind[j] is MSM_CANCEL, and that
 * bucket is left alone: the caller empties it). Buckets are distinct.
 * Elements are 32 nc bytes, points 64 nc; pre holds cnt / 8 + 1 e8_t.
 */
X8_INLINE void x8_flush(int nc, void *aff, const uint32_t *bidx, const void *bp,
			const void *num, const void *den, const uint8_t *kind,
			unsigned int cancel, size_t cnt, e8_t *pre)
{
	const size_t esz = 32 * (size_t)nc, psz = 64 * (size_t)nc;
	const size_t groups = (cnt + 7) / 8;
	const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
	/* 32 nc and 64 nc bytes: shifts, as AVX-512F has no 64-bit multiply */
	const unsigned int eshift = 4 + (unsigned int)nc, pshift = 5 + (unsigned int)nc;
	const __m512i eoff = _mm512_slli_epi64(lane, eshift);
	const __m512i poff = _mm512_slli_epi64(lane, pshift);
	static const uint64_t zero[4];
	const uint64_t *p1 = zkm_fq8_k.p[1], *p4 = zkm_fq8_k.p[4];
	e8_t acc, inv, d, dinv, l, l2, xa, ya, xp, t, x3, y3;

	pthread_once(&fq8_once, fq8_consts_init);
	memset(&acc, 0, sizeof(acc));
	fq8_set(&acc.c[0], zkm_fq8_k.one);
	for (size_t g = 0; g < groups; g++) {
		pre[g] = acc;
		e8_load(&d, (const uint8_t *)den + 8 * g * esz, eoff, x8_valid(cnt, g),
			bn254_fq_R1, nc);
		e8_mul(&acc, &acc, &d, p1, nc);
	}
	e8_inv_lanes(&inv, &acc, nc);
	for (size_t g = groups; g-- > 0;) {
		const __mmask8 valid = x8_valid(cnt, g);
		uint32_t b[8] = { 0 };
		__mmask8 put = 0;
		__m512i boff;

		for (unsigned int i = 0; i < 8 && 8 * g + i < cnt; i++) {
			b[i] = bidx[8 * g + i];
			if (kind[8 * g + i] != cancel)
				put |= (__mmask8)(1U << i);
		}
		boff = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)b));
		boff = _mm512_slli_epi64(boff, pshift);

		/* 1/den[j] = inv * (product of the lane's earlier ones); inv /= den */
		e8_load(&d, (const uint8_t *)den + 8 * g * esz, eoff, valid, bn254_fq_R1, nc);
		e8_mul(&dinv, &pre[g], &inv, p4, nc);
		e8_mul(&inv, &inv, &d, p1, nc);
		if (!put)
			continue;

		e8_load(&t, (const uint8_t *)num + 8 * g * esz, eoff, put, zero, nc);
		e8_mul(&l, &dinv, &t, p1, nc);
		e8_reduce(&l, &l, nc == 1 ? 1 : 3, nc);
		e8_load(&xa, aff, boff, put, zero, nc);
		e8_load(&ya, (const uint8_t *)aff + esz, boff, put, zero, nc);
		e8_load(&xp, (const uint8_t *)bp + 8 * g * psz, poff, put, zero, nc);
		/* x3 = l^2 - xA - xP, y3 = l (xA - x3) - yA */
		e8_mul(&l2, &l, &l, p1, nc);
		e8_add(&t, &xa, &xp, nc);
		e8_sub(&x3, &l2, &t, zkm_fq8_k.p[2], nc);
		e8_sub(&t, &xa, &x3, zkm_fq8_k.p[5], nc);
		e8_mul(&y3, &t, &l, p1, nc);
		e8_sub(&y3, &y3, &ya, p1, nc);
		e8_store(aff, boff, put, &x3, nc == 1 ? 2 : 3, nc);
		e8_store((uint8_t *)aff + esz, boff, put, &y3, nc == 1 ? 2 : 3, nc);
	}
}

size_t zkm_flush_ifma_scratch(size_t bmax)
{
	return (bmax / 8 + 1) * sizeof(e8_t);
}

void zkm_bn254_g1_flush_ifma(void *aff, const uint32_t *bidx, const void *bp,
			     const void *num, const void *den, const uint8_t *kind,
			     unsigned int cancel, size_t cnt, void *scratch)
{
	x8_flush(1, aff, bidx, bp, num, den, kind, cancel, cnt, scratch);
}

void zkm_bn254_g2_flush_ifma(void *aff, const uint32_t *bidx, const void *bp,
			     const void *num, const void *den, const uint8_t *kind,
			     unsigned int cancel, size_t cnt, void *scratch)
{
	x8_flush(2, aff, bidx, bp, num, den, kind, cancel, cnt, scratch);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
