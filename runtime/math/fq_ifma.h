/* SPDX-License-Identifier: MIT */
/*
 * Prime-field arithmetic eight elements at a time with AVX-512 IFMA
 * (VPMADD52LUQ/HUQ), for BN254 Fq (5 limbs) and BLS12-381 Fp (8 limbs):
 * each element is n 52-bit limbs, limb i of the eight elements in one
 * 512-bit register. One IFMA instruction does eight 52x52-bit products, so
 * a BN254 Montgomery multiplication of eight elements takes about 105 of
 * them; on the hosts this was written on that is about 5 times the
 * throughput of the 64-bit MULX/ADX code (2.5 against 12.6 ns each).
 *
 * Montgomery form is zkmath's own, x 2^(64 w) for w 64-bit words
 * (fields.h): the reduction's last word is 64 w - 52 (n - 1) bits instead
 * of 52 (48 for BN254, 20 for BLS12-381), so elements go between memory
 * and registers by cutting limbs, with no conversion.
 *
 * Values are not kept below p: a product of a and b is below
 * a b / 2^(64 w) + p (p / 2^(64 w) < 0.19 for both fields), and
 * subtraction adds a multiple of p large enough to stay positive. The
 * callers keep every value far below 2^(52 n) (their bounds are in
 * msm_flush_ifma.c) and bring results below p with fq8_reduce before
 * storing them.
 *
 * Every function takes the field's constants and its limb and word counts
 * (compile-time constants at each call: the loops unroll).
 */
#ifndef ZKM_FQ_IFMA_H
#define ZKM_FQ_IFMA_H

#include <immintrin.h>
#include <stdint.h>

#define FQ8_MAXL 8
#define FQ8_MASK52 ((1ULL << 52) - 1)
#define FQ8_INLINE static inline __attribute__((always_inline))

/* eight field elements, limb i (bits 52 i .. 52 i + 51) of each in l[i] */
typedef struct {
	__m512i l[FQ8_MAXL];
} fq8_t;

/* A field's constants in 52-bit limbs (fq8_field_init). */
struct fq8_field {
	uint64_t n0;			/* -1/p mod 2^52 */
	uint64_t one[FQ8_MAXL];		/* 2^(64 w) mod p: 1 in Montgomery form */
	uint64_t p[8][FQ8_MAXL];	/* k p for k < 8 (p[1] is p) */
};

/* Cut a value of w 64-bit words into n 52-bit limbs. */
static inline void fq8_split52(uint64_t *out, const uint64_t *v, int n, int w)
{
	for (int i = 0; i < n; i++) {
		int bit = 52 * i, k = bit / 64, s = bit % 64;
		uint64_t x = k < w ? v[k] >> s : 0;

		if (s > 12 && k + 1 < w)
			x |= v[k + 1] << (64 - s);
		out[i] = x & FQ8_MASK52;
	}
}

/* Fill @f from p (w words), -1/p mod 2^64 and 2^(64 w) mod p. */
static inline void fq8_field_init(struct fq8_field *f, const uint64_t *p, uint64_t pinv,
				  const uint64_t *r1, int n, int w)
{
	f->n0 = pinv & FQ8_MASK52;
	fq8_split52(f->one, r1, n, w);
	for (unsigned int m = 0; m < 8; m++) {
		uint64_t v[FQ8_MAXL] = { 0 };
		unsigned __int128 c = 0;

		for (int i = 0; i < w; i++) {
			c += (unsigned __int128)p[i] * m;
			v[i] = (uint64_t)c;
			c >>= 64;
		}
		v[w] = (uint64_t)c;
		fq8_split52(f->p[m], v, n, w + 1);
	}
}

FQ8_INLINE __m512i fq8_bc(uint64_t x)
{
	return _mm512_set1_epi64((long long)x);
}

FQ8_INLINE void fq8_set(fq8_t *r, const uint64_t *k, int n)
{
	for (int i = 0; i < n; i++)
		r->l[i] = fq8_bc(k[i]);
}

/* Copies only the n limbs in use (fq8_t has room for the largest field). */
FQ8_INLINE void fq8_copy(fq8_t *r, const fq8_t *a, int n)
{
	for (int i = 0; i < n; i++)
		r->l[i] = a->l[i];
}

FQ8_INLINE void fq8_zero(fq8_t *r, int n)
{
	for (int i = 0; i < n; i++)
		r->l[i] = _mm512_setzero_si512();
}

/*
 * r = a b / 2^(64 w) mod p (not reduced: below a b / 2^(64 w) + p). Limbs
 * of a and b must be normalised (< 2^52): IFMA reads only the low 52 bits.
 * Word-by-word Montgomery: add a b_i, then m p with m = t_0 (-1/p) mod
 * 2^52, which clears the low word, and shift it out; the last round's m
 * is taken mod 2^last, which clears that many bits, and the sum is shifted
 * by them. The accumulators collect at most 4 52-bit terms per round plus
 * carries, far below 2^64.
 */
FQ8_INLINE void fq8_mul(fq8_t *r, const fq8_t *a, const fq8_t *b, const struct fq8_field *f,
			int n, int w)
{
	const int last = 64 * w - 52 * (n - 1);
	const __m512i z = _mm512_setzero_si512(), n0 = fq8_bc(f->n0);
	const __m512i mask = fq8_bc(FQ8_MASK52), mlast = fq8_bc((1ULL << last) - 1);
	__m512i p[FQ8_MAXL], t[FQ8_MAXL + 1];

	for (int j = 0; j < n; j++) {
		p[j] = fq8_bc(f->p[1][j]);
		t[j] = z;
	}
	t[n] = z;
	for (int i = 0; i < n; i++) {
		const __m512i bi = b->l[i];
		__m512i m;

		for (int j = 0; j < n; j++) {
			t[j] = _mm512_madd52lo_epu64(t[j], a->l[j], bi);
			t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], a->l[j], bi);
		}
		m = _mm512_madd52lo_epu64(z, t[0], n0);
		if (i == n - 1)
			m = _mm512_and_si512(m, mlast);
		for (int j = 0; j < n; j++) {
			t[j] = _mm512_madd52lo_epu64(t[j], m, p[j]);
			t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], m, p[j]);
		}
		if (i == n - 1)
			break;
		/* t_0 is now a multiple of 2^52: carry it up and drop the word */
		t[1] = _mm512_add_epi64(t[1], _mm512_srli_epi64(t[0], 52));
		for (int j = 0; j < n; j++)
			t[j] = t[j + 1];
		t[n] = z;
	}
	/* t is a multiple of 2^last: normalise, then shift right by last bits */
	for (int j = 0; j < n; j++) {
		t[j + 1] = _mm512_add_epi64(t[j + 1], _mm512_srli_epi64(t[j], 52));
		t[j] = _mm512_and_si512(t[j], mask);
	}
	for (int j = 0; j < n; j++)
		r->l[j] = _mm512_or_si512(_mm512_srli_epi64(t[j], last),
					  _mm512_and_si512(_mm512_slli_epi64(t[j + 1], 52 - last),
							   mask));
}

/* Carry signed limbs into normalised ones (the value must be >= 0). */
FQ8_INLINE void fq8_norm(fq8_t *r, int n)
{
	const __m512i mask = fq8_bc(FQ8_MASK52);

	for (int j = 0; j < n - 1; j++) {
		r->l[j + 1] = _mm512_add_epi64(r->l[j + 1], _mm512_srai_epi64(r->l[j], 52));
		r->l[j] = _mm512_and_si512(r->l[j], mask);
	}
}

/* r = a + b */
FQ8_INLINE void fq8_add(fq8_t *r, const fq8_t *a, const fq8_t *b, int n)
{
	for (int j = 0; j < n; j++)
		r->l[j] = _mm512_add_epi64(a->l[j], b->l[j]);
	fq8_norm(r, n);
}

/* r = a + k - b, where k is a multiple of p above b */
FQ8_INLINE void fq8_sub(fq8_t *r, const fq8_t *a, const fq8_t *b, const uint64_t *k, int n)
{
	for (int j = 0; j < n; j++)
		r->l[j] = _mm512_sub_epi64(_mm512_add_epi64(a->l[j], fq8_bc(k[j])), b->l[j]);
	fq8_norm(r, n);
}

/* r = a - k if that is >= 0, else a */
FQ8_INLINE void fq8_csub(fq8_t *r, const fq8_t *a, const uint64_t *k, int n)
{
	fq8_t t;
	__mmask8 ge;

	for (int j = 0; j < n; j++)
		t.l[j] = _mm512_sub_epi64(a->l[j], fq8_bc(k[j]));
	fq8_norm(&t, n);
	ge = _mm512_cmpge_epi64_mask(t.l[n - 1], _mm512_setzero_si512());
	for (int j = 0; j < n; j++)
		r->l[j] = _mm512_mask_blend_epi64(ge, a->l[j], t.l[j]);
}

/* r = a mod p for a < 2^k p, k <= 3 (subtract 4 p, 2 p, p where they fit) */
FQ8_INLINE void fq8_reduce(fq8_t *r, const fq8_t *a, unsigned int k, const struct fq8_field *f,
			   int n)
{
	fq8_copy(r, a, n);
	if (k >= 3)
		fq8_csub(r, r, f->p[4], n);
	if (k >= 2)
		fq8_csub(r, r, f->p[2], n);
	fq8_csub(r, r, f->p[1], n);
}

/*
 * Load lanes of @mask from @base + off[lane] (w 64-bit words); lanes
 * outside @mask get @fill (w words).
 */
FQ8_INLINE void fq8_load(fq8_t *r, const void *base, __m512i off, __mmask8 mask,
			 const uint64_t *fill, int n, int w)
{
	const __m512i m = fq8_bc(FQ8_MASK52);
	__m512i a[FQ8_MAXL];

	for (int k = 0; k < w; k++)
		a[k] = _mm512_mask_i64gather_epi64(fq8_bc(fill[k]), mask, off,
						   (const uint8_t *)base + 8 * k, 1);
	for (int i = 0; i < n; i++) {
		int bit = 52 * i, k = bit / 64, s = bit % 64;
		__m512i x = k < w ? _mm512_srli_epi64(a[k], s) : _mm512_setzero_si512();

		if (s > 12 && k + 1 < w)
			x = _mm512_or_si512(x, _mm512_slli_epi64(a[k + 1], 64 - s));
		r->l[i] = _mm512_and_si512(x, m);
	}
}

/* Store lanes of @mask of a (below 2^(64 w)) to @base + off[lane], w words. */
FQ8_INLINE void fq8_store(void *base, __m512i off, __mmask8 mask, const fq8_t *a, int n,
			  int w)
{
	for (int k = 0; k < w; k++) {
		__m512i o = _mm512_setzero_si512();

		/* limbs i with bits in word k: 52 i < 64 (k + 1) and 52 (i + 1) > 64 k */
		for (int i = 0; i < n; i++) {
			int lo = 52 * i - 64 * k;

			if (lo >= 64 || lo + 52 <= 0)
				continue;
			o = _mm512_or_si512(o, lo >= 0 ? _mm512_slli_epi64(a->l[i], lo) :
						       _mm512_srli_epi64(a->l[i], -lo));
		}
		_mm512_mask_i64scatter_epi64((uint8_t *)base + 8 * k, mask, off, o, 1);
	}
}

/* Lane @lane of a (normalised, below 2^(64 w)) as w 64-bit words. */
static inline void fq8_lane(uint64_t *out, const fq8_t *a, unsigned int lane, int n, int w)
{
	uint64_t l[FQ8_MAXL];

	for (int j = 0; j < n; j++) {
		uint64_t v[8];

		_mm512_storeu_si512(v, a->l[j]);
		l[j] = v[lane];
	}
	for (int k = 0; k < w; k++) {
		out[k] = 0;
		for (int i = 0; i < n; i++) {
			int lo = 52 * i - 64 * k;

			if (lo >= 64 || lo + 52 <= 0)
				continue;
			out[k] |= lo >= 0 ? l[i] << lo : l[i] >> -lo;
		}
	}
}

#endif /* ZKM_FQ_IFMA_H */
