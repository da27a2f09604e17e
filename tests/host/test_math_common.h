/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the math core's host tests: a deliberately naive bignum
 * (schoolbook product, bit-by-bit long division) to check the Montgomery
 * code against, hex parsing for published vectors, and a seeded PRNG so
 * every failure is reproducible.
 */
#ifndef ZKM_TEST_MATH_COMMON_H
#define ZKM_TEST_MATH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BN_MAX 12

static uint64_t tm_rng_state = 0x243f6a8885a308d3ULL;

static inline uint64_t tm_rand64(void)
{
	/* xorshift64* */
	tm_rng_state ^= tm_rng_state >> 12;
	tm_rng_state ^= tm_rng_state << 25;
	tm_rng_state ^= tm_rng_state >> 27;
	return tm_rng_state * 0x2545f4914f6cdd1dULL;
}

/* Big-endian hex (optional 0x) -> n little-endian limbs */
static inline void tm_hex(uint64_t *out, int n, const char *hex)
{
	size_t len;

	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	len = strlen(hex);
	memset(out, 0, n * 8);
	for (size_t i = 0; i < len; i++) {
		char c = hex[len - 1 - i];
		uint64_t v = c <= '9' ? (uint64_t)(c - '0') : (uint64_t)((c | 0x20) - 'a' + 10);

		if (i / 16 < (size_t)n)
			out[i / 16] |= v << (4 * (i % 16));
	}
}

/* Decimal -> n little-endian limbs */
static inline void tm_dec(uint64_t *out, int n, const char *dec)
{
	memset(out, 0, n * 8);
	for (; *dec; dec++) {
		unsigned __int128 c = (uint64_t)(*dec - '0');

		for (int i = 0; i < n; i++) {
			c += (unsigned __int128)out[i] * 10;
			out[i] = (uint64_t)c;
			c >>= 64;
		}
	}
}

static inline int tm_cmp(const uint64_t *a, const uint64_t *b, int n)
{
	for (int i = n - 1; i >= 0; i--)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static inline uint64_t tm_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, int n)
{
	uint64_t br = 0;

	for (int i = 0; i < n; i++) {
		unsigned __int128 x = (unsigned __int128)a[i] - b[i] - br;

		r[i] = (uint64_t)x;
		br = (uint64_t)(x >> 64) & 1;
	}
	return br;
}

static inline uint64_t tm_add(uint64_t *r, const uint64_t *a, const uint64_t *b, int n)
{
	uint64_t c = 0;

	for (int i = 0; i < n; i++) {
		unsigned __int128 x = (unsigned __int128)a[i] + b[i] + c;

		r[i] = (uint64_t)x;
		c = (uint64_t)(x >> 64);
	}
	return c;
}

/* r = x mod p, x of nx limbs, p of n limbs: shift-and-subtract, one bit at a time */
static inline void tm_mod(uint64_t *r, const uint64_t *x, int nx, const uint64_t *p, int n)
{
	uint64_t rem[BN_MAX + 1] = { 0 }, pp[BN_MAX + 1] = { 0 };

	memcpy(pp, p, n * 8);
	for (int bit = nx * 64 - 1; bit >= 0; bit--) {
		uint64_t top = 0;

		for (int i = 0; i <= n; i++) {
			uint64_t nt = rem[i] >> 63;

			rem[i] = (rem[i] << 1) | top;
			top = nt;
		}
		rem[0] |= (x[bit / 64] >> (bit % 64)) & 1;
		if (tm_cmp(rem, pp, n + 1) >= 0)
			tm_sub(rem, rem, pp, n + 1);
	}
	memcpy(r, rem, n * 8);
}

/* r = a * b mod p */
static inline void tm_mulmod(uint64_t *r, const uint64_t *a, const uint64_t *b,
			     const uint64_t *p, int n)
{
	uint64_t prod[2 * BN_MAX] = { 0 };

	for (int i = 0; i < n; i++) {
		unsigned __int128 c = 0;

		for (int j = 0; j < n; j++) {
			c += (unsigned __int128)a[i] * b[j] + prod[i + j];
			prod[i + j] = (uint64_t)c;
			c >>= 64;
		}
		prod[i + n] = (uint64_t)c;
	}
	tm_mod(r, prod, 2 * n, p, n);
}

static inline void tm_addmod(uint64_t *r, const uint64_t *a, const uint64_t *b,
			     const uint64_t *p, int n)
{
	uint64_t t[BN_MAX + 1];

	t[n] = tm_add(t, a, b, n);
	tm_mod(r, t, n + 1, p, n);
}

/* r = a^e mod p, e of ne limbs */
static inline void tm_powmod(uint64_t *r, const uint64_t *a, const uint64_t *e, int ne,
			     const uint64_t *p, int n)
{
	uint64_t acc[BN_MAX] = { 1 };

	for (int i = ne * 64 - 1; i >= 0; i--) {
		tm_mulmod(acc, acc, acc, p, n);
		if ((e[i / 64] >> (i % 64)) & 1)
			tm_mulmod(acc, acc, a, p, n);
	}
	memcpy(r, acc, n * 8);
}

/* uniform random value < p */
static inline void tm_rand_below(uint64_t *r, const uint64_t *p, int n)
{
	int top = n - 1;
	uint64_t mask;

	while (top > 0 && !p[top])
		top--;
	mask = p[top] ? ~(uint64_t)0 >> __builtin_clzll(p[top]) : 0;
	do {
		for (int i = 0; i < n; i++)
			r[i] = i < top ? tm_rand64() : i == top ? tm_rand64() & mask : 0;
	} while (tm_cmp(r, p, n) >= 0);
}

static inline void tm_limbs_to_le(uint8_t *out, const uint64_t *a, int n)
{
	for (int i = 0; i < n * 8; i++)
		out[i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}

static inline void tm_le_to_limbs(uint64_t *a, const uint8_t *in, int n)
{
	memset(a, 0, n * 8);
	for (int i = 0; i < n * 8; i++)
		a[i / 8] |= (uint64_t)in[i] << (8 * (i % 8));
}

#endif /* ZKM_TEST_MATH_COMMON_H */
