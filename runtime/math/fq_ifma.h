/* SPDX-License-Identifier: MIT */
/*
 * BN254 Fq eight elements at a time with AVX-512 IFMA (VPMADD52LUQ/HUQ):
 * each element is five 52-bit limbs, limb i of the eight elements in one
 * 512-bit register. One IFMA instruction does eight 52x52-bit products, so
 * a Montgomery multiplication of eight elements takes about 105 of them;
 * on the hosts this was written on that is about 5 times the throughput
 * of the 64-bit MULX/ADX code (2.5 against 12.6 ns per multiplication).
 *
 * Montgomery form is zkmath's own, x * 2^256 (fields.h): the reduction's
 * last word is 48 bits instead of 52 (4 * 52 + 48 = 256), so elements go
 * between memory and registers by cutting limbs, with no conversion.
 *
 * Values are not kept below p: a product of a and b is below
 * a b / 2^256 + p (p / 2^256 < 0.19), and subtraction adds a multiple of p
 * large enough to stay positive. The callers keep every value far below
 * 2^260 (their bounds are in msm_flush_ifma.c) and bring results below p
 * with fq8_reduce before storing them.
 */
#ifndef ZKM_FQ_IFMA_H
#define ZKM_FQ_IFMA_H

#include <immintrin.h>
#include <stdint.h>

/* eight BN254 Fq elements, limb i (bits 52 i .. 52 i + 51) of each in l[i] */
typedef struct {
	__m512i l[5];
} fq8_t;

/* constants in 52-bit limbs, filled once by fq8_consts_init() */
struct fq8_consts {
	uint64_t n0;		/* -1/p mod 2^52 */
	uint64_t one[5];	/* 2^256 mod p: 1 in Montgomery form */
	uint64_t p[8][5];	/* k p for k < 8 (p[1] is p) */
};

extern struct fq8_consts zkm_fq8_k;

#define FQ8_MASK52 ((1ULL << 52) - 1)

/* Cut a value below 2^260, given as five 64-bit limbs, into 52-bit limbs. */
static inline void fq8_split52(uint64_t out[5], const uint64_t v[5])
{
	for (int i = 0; i < 5; i++) {
		unsigned int bit = 52 * i, w = bit / 64, s = bit % 64;
		uint64_t x = v[w] >> s;

		if (s > 12 && w < 4)
			x |= v[w + 1] << (64 - s);
		out[i] = x & FQ8_MASK52;
	}
}

static inline __m512i fq8_bc(uint64_t x)
{
	return _mm512_set1_epi64((long long)x);
}

static inline void fq8_set(fq8_t *r, const uint64_t k[5])
{
	for (int i = 0; i < 5; i++)
		r->l[i] = fq8_bc(k[i]);
}

/*
 * r = a b / 2^256 mod p (not reduced: below a b / 2^256 + p). Limbs of a
 * and b must be normalised (< 2^52): IFMA reads only the low 52 bits.
 * Word-by-word Montgomery: add a b_i, then m p with m = t_0 (-1/p) mod
 * 2^52, which clears the low word, and shift it out; the fifth round's m
 * is taken mod 2^48, which clears 48 bits, and the sum is shifted by 48.
 * The accumulators collect at most 4 52-bit terms per round plus carries,
 * far below 2^64.
 */
static inline __attribute__((always_inline)) void fq8_mul(fq8_t *r, const fq8_t *a,
							  const fq8_t *b)
{
	const __m512i z = _mm512_setzero_si512(), n0 = fq8_bc(zkm_fq8_k.n0);
	const __m512i mask = fq8_bc(FQ8_MASK52), mask48 = fq8_bc((1ULL << 48) - 1);
	__m512i p[5], t[6];

	for (int j = 0; j < 5; j++) {
		p[j] = fq8_bc(zkm_fq8_k.p[1][j]);
		t[j] = z;
	}
	t[5] = z;
	for (int i = 0; i < 5; i++) {
		const __m512i bi = b->l[i];
		__m512i m;

		for (int j = 0; j < 5; j++) {
			t[j] = _mm512_madd52lo_epu64(t[j], a->l[j], bi);
			t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], a->l[j], bi);
		}
		m = _mm512_madd52lo_epu64(z, t[0], n0);
		if (i == 4)
			m = _mm512_and_si512(m, mask48);
		for (int j = 0; j < 5; j++) {
			t[j] = _mm512_madd52lo_epu64(t[j], m, p[j]);
			t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], m, p[j]);
		}
		if (i == 4)
			break;
		/* t_0 is now a multiple of 2^52: carry it up and drop the word */
		t[1] = _mm512_add_epi64(t[1], _mm512_srli_epi64(t[0], 52));
		for (int j = 0; j < 5; j++)
			t[j] = t[j + 1];
		t[5] = z;
	}
	/* t is a multiple of 2^48: normalise, then shift right by 48 bits */
	for (int j = 0; j < 5; j++) {
		t[j + 1] = _mm512_add_epi64(t[j + 1], _mm512_srli_epi64(t[j], 52));
		t[j] = _mm512_and_si512(t[j], mask);
	}
	for (int j = 0; j < 5; j++)
		r->l[j] = _mm512_or_si512(_mm512_srli_epi64(t[j], 48),
					  _mm512_and_si512(_mm512_slli_epi64(t[j + 1], 4), mask));
}

/* Carry signed limbs into normalised ones (the value must be >= 0). */
static inline __attribute__((always_inline)) void fq8_norm(fq8_t *r)
{
	const __m512i mask = fq8_bc(FQ8_MASK52);

	for (int j = 0; j < 4; j++) {
		r->l[j + 1] = _mm512_add_epi64(r->l[j + 1], _mm512_srai_epi64(r->l[j], 52));
		r->l[j] = _mm512_and_si512(r->l[j], mask);
	}
}

/* r = a + b */
static inline __attribute__((always_inline)) void fq8_add(fq8_t *r, const fq8_t *a,
							  const fq8_t *b)
{
	for (int j = 0; j < 5; j++)
		r->l[j] = _mm512_add_epi64(a->l[j], b->l[j]);
	fq8_norm(r);
}

/* r = a + k - b, where k is a multiple of p above b */
static inline __attribute__((always_inline)) void fq8_sub(fq8_t *r, const fq8_t *a,
							  const fq8_t *b, const uint64_t k[5])
{
	for (int j = 0; j < 5; j++)
		r->l[j] = _mm512_sub_epi64(_mm512_add_epi64(a->l[j], fq8_bc(k[j])), b->l[j]);
	fq8_norm(r);
}

/* r = a - k if that is >= 0, else a */
static inline __attribute__((always_inline)) void fq8_csub(fq8_t *r, const fq8_t *a,
							   const uint64_t k[5])
{
	fq8_t t;
	__mmask8 ge;

	for (int j = 0; j < 5; j++)
		t.l[j] = _mm512_sub_epi64(a->l[j], fq8_bc(k[j]));
	fq8_norm(&t);
	ge = _mm512_cmpge_epi64_mask(t.l[4], _mm512_setzero_si512());
	for (int j = 0; j < 5; j++)
		r->l[j] = _mm512_mask_blend_epi64(ge, a->l[j], t.l[j]);
}

/* r = a mod p for a < 2^k p, k <= 3 (subtract 4 p, 2 p, p where they fit) */
static inline __attribute__((always_inline)) void fq8_reduce(fq8_t *r, const fq8_t *a,
							     unsigned int k)
{
	*r = *a;
	if (k >= 3)
		fq8_csub(r, r, zkm_fq8_k.p[4]);
	if (k >= 2)
		fq8_csub(r, r, zkm_fq8_k.p[2]);
	fq8_csub(r, r, zkm_fq8_k.p[1]);
}

/*
 * Load lanes of @mask from @base + off[lane] (four 64-bit limbs); lanes
 * outside @mask get @fill.
 */
static inline __attribute__((always_inline)) void fq8_load(fq8_t *r, const void *base,
							   __m512i off, __mmask8 mask,
							   const uint64_t fill[4])
{
	const __m512i m = fq8_bc(FQ8_MASK52);
	__m512i a[4];

	for (int k = 0; k < 4; k++)
		a[k] = _mm512_mask_i64gather_epi64(fq8_bc(fill[k]), mask, off,
						   (const uint8_t *)base + 8 * k, 1);
	r->l[0] = _mm512_and_si512(a[0], m);
	r->l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a[0], 52),
						   _mm512_slli_epi64(a[1], 12)), m);
	r->l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a[1], 40),
						   _mm512_slli_epi64(a[2], 24)), m);
	r->l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a[2], 28),
						   _mm512_slli_epi64(a[3], 36)), m);
	r->l[4] = _mm512_srli_epi64(a[3], 16);
}

/* Store lanes of @mask of a (below 2^256) to @base + off[lane], four 64-bit limbs. */
static inline __attribute__((always_inline)) void fq8_store(void *base, __m512i off,
							    __mmask8 mask, const fq8_t *a)
{
	__m512i o[4];

	o[0] = _mm512_or_si512(a->l[0], _mm512_slli_epi64(a->l[1], 52));
	o[1] = _mm512_or_si512(_mm512_srli_epi64(a->l[1], 12), _mm512_slli_epi64(a->l[2], 40));
	o[2] = _mm512_or_si512(_mm512_srli_epi64(a->l[2], 24), _mm512_slli_epi64(a->l[3], 28));
	o[3] = _mm512_or_si512(_mm512_srli_epi64(a->l[3], 36), _mm512_slli_epi64(a->l[4], 16));
	for (int k = 0; k < 4; k++)
		_mm512_mask_i64scatter_epi64((uint8_t *)base + 8 * k, mask, off, o[k], 1);
}

/* Lane @lane of a (normalised, < 2^256) as four 64-bit limbs. */
static inline void fq8_lane(uint64_t out[4], const fq8_t *a, unsigned int lane)
{
	uint64_t l[5];

	for (int j = 0; j < 5; j++) {
		uint64_t v[8];

		_mm512_storeu_si512(v, a->l[j]);
		l[j] = v[lane];
	}
	out[0] = l[0] | l[1] << 52;
	out[1] = l[1] >> 12 | l[2] << 40;
	out[2] = l[2] >> 24 | l[3] << 28;
	out[3] = l[3] >> 36 | l[4] << 16;
}

#endif /* ZKM_FQ_IFMA_H */
