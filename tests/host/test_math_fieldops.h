/* SPDX-License-Identifier: MIT */
/*
 * Field operation checks shared by test_math_fields (portable arithmetic)
 * and test_math_fields_adx (MULX/ADX arithmetic): every operation of a
 * field, through the device byte format, against the naive bignum of
 * test_math_common.h, and the Fq2 operations against their definition.
 * The includer includes fields.h / fp2.h first.
 */
#ifndef ZKM_TEST_MATH_FIELDOPS_H
#define ZKM_TEST_MATH_FIELDOPS_H

#include "test_math_common.h"

/*
 * Random and edge operands for one field: every operation through the
 * device byte format (standard form) against the naive reference.
 */
#define FIELD_OPS_TEST(F, N)							\
static int F##_ops_ok(int rounds)						\
{										\
	for (int it = 0; it < rounds; it++) {					\
		uint64_t a[N], b[N], want[N], got[N], one[N] = { 1 };		\
		uint8_t ab[8 * N], bb[8 * N], out[8 * N];			\
		F##_t x, y, z;							\
		if (it == 0) {		/* p - 1, p - 1 */			\
			tm_sub(a, F##_P, one, N);				\
			memcpy(b, a, sizeof(a));				\
		} else if (it == 1) {	/* 0, p - 1 */				\
			memset(a, 0, sizeof(a));				\
			tm_sub(b, F##_P, one, N);				\
		} else if (it == 2) {	/* 1, 1 */				\
			memcpy(a, one, sizeof(a));				\
			memcpy(b, one, sizeof(b));				\
		} else {							\
			tm_rand_below(a, F##_P, N);				\
			tm_rand_below(b, F##_P, N);				\
		}								\
		tm_limbs_to_le(ab, a, N);					\
		tm_limbs_to_le(bb, b, N);					\
		if (!F##_load(&x, ab, 0) || !F##_load(&y, bb, 0))		\
			return 0;						\
		/* mul */							\
		F##_mul(&z, &x, &y);						\
		F##_store(out, &z, 0);						\
		tm_le_to_limbs(got, out, N);					\
		tm_mulmod(want, a, b, F##_P, N);				\
		if (memcmp(got, want, sizeof(got)))				\
			return 0;						\
		/* sqr */							\
		F##_sqr(&z, &x);						\
		F##_store(out, &z, 0);						\
		tm_le_to_limbs(got, out, N);					\
		tm_mulmod(want, a, a, F##_P, N);				\
		if (memcmp(got, want, sizeof(got)))				\
			return 0;						\
		/* add */							\
		F##_add(&z, &x, &y);						\
		F##_store(out, &z, 0);						\
		tm_le_to_limbs(got, out, N);					\
		tm_addmod(want, a, b, F##_P, N);				\
		if (memcmp(got, want, sizeof(got)))				\
			return 0;						\
		/* sub: (a - b) + b == a */					\
		F##_sub(&z, &x, &y);						\
		F##_store(out, &z, 0);						\
		tm_le_to_limbs(got, out, N);					\
		tm_addmod(want, got, b, F##_P, N);				\
		if (memcmp(a, want, sizeof(a)) || tm_cmp(got, F##_P, N) >= 0)	\
			return 0;						\
		/* neg: a + (-a) == 0 */					\
		F##_neg(&z, &x);						\
		F##_store(out, &z, 0);						\
		tm_le_to_limbs(got, out, N);					\
		tm_addmod(want, got, a, F##_P, N);				\
		if (!mont_is_zero(want, N) || tm_cmp(got, F##_P, N) >= 0)	\
			return 0;						\
		/* inv: a * (1/a) == 1, 1/0 == 0 */				\
		F##_inv(&z, &x);						\
		F##_store(out, &z, 0);						\
		tm_le_to_limbs(got, out, N);					\
		tm_mulmod(want, got, a, F##_P, N);				\
		if (mont_is_zero(a, N) ? !mont_is_zero(got, N)			\
				       : memcmp(want, one, sizeof(one)))	\
			return 0;						\
		/* Montgomery form round trip: stored mont == a * R mod p */	\
		F##_store(out, &x, 1);						\
		tm_le_to_limbs(got, out, N);					\
		tm_mulmod(want, a, F##_R1, F##_P, N);				\
		if (memcmp(got, want, sizeof(got)))				\
			return 0;						\
		if (!F##_load(&z, out, 1) || !F##_eq(&z, &x))			\
			return 0;						\
		/* pow by a random 64-bit exponent */				\
		{								\
			uint64_t e[N] = { tm_rand64() };			\
			F##_pow(&z, &x, e, 1);					\
			F##_store(out, &z, 0);					\
			tm_le_to_limbs(got, out, N);				\
			tm_powmod(want, a, e, 1, F##_P, N);			\
			if (memcmp(got, want, sizeof(got)))			\
				return 0;					\
		}								\
	}									\
	return 1;								\
}										\
/* p itself and anything above is rejected in both forms */			\
static int F##_rejects_noncanonical(void)					\
{										\
	uint8_t buf[8 * N];							\
	uint64_t one[N] = { 1 }, x[N];						\
	F##_t z;								\
	tm_limbs_to_le(buf, F##_P, N);						\
	if (F##_load(&z, buf, 0) || F##_load(&z, buf, 1))			\
		return 0;							\
	memset(buf, 0xff, sizeof(buf));						\
	if (F##_load(&z, buf, 0) || F##_load(&z, buf, 1))			\
		return 0;							\
	tm_sub(x, F##_P, one, N);						\
	tm_limbs_to_le(buf, x, N);						\
	return F##_load(&z, buf, 0) && F##_load(&z, buf, 1);			\
}										\
static int F##_batch_inv_ok(void)						\
{										\
	enum { CNT = 37 };							\
	F##_t a[CNT], r[CNT], s[CNT], t;					\
	for (int i = 0; i < CNT; i++) {						\
		uint64_t v[N];							\
		tm_rand_below(v, F##_P, N);					\
		memcpy(a[i].v, v, sizeof(v));					\
		if (i % 7 == 3)							\
			F##_zero(&a[i]);					\
	}									\
	F##_batch_inv(r, a, CNT, s);						\
	for (int i = 0; i < CNT; i++) {						\
		F##_inv(&t, &a[i]);						\
		if (!F##_eq(&t, &r[i]))						\
			return 0;						\
	}									\
	F##_batch_inv(a, a, CNT, s);	/* in place */				\
	for (int i = 0; i < CNT; i++)						\
		if (!F##_eq(&a[i], &r[i]))					\
			return 0;						\
	return 1;								\
}

/* Fq2 against the definition (a0 + a1 u)(b0 + b1 u) = a0b0 - a1b1 + (a0b1 + a1b0) u */
#define FP2_TEST(F2, F, N)							\
static int F2##_ok(void)							\
{										\
	for (int it = 0; it < 100; it++) {					\
		F2##_t a, b, c, d, one;						\
		F##_t t0, t1;							\
		uint64_t v[N];							\
		tm_rand_below(v, F##_P, N); memcpy(a.c0.v, v, sizeof(v));	\
		tm_rand_below(v, F##_P, N); memcpy(a.c1.v, v, sizeof(v));	\
		tm_rand_below(v, F##_P, N); memcpy(b.c0.v, v, sizeof(v));	\
		tm_rand_below(v, F##_P, N); memcpy(b.c1.v, v, sizeof(v));	\
		F2##_mul(&c, &a, &b);						\
		F##_mul(&t0, &a.c0, &b.c0);					\
		F##_mul(&t1, &a.c1, &b.c1);					\
		F##_sub(&d.c0, &t0, &t1);					\
		F##_mul(&t0, &a.c0, &b.c1);					\
		F##_mul(&t1, &a.c1, &b.c0);					\
		F##_add(&d.c1, &t0, &t1);					\
		if (!F2##_eq(&c, &d))						\
			return 0;						\
		F2##_sqr(&c, &a);						\
		F2##_mul(&d, &a, &a);						\
		if (!F2##_eq(&c, &d))						\
			return 0;						\
		F2##_inv(&c, &a);						\
		F2##_mul(&d, &c, &a);						\
		F2##_one(&one);							\
		if (!F2##_eq(&d, &one))						\
			return 0;						\
	}									\
	{	/* u^2 == -1 */							\
		F2##_t u, r, m;							\
		F2##_zero(&u);							\
		F##_one(&u.c1);							\
		F2##_sqr(&r, &u);						\
		F2##_one(&m);							\
		F2##_neg(&m, &m);						\
		if (!F2##_eq(&r, &m))						\
			return 0;						\
	}									\
	{	/* batch inversion (through the norms) against one by one */	\
		enum { CNT = 29 };						\
		F2##_t a[CNT], r[CNT], s[CNT], t;				\
		uint64_t v[N];							\
		for (int i = 0; i < CNT; i++) {					\
			tm_rand_below(v, F##_P, N); memcpy(a[i].c0.v, v, sizeof(v)); \
			tm_rand_below(v, F##_P, N); memcpy(a[i].c1.v, v, sizeof(v)); \
			if (i % 7 == 3)						\
				F2##_zero(&a[i]);				\
			if (i % 7 == 5)						\
				F##_zero(&a[i].c1);	/* in the base field */	\
		}								\
		F2##_batch_inv(r, a, CNT, s);					\
		for (int i = 0; i < CNT; i++) {					\
			F2##_inv(&t, &a[i]);					\
			if (!F2##_eq(&t, &r[i]))				\
				return 0;					\
		}								\
		F2##_batch_inv(a, a, CNT, s);	/* in place */			\
		for (int i = 0; i < CNT; i++)					\
			if (!F2##_eq(&a[i], &r[i]))				\
				return 0;					\
	}									\
	return 1;								\
}

#endif /* ZKM_TEST_MATH_FIELDOPS_H */
