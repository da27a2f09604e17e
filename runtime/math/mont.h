/* SPDX-License-Identifier: MIT */
/*
 * Multi-limb Montgomery arithmetic on little-endian 64-bit limbs, generic in
 * the limb count N. Every function is always_inline and N is a compile-time
 * constant at each call site (4 or 6), so the compiler unrolls the loops and
 * the result is as good as hand-specialised code, without macros.
 *
 * Values are kept fully reduced (< p) at all times, so equality is a limb
 * compare and serialisation needs no final reduction.
 *
 * Multiplication is CIOS without the extra carry word: that is exact when the
 * modulus' top limb is below 2^63 - 1 (true for every field here, asserted by
 * gen-consts.py), because the running value then never exceeds 2p.
 */
#ifndef ZKM_MONT_H
#define ZKM_MONT_H

#include <stdint.h>
#include <string.h>

#define ZKM_INLINE static inline __attribute__((always_inline))

/* token pasting for the templates (ec_impl.h, msm_impl.h, ntt_impl.h) */
#define ZKM_CAT_(a, b) a##b
#define ZKM_CAT(a, b) ZKM_CAT_(a, b)

typedef unsigned __int128 zkm_u128;

/*
 * On x86-64, 4- and 6-limb addition and subtraction use inline assembly
 * (plain ADD/ADC/SBB/CMOV: gcc keeps the generic loops' temporaries on the
 * stack). ZKM_USE_ADX (set by the *_adx.c translation units, which are only
 * entered after a CPUID check) also switches multiplication to MULX/ADX.
 * Everything else, and every other architecture, is portable C.
 *
 * The 6-limb blocks hold up to 13 values in general registers at once. GCC
 * finds them only when optimising, with RBP free and without ASan (whose
 * checks pin registers); an impossible constraint sends its register
 * allocator into minutes of search before it fails. So the assembly needs
 * __OPTIMIZE__, is left out under sanitizers (the portable C then runs,
 * which ASan can check, where it could not see inside assembly), and the
 * code after this point drops the frame pointer even where the build asks
 * for one (-fno-omit-frame-pointer, as distributions now default to):
 * unwinding through the math core uses the DWARF tables of -g instead.
 */
#if defined(__x86_64__) && defined(__OPTIMIZE__) && !defined(ZKM_NO_ASM) && \
	!defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define ZKM_X86_ASM 1
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("omit-frame-pointer")
#endif
#include "mont_x86.h"
#else
#define ZKM_X86_ASM 0
#endif
#if defined(ZKM_USE_ADX) && ZKM_USE_ADX && ZKM_X86_ASM
#define ZKM_ADX_MUL 1
#else
#define ZKM_ADX_MUL 0
#endif

/* r = a + b mod p */
ZKM_INLINE void mont_add(uint64_t *r, const uint64_t *a, const uint64_t *b,
			 const uint64_t *p, const int n)
{
	uint64_t t[8], s[8];
	uint64_t c = 0, br = 0;

#if ZKM_X86_ASM
	if (n == 4) {
		mont4_add_asm(r, a, b, p);
		return;
	}
	if (n == 6) {
		mont6_add_asm(r, a, b, p);
		return;
	}
#endif
#pragma GCC unroll 8
	for (int i = 0; i < n; i++) {
		zkm_u128 x = (zkm_u128)a[i] + b[i] + c;
		t[i] = (uint64_t)x;
		c = (uint64_t)(x >> 64);
	}
	/* a + b < 2p < 2^(64n): no carry out of the top limb (p < 2^(64n-1)) */
#pragma GCC unroll 8
	for (int i = 0; i < n; i++) {
		zkm_u128 x = (zkm_u128)t[i] - p[i] - br;
		s[i] = (uint64_t)x;
		br = (uint64_t)(x >> 64) & 1;
	}
	/* borrow: t < p, keep t */
	uint64_t mask = -br;
#pragma GCC unroll 8
	for (int i = 0; i < n; i++)
		r[i] = (t[i] & mask) | (s[i] & ~mask);
}

/* r = a - b mod p */
ZKM_INLINE void mont_sub(uint64_t *r, const uint64_t *a, const uint64_t *b,
			 const uint64_t *p, const int n)
{
	uint64_t t[8];
	uint64_t br = 0, c = 0;

#if ZKM_X86_ASM
	if (n == 4) {
		mont4_sub_asm(r, a, b, p);
		return;
	}
	if (n == 6) {
		mont6_sub_asm(r, a, b, p);
		return;
	}
#endif
#pragma GCC unroll 8
	for (int i = 0; i < n; i++) {
		zkm_u128 x = (zkm_u128)a[i] - b[i] - br;
		t[i] = (uint64_t)x;
		br = (uint64_t)(x >> 64) & 1;
	}
	uint64_t mask = -br;
#pragma GCC unroll 8
	for (int i = 0; i < n; i++) {
		zkm_u128 x = (zkm_u128)t[i] + (p[i] & mask) + c;
		r[i] = (uint64_t)x;
		c = (uint64_t)(x >> 64);
	}
}

ZKM_INLINE int mont_is_zero(const uint64_t *a, const int n)
{
	uint64_t acc = 0;

#pragma GCC unroll 8
	for (int i = 0; i < n; i++)
		acc |= a[i];
	return acc == 0;
}

ZKM_INLINE int mont_eq(const uint64_t *a, const uint64_t *b, const int n)
{
	uint64_t acc = 0;

#pragma GCC unroll 8
	for (int i = 0; i < n; i++)
		acc |= a[i] ^ b[i];
	return acc == 0;
}

/* r = -a mod p */
ZKM_INLINE void mont_neg(uint64_t *r, const uint64_t *a, const uint64_t *p,
			 const int n)
{
	uint64_t br = 0;
	uint64_t mask = mont_is_zero(a, n) ? 0 : ~(uint64_t)0;

#pragma GCC unroll 8
	for (int i = 0; i < n; i++) {
		zkm_u128 x = (zkm_u128)p[i] - a[i] - br;
		r[i] = (uint64_t)x & mask;
		br = (uint64_t)(x >> 64) & 1;
	}
}

/* 1 if a < p (a canonical), comparing from the top limb. */
ZKM_INLINE int mont_lt(const uint64_t *a, const uint64_t *p, const int n)
{
	for (int i = n - 1; i >= 0; i--) {
		if (a[i] != p[i])
			return a[i] < p[i];
	}
	return 0;
}

/* r = t - p if t >= p, else t; t < 2p */
ZKM_INLINE void mont_reduce_once(uint64_t *r, const uint64_t *t, const uint64_t *p, const int n)
{
	uint64_t s[8], br = 0;

#pragma GCC unroll 8
	for (int i = 0; i < n; i++) {
		zkm_u128 x = (zkm_u128)t[i] - p[i] - br;
		s[i] = (uint64_t)x;
		br = (uint64_t)(x >> 64) & 1;
	}
	uint64_t mask = -br;
#pragma GCC unroll 8
	for (int i = 0; i < n; i++)
		r[i] = (t[i] & mask) | (s[i] & ~mask);
}

/* r = a * b / 2^(64n) mod p (CIOS, no extra carry word; see top comment) */
ZKM_INLINE void mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
			 const uint64_t *p, const uint64_t pinv, const int n)
{
	uint64_t t[8] = { 0 };

#if ZKM_ADX_MUL
	if (n == 4) {
		mont4_mul_adx(r, a, b, p, pinv);
		return;
	}
	if (n == 6) {
		mont6_mul_adx(r, a, b, p, pinv);
		return;
	}
#endif

#pragma GCC unroll 8
	for (int i = 0; i < n; i++) {
		zkm_u128 x = (zkm_u128)a[0] * b[i] + t[0];
		uint64_t A = (uint64_t)(x >> 64);
		uint64_t t0 = (uint64_t)x;
		uint64_t m = t0 * pinv;
		zkm_u128 y = (zkm_u128)m * p[0] + t0;
		uint64_t C = (uint64_t)(y >> 64);

#pragma GCC unroll 8
		for (int j = 1; j < n; j++) {
			x = (zkm_u128)a[j] * b[i] + t[j] + A;
			A = (uint64_t)(x >> 64);
			y = (zkm_u128)m * p[j] + (uint64_t)x + C;
			C = (uint64_t)(y >> 64);
			t[j - 1] = (uint64_t)y;
		}
		t[n - 1] = C + A;
	}
	mont_reduce_once(r, t, p, n);
}

/* r = a^e for an exponent of ne limbs (square and multiply, not constant time) */
ZKM_INLINE void mont_pow(uint64_t *r, const uint64_t *a, const uint64_t *e,
			 int ne, const uint64_t *one, const uint64_t *p,
			 const uint64_t pinv, const int n)
{
	uint64_t acc[8], base[8];

	memcpy(acc, one, n * 8);
	memcpy(base, a, n * 8);
	for (int i = ne * 64 - 1; i >= 0; i--) {
		mont_mul(acc, acc, acc, p, pinv, n);
		if ((e[i / 64] >> (i % 64)) & 1)
			mont_mul(acc, acc, base, p, pinv, n);
	}
	memcpy(r, acc, n * 8);
}

/* Little-endian bytes <-> limbs, independent of host byte order. */
ZKM_INLINE uint64_t zkm_load64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

ZKM_INLINE void zkm_store64(uint8_t *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

#endif /* ZKM_MONT_H */
