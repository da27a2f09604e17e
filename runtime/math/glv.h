/* SPDX-License-Identifier: MIT */
/*
 * GLV scalar splitting (Gallant, Lambert and Vanstone, CRYPTO 2001). Each
 * group of zkmath has an endomorphism phi(x, y) = (beta x, y) that acts on
 * the prime-order subgroup as multiplication by lambda, so k P = k1 P +
 * k2 phi(P) for any k = k1 + k2 lambda mod r. Babai rounding against a
 * reduced lattice basis gives |k1|, |k2| < 2^bits with bits = 128: an MSM
 * of n 255-bit scalars becomes one of 2n 128-bit scalars, half the windows
 * and so half the bucket reductions. The constants and the proof of the
 * bound come from gen-glv.py (glv_consts.h).
 *
 * The halves are small, so everything is computed mod 2^192 in two's
 * complement and the results are exact.
 */
#ifndef ZKM_GLV_H
#define ZKM_GLV_H

#include <stdint.h>

struct zkm_glv {
	uint64_t g1[3], g2[3];	/* |2^256 b2 / det|, |-2^256 b1 / det|, rounded */
	int g1_neg, g2_neg;	/* their signs */
	uint64_t a1[3], b1[3], a2[3], b2[3];	/* the basis, mod 2^192 */
	unsigned int bits;	/* |k1|, |k2| < 2^bits */
};

/* (k g) >> 256: k < 2^256, g < 2^192 */
static inline void zkm_glv_mulhi(uint64_t out[3], const uint64_t k[4], const uint64_t g[3])
{
	uint64_t t[7] = { 0 };

	for (int i = 0; i < 4; i++) {
		uint64_t carry = 0;

		for (int j = 0; j < 3; j++) {
			unsigned __int128 acc = (unsigned __int128)k[i] * g[j] + t[i + j] + carry;

			t[i + j] = (uint64_t)acc;
			carry = (uint64_t)(acc >> 64);
		}
		t[i + 3] = carry;
	}
	out[0] = t[4];
	out[1] = t[5];
	out[2] = t[6];
}

/* r -= a b mod 2^192 */
static inline void zkm_glv_submul(uint64_t r[3], const uint64_t a[3], const uint64_t b[3])
{
	uint64_t t[3] = { 0 };
	unsigned char borrow = 0;

	for (int i = 0; i < 3; i++) {
		uint64_t carry = 0;

		for (int j = 0; i + j < 3; j++) {
			unsigned __int128 acc = (unsigned __int128)a[i] * b[j] + t[i + j] + carry;

			t[i + j] = (uint64_t)acc;
			carry = (uint64_t)(acc >> 64);
		}
	}
	for (int i = 0; i < 3; i++)
		borrow = __builtin_sub_overflow(r[i], t[i], &r[i]) |
			 __builtin_sub_overflow(r[i], (uint64_t)borrow, &r[i]);
}

static inline void zkm_glv_neg(uint64_t r[3])
{
	r[0] = ~r[0];
	r[1] = ~r[1];
	r[2] = ~r[2];
	if (++r[0] == 0 && ++r[1] == 0)
		r[2]++;
}

/* |x| into 4 limbs, returning the sign of x (a 192-bit two's complement). */
static inline int zkm_glv_abs(uint64_t out[4], uint64_t x[3])
{
	int neg = (int)(x[2] >> 63);

	if (neg)
		zkm_glv_neg(x);
	out[0] = x[0];
	out[1] = x[1];
	out[2] = x[2];
	out[3] = 0;
	return neg;
}

/* k (< r, 4 limbs) = (-1)^neg1 k1 + (-1)^neg2 k2 lambda mod r */
static inline void zkm_glv_split(const struct zkm_glv *c, const uint64_t k[4],
				 uint64_t k1[4], int *neg1, uint64_t k2[4], int *neg2)
{
	uint64_t c1[3], c2[3], x[3] = { k[0], k[1], k[2] }, y[3] = { 0 };

	zkm_glv_mulhi(c1, k, c->g1);
	zkm_glv_mulhi(c2, k, c->g2);
	if (c->g1_neg)
		zkm_glv_neg(c1);
	if (c->g2_neg)
		zkm_glv_neg(c2);
	/* (k1, k2) = (k, 0) - c1 (a1, b1) - c2 (a2, b2) */
	zkm_glv_submul(x, c1, c->a1);
	zkm_glv_submul(x, c2, c->a2);
	zkm_glv_submul(y, c1, c->b1);
	zkm_glv_submul(y, c2, c->b2);
	*neg1 = zkm_glv_abs(k1, x);
	*neg2 = zkm_glv_abs(k2, y);
}

#endif /* ZKM_GLV_H */
