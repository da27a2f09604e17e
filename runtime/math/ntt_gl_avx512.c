// SPDX-License-Identifier: MIT
/*
 * Goldilocks NTT butterflies eight at a time with AVX-512F, called from the
 * NTT template (ntt_impl.h) for Goldilocks when zkm_use_avx512(). Same
 * arithmetic as goldilocks.h: every value stays canonical (< p), so the
 * results are bit-identical to the scalar path.
 *
 * A 64 x 64-bit product is four 32 x 32-bit VPMULUDQs; the 128-bit result
 * hi * 2^64 + lo is reduced with 2^64 = 2^32 - 1 and 2^96 = -1 (mod p) as in
 * gl_reduce128, with AVX-512's unsigned compares and masked adds for the
 * carries. canon(x) = min(x, x - p) (unsigned) takes [0, 2^64) below p when
 * x < 2p.
 *
 * Stages whose butterfly pairs are at least 8 apart run on whole vectors;
 * the last three DIF stages (the first three DIT stages) run on two groups
 * of 8 at a time, the pairs brought into matching lanes with VPERMT2Q.
 */
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"

#if ZKM_HAVE_AVX512_KERNELS
/* This file alone is compiled for AVX-512F, in the Makefile's build and QEMU's. */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#else
#pragma GCC target("avx512f")
#endif
#include <immintrin.h>

#define GL_P 0xffffffff00000001ULL
#define GL_EPS 0xffffffffULL

#define V_INLINE static inline __attribute__((always_inline))

typedef __m512i v8;
/*
 * Shifts as vector extensions and the zero-masked forms of VPMULUDQ and
 * VPMINUQ (all lanes kept): GCC 12's unmasked intrinsics read an
 * uninitialised "undefined" vector, which QEMU's -Winit-self reports.
 */
typedef unsigned long long u64x8 __attribute__((vector_size(64)));

V_INLINE v8 srl32(v8 x)
{
	return (v8)((u64x8)x >> 32);
}

V_INLINE v8 sll32(v8 x)
{
	return (v8)((u64x8)x << 32);
}

V_INLINE v8 mulu32(v8 a, v8 b)
{
	return _mm512_maskz_mul_epu32(0xff, a, b);
}

V_INLINE v8 minu64(v8 a, v8 b)
{
	return _mm512_maskz_min_epu64(0xff, a, b);
}

V_INLINE v8 gl8_canon(v8 x)
{
	return minu64(x, _mm512_sub_epi64(x, _mm512_set1_epi64((long long)GL_P)));
}

V_INLINE v8 gl8_add(v8 a, v8 b)
{
	const v8 eps = _mm512_set1_epi64((long long)GL_EPS);
	v8 s = _mm512_add_epi64(a, b);
	__mmask8 c = _mm512_cmplt_epu64_mask(s, a);

	/* carry: s + 2^64 = s + EPS, and s < p - 2 then */
	s = _mm512_mask_add_epi64(s, c, s, eps);
	return gl8_canon(s);
}

V_INLINE v8 gl8_sub(v8 a, v8 b)
{
	const v8 eps = _mm512_set1_epi64((long long)GL_EPS);
	v8 d = _mm512_sub_epi64(a, b);
	__mmask8 bw = _mm512_cmplt_epu64_mask(a, b);

	/* borrowed 2^64: d - 2^64 + p = d - EPS */
	return _mm512_mask_sub_epi64(d, bw, d, eps);
}

/* a * b mod p; bh = b >> 32 (twiddles reuse it) */
V_INLINE v8 gl8_mul(v8 a, v8 b, v8 bh)
{
	const v8 eps = _mm512_set1_epi64((long long)GL_EPS);
	v8 ah = srl32(a);
	v8 ll = mulu32(a, b), lh = mulu32(a, bh);
	v8 hl = mulu32(ah, b), hh = mulu32(ah, bh);
	/* 128-bit product: no partial sum below overflows */
	v8 t = _mm512_add_epi64(hl, srl32(ll));
	v8 u = _mm512_add_epi64(lh, _mm512_and_si512(t, eps));
	v8 lo = _mm512_or_si512(sll32(u), _mm512_and_si512(ll, eps));
	v8 hi = _mm512_add_epi64(_mm512_add_epi64(hh, srl32(t)),
				 srl32(u));
	/* lo - (hi >> 32) + (hi mod 2^32) * EPS */
	v8 hh32 = srl32(hi);
	v8 t0 = _mm512_sub_epi64(lo, hh32);
	__mmask8 bw = _mm512_cmplt_epu64_mask(lo, hh32);
	v8 t1, t2;
	__mmask8 c;

	t0 = _mm512_mask_sub_epi64(t0, bw, t0, eps);
	t1 = mulu32(hi, eps);
	t2 = _mm512_add_epi64(t0, t1);
	c = _mm512_cmplt_epu64_mask(t2, t1);
	t2 = _mm512_mask_add_epi64(t2, c, t2, eps);
	return gl8_canon(t2);
}

V_INLINE v8 ld(const uint64_t *p)
{
	return _mm512_loadu_si512((const void *)p);
}

V_INLINE void st(uint64_t *p, v8 x)
{
	_mm512_storeu_si512((void *)p, x);
}

/* DIF: x, y <- x + y, (x - y) w */
V_INLINE void bf_dif(v8 *x, v8 *y, v8 w, v8 wh)
{
	v8 s = gl8_add(*x, *y), d = gl8_sub(*x, *y);

	*x = s;
	*y = gl8_mul(d, w, wh);
}

/* DIT: x, y <- x + y w, x - y w */
V_INLINE void bf_dit(v8 *x, v8 *y, v8 w, v8 wh)
{
	v8 v = gl8_mul(*y, w, wh);

	*y = gl8_sub(*x, v);
	*x = gl8_add(*x, v);
}

V_INLINE void bf_plain(v8 *x, v8 *y)
{
	v8 s = gl8_add(*x, *y);

	*y = gl8_sub(*x, *y);
	*x = s;
}

/* scalar tails, as goldilocks.h */
static inline uint64_t s_add(uint64_t a, uint64_t b)
{
	uint64_t s = a + b;

	if (s < a)
		s += GL_EPS;
	return s >= GL_P ? s - GL_P : s;
}

static inline uint64_t s_sub(uint64_t a, uint64_t b)
{
	uint64_t d = a - b;

	if (a < b)
		d -= GL_EPS;
	return d;
}

static inline uint64_t s_mul(uint64_t a, uint64_t b)
{
	unsigned __int128 x = (unsigned __int128)a * b;
	uint64_t lo = (uint64_t)x, hi = (uint64_t)(x >> 64);
	uint64_t hh = hi >> 32, hl = hi & GL_EPS, t0 = lo - hh, t1, t2;

	if (lo < hh)
		t0 -= GL_EPS;
	t1 = hl * GL_EPS;
	t2 = t0 + t1;
	if (t2 < t1)
		t2 += GL_EPS;
	return t2 >= GL_P ? t2 - GL_P : t2;
}

/* one DIF or DIT stage of size 2^k (k >= 1) over butterflies [b0, b1) */
static void gl_stage(uint64_t *a, unsigned int k, const uint64_t *tw, size_t b0, size_t b1,
		     int dit)
{
	const size_t half = (size_t)1 << (k - 1);

	for (size_t b = b0; b < b1;) {
		size_t g = b >> (k - 1), j = b & (half - 1);
		size_t end = b1 - b < half - j ? b1 - b : half - j, i = 0;
		uint64_t *x = a + (g << k) + j, *y = x + half;
		const uint64_t *w = tw + j;

		for (; i + 8 <= end; i += 8) {
			v8 vx = ld(x + i), vy = ld(y + i), vw = ld(w + i);
			v8 vwh = srl32(vw);

			if (dit)
				bf_dit(&vx, &vy, vw, vwh);
			else
				bf_dif(&vx, &vy, vw, vwh);
			st(x + i, vx);
			st(y + i, vy);
		}
		for (; i < end; i++) {
			uint64_t u = x[i], v = y[i];

			if (dit) {
				v = s_mul(v, w[i]);
				x[i] = s_add(u, v);
				y[i] = s_sub(u, v);
			} else {
				x[i] = s_add(u, v);
				y[i] = s_mul(s_sub(u, v), w[i]);
			}
		}
		b += end;
	}
}

void zkm_gl_dif_stage_avx512(uint64_t *a, unsigned int k, const uint64_t *tw, size_t b0,
			     size_t b1)
{
	gl_stage(a, k, tw, b0, b1, 0);
}

void zkm_gl_dit_stage_avx512(uint64_t *a, unsigned int k, const uint64_t *tw, size_t b0,
			     size_t b1)
{
	gl_stage(a, k, tw, b0, b1, 1);
}

/*
 * Lane permutations between two 8-element groups A (p) and B (q):
 *   L3: x = A0-3 B0-3, y = A4-7 B4-7  (stage 3: pairs i, i + 4)
 *   L2: x = A0 A1 A4 A5 B0 B1 B4 B5, y = A2 A3 A6 A7 B2 B3 B6 B7
 *   L1: x = A0 A2 A4 A6 B0 B2 B4 B6, y = odd ones
 */
#define IDX(a, b, c, d, e, f, g, h) _mm512_set_epi64(h, g, f, e, d, c, b, a)

V_INLINE void perm(v8 *x, v8 *y, v8 ix, v8 iy)
{
	v8 nx = _mm512_permutex2var_epi64(*x, ix, *y);

	*y = _mm512_permutex2var_epi64(*x, iy, *y);
	*x = nx;
}

/* the last three DIF stages (DIT: the first three) on 8-element groups */
static void gl_small3(uint64_t *x, size_t n, const uint64_t *tw2, const uint64_t *tw3, int dit)
{
	const v8 pq_l3x = IDX(0, 1, 2, 3, 8, 9, 10, 11), pq_l3y = IDX(4, 5, 6, 7, 12, 13, 14, 15);
	const v8 l3_l2x = IDX(0, 1, 8, 9, 4, 5, 12, 13), l3_l2y = IDX(2, 3, 10, 11, 6, 7, 14, 15);
	const v8 l2_l1x = IDX(0, 8, 2, 10, 4, 12, 6, 14), l2_l1y = IDX(1, 9, 3, 11, 5, 13, 7, 15);
	const v8 l1_pqx = IDX(0, 8, 1, 9, 2, 10, 3, 11), l1_pqy = IDX(4, 12, 5, 13, 6, 14, 7, 15);
	const v8 pq_l1x = IDX(0, 2, 4, 6, 8, 10, 12, 14), pq_l1y = IDX(1, 3, 5, 7, 9, 11, 13, 15);
	const v8 w3 = _mm512_set_epi64(tw3[3], tw3[2], tw3[1], tw3[0],
				       tw3[3], tw3[2], tw3[1], tw3[0]);
	const v8 w2 = _mm512_set_epi64(tw2[1], tw2[0], tw2[1], tw2[0],
				       tw2[1], tw2[0], tw2[1], tw2[0]);
	const v8 w3h = srl32(w3), w2h = srl32(w2);

	for (size_t i = 0; i < n; i += 16) {
		v8 a = ld(x + i), b = ld(x + i + 8);

		if (!dit) {
			perm(&a, &b, pq_l3x, pq_l3y);
			bf_dif(&a, &b, w3, w3h);
			perm(&a, &b, l3_l2x, l3_l2y);
			bf_dif(&a, &b, w2, w2h);
			perm(&a, &b, l2_l1x, l2_l1y);
			bf_plain(&a, &b);
			perm(&a, &b, l1_pqx, l1_pqy);
		} else {
			perm(&a, &b, pq_l1x, pq_l1y);
			bf_plain(&a, &b);
			perm(&a, &b, l2_l1x, l2_l1y);	/* L1 -> L2 */
			bf_dit(&a, &b, w2, w2h);
			perm(&a, &b, l3_l2x, l3_l2y);	/* L2 -> L3 */
			bf_dit(&a, &b, w3, w3h);
			perm(&a, &b, pq_l3x, pq_l3y);	/* L3 -> A, B */
		}
		st(x + i, a);
		st(x + i + 8, b);
	}
}

void zkm_gl_dif_block_avx512(uint64_t *x, unsigned int kmax, const uint64_t *const *tw)
{
	const size_t bs = (size_t)1 << kmax;

	for (unsigned int k = kmax; k >= 4; k--)
		gl_stage(x, k, tw[k], 0, bs / 2, 0);
	gl_small3(x, bs, tw[2], tw[3], 0);
}

void zkm_gl_dit_block_avx512(uint64_t *x, unsigned int kmax, const uint64_t *const *tw)
{
	const size_t bs = (size_t)1 << kmax;

	gl_small3(x, bs, tw[2], tw[3], 1);
	for (unsigned int k = 4; k <= kmax; k++)
		gl_stage(x, k, tw[k], 0, bs / 2, 1);
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif /* ZKM_HAVE_AVX512_KERNELS */
