// SPDX-License-Identifier: MIT
/*
 * zkm_ntt over BN254 Fr, BLS12-381 Fr and Goldilocks: against the naive
 * DFT (its definition, with w_n = g^((p-1)/n)) for small sizes in every
 * combination of flags; against direct polynomial evaluation at sampled
 * points and the inverse round trip for sizes beyond the cache block; plus
 * the argument and range checks. Goldilocks also with its AVX-512 stages
 * forced off (ZKASIC_MATH_AVX512=0) and on: bit-identical results at every
 * size 2^0..2^24, every flag, batches, threads, and inputs at the ends of
 * the field.
 */
#include <stdlib.h>

#include <zkasic/zkmath.h>

#include "fields.h"
#include "goldilocks.h"
#include "kernels.h"
#include "kselftest_harness.h"
#include "test_math_common.h"

static const uint64_t gl_P[1] = { GOLDILOCKS_P };

static size_t rev(size_t x, unsigned int bits)
{
	size_t r = 0;

	for (unsigned int i = 0; i < bits; i++)
		r |= ((x >> i) & 1) << (bits - 1 - i);
	return r;
}

/*
 * Per field F (limbs N, modulus MOD, generator set by GEN):
 *   F_root(w, log_n): g^((p-1)/n)
 *   F_eval(out, in, log_n, inverse, s): the definition, s = coset shift or NULL
 *   F_check(log_n, batch, flags, threads, full): run zkm_ntt and compare
 */
#define NTT_TEST(F, ID, N, MOD, GEN)						\
static void F##_root(F##_t *w, unsigned int log_n)				\
{										\
	uint64_t e[N], one[N] = { 1 };						\
	F##_t g;								\
	GEN(&g);								\
	tm_sub(e, MOD, one, N);							\
	for (unsigned int i = 0; i < log_n; i++)				\
		for (int l = 0; l < N; l++)					\
			e[l] = (e[l] >> 1) | (l < N - 1 ? e[l + 1] << 63 : 0);	\
	F##_pow(w, &g, e, N);							\
}										\
/* out[k] = sum_j in[j] (s^j) w^(jk), or for the inverse (1/n) s^-k sum_j in[j] w^-jk */ \
static void F##_eval_at(F##_t *out, const F##_t *in, size_t n, const F##_t *x,	\
			const F##_t *s)						\
{										\
	F##_t acc, xp, t;							\
	F##_zero(&acc);								\
	F##_one(&xp);								\
	for (size_t j = 0; j < n; j++) {					\
		F##_mul(&t, &in[j], &xp);					\
		F##_add(&acc, &acc, &t);					\
		F##_mul(&xp, &xp, x);						\
		if (s)								\
			F##_mul(&xp, &xp, s);					\
	}									\
	*out = acc;								\
}										\
static void F##_dft(F##_t *out, const F##_t *in, unsigned int log_n, int inverse, \
		    const F##_t *s)						\
{										\
	size_t n = (size_t)1 << log_n;						\
	F##_t w, x, ninv, si = { { 0 } }, sk;					\
	F##_root(&w, log_n);							\
	if (inverse)								\
		F##_inv(&w, &w);						\
	F##_one(&x);								\
	F##_set_u64(&ninv, n);							\
	F##_inv(&ninv, &ninv);							\
	F##_one(&sk);								\
	if (s)									\
		F##_inv(&si, s);						\
	for (size_t k = 0; k < n; k++) {					\
		F##_eval_at(&out[k], in, n, &x, inverse ? NULL : s);		\
		if (inverse) {							\
			F##_mul(&out[k], &out[k], &ninv);			\
			F##_mul(&out[k], &out[k], &sk);				\
			if (s)							\
				F##_mul(&sk, &sk, &si);				\
		}								\
		F##_mul(&x, &x, &w);						\
	}									\
}										\
static void F##_rand(F##_t *x)							\
{										\
	uint64_t v[N];								\
	tm_rand_below(v, MOD, N);						\
	memcpy(x->v, v, sizeof(v));						\
}										\
/* full: compare every output with the DFT; else sample 6 outputs */	\
static int F##_check(unsigned int log_n, size_t batch, unsigned int flags,	\
		     unsigned int threads, int full, int misalign)		\
{										\
	const size_t n = (size_t)1 << log_n, eb = 8 * N;			\
	const int mont = !!(flags & ZKM_NTT_MONT);				\
	const int inverse = !!(flags & ZKM_NTT_INVERSE);			\
	const int rin = !!(flags & ZKM_NTT_BITREV_IN);				\
	const int rout = !!(flags & ZKM_NTT_BITREV_OUT);			\
	F##_t *in = malloc(batch * n * sizeof(F##_t));				\
	F##_t *want = malloc(n * sizeof(F##_t));				\
	uint8_t *raw = malloc(batch * n * eb + 8), *buf = raw + misalign;	\
	uint8_t sb[8 * N];							\
	F##_t s, *sp = NULL, got;						\
	struct zkm_exec ex = { .threads = threads };				\
	int ok = 1, err;							\
	if (flags & ZKM_NTT_COSET_SHIFT) {					\
		F##_rand(&s);							\
		if (F##_is_zero(&s))						\
			F##_one(&s);						\
		F##_store(sb, &s, mont);					\
		sp = &s;							\
	} else if (flags & ZKM_NTT_COSET) {					\
		GEN(&s);							\
		sp = &s;							\
	}									\
	for (size_t v = 0; v < batch; v++)					\
		for (size_t j = 0; j < n; j++) {				\
			F##_rand(&in[v * n + j]);				\
			F##_store(buf + (v * n + (rin ? rev(j, log_n) : j)) * eb, \
				  &in[v * n + j], mont);			\
		}								\
	err = zkm_ntt(ID, buf, log_n, batch, flags,				\
		      (flags & ZKM_NTT_COSET_SHIFT) ? sb : NULL, &ex);		\
	if (err)								\
		ok = 0;								\
	for (size_t v = 0; ok && v < batch; v++) {				\
		if (full) {							\
			F##_dft(want, in + v * n, log_n, inverse, sp);		\
		} else {							\
			/* forward only: a few points P(s w^k) */		\
			for (int t = 0; t < 6; t++) {				\
				size_t k = t == 0 ? 0 : t == 1 ? n - 1 : tm_rand64() % n; \
				F##_t w, x;					\
				uint64_t e = k;					\
				F##_root(&w, log_n);				\
				F##_pow(&x, &w, &e, 1);				\
				F##_eval_at(&want[k], in + v * n, n, &x, sp);	\
				F##_load(&got, buf + (v * n + (rout ? rev(k, log_n) : k)) * eb, mont); \
				if (!F##_eq(&got, &want[k]))			\
					ok = 0;					\
			}							\
			continue;						\
		}								\
		for (size_t k = 0; k < n; k++) {				\
			if (!F##_load(&got, buf + (v * n + (rout ? rev(k, log_n) : k)) * eb, mont) \
			    || !F##_eq(&got, &want[k]))				\
				ok = 0;						\
		}								\
	}									\
	free(in);								\
	free(want);								\
	free(raw);								\
	return ok;								\
}										\
/* forward then inverse with random flags is the identity */		\
static int F##_roundtrip(unsigned int log_n, size_t batch, unsigned int threads) \
{										\
	const size_t n = (size_t)1 << log_n, eb = 8 * N;			\
	uint8_t *buf = malloc(batch * n * eb), *orig = malloc(batch * n * eb);	\
	struct zkm_exec ex = { .threads = threads };				\
	int ok = 1;								\
	for (size_t i = 0; i < batch * n; i++) {				\
		F##_t x;							\
		F##_rand(&x);							\
		F##_store(orig + i * eb, &x, 0);				\
	}									\
	memcpy(buf, orig, batch * n * eb);					\
	for (unsigned int f = 0; f < 8; f++) {					\
		unsigned int fl = (f & 1 ? ZKM_NTT_COSET : 0) |			\
				  (f & 2 ? ZKM_NTT_BITREV_OUT : 0) |		\
				  (f & 4 ? ZKM_NTT_MONT : 0);			\
		unsigned int il = (fl & ~ZKM_NTT_BITREV_OUT) | ZKM_NTT_INVERSE | \
				  (f & 2 ? ZKM_NTT_BITREV_IN : 0);		\
		if (zkm_ntt(ID, buf, log_n, batch, fl, NULL, &ex) ||		\
		    zkm_ntt(ID, buf, log_n, batch, il, NULL, &ex) ||		\
		    memcmp(buf, orig, batch * n * eb))				\
			ok = 0;							\
		/* the forward transform must have changed something */	\
		if (n > 1 && !zkm_ntt(ID, buf, log_n, batch, fl, NULL, &ex) &&	\
		    !memcmp(buf, orig, batch * n * eb))				\
			ok = 0;							\
		memcpy(buf, orig, batch * n * eb);				\
	}									\
	free(buf);								\
	free(orig);								\
	return ok;								\
}

#define BN_GEN(g) memcpy((g)->v, bn254_fr_GEN_MONT, 32)
#define BLS_GEN(g) memcpy((g)->v, bls12_381_fr_GEN_MONT, 32)
#define GL_GEN(g) ((g)->v[0] = 7)

NTT_TEST(bn254_fr, ZKM_BN254_FR, 4, bn254_fr_P, BN_GEN)
NTT_TEST(bls12_381_fr, ZKM_BLS12_381_FR, 4, bls12_381_fr_P, BLS_GEN)
NTT_TEST(goldilocks, ZKM_GOLDILOCKS, 1, gl_P, GL_GEN)

static int check(int field, unsigned int log_n, size_t batch, unsigned int flags,
		 unsigned int threads, int full, int misalign)
{
	switch (field) {
	case ZKM_BN254_FR:
		return bn254_fr_check(log_n, batch, flags, threads, full, misalign);
	case ZKM_BLS12_381_FR:
		return bls12_381_fr_check(log_n, batch, flags, threads, full, misalign);
	default:
		return goldilocks_check(log_n, batch, flags, threads, full, misalign);
	}
}

static int roundtrip(int field, unsigned int log_n, size_t batch, unsigned int threads)
{
	switch (field) {
	case ZKM_BN254_FR:
		return bn254_fr_roundtrip(log_n, batch, threads);
	case ZKM_BLS12_381_FR:
		return bls12_381_fr_roundtrip(log_n, batch, threads);
	default:
		return goldilocks_roundtrip(log_n, batch, threads);
	}
}

TEST(small_against_dft_all_flags)
{
	for (int field = 1; field <= 3; field++)
		for (unsigned int log_n = 0; log_n <= 6; log_n++)
			for (unsigned int flags = 0; flags < 64; flags++) {
				int ok;

				/* COSET_SHIFT alone means shift given (implies coset) */
				ok = check(field, log_n, 1 + log_n % 3, flags, 1 + flags % 2, 1,
					   flags % 8 == 5);
				if (!ok)
					TH_LOG("field %d log_n %u flags 0x%x", field, log_n, flags);
				ASSERT_TRUE(ok);
			}
}

TEST(large_sampled_and_roundtrip)
{
	for (int field = 1; field <= 3; field++) {
		static const unsigned int flags[] = { 0, ZKM_NTT_BITREV_OUT, ZKM_NTT_COSET,
			ZKM_NTT_BITREV_IN | ZKM_NTT_MONT, ZKM_NTT_COSET_SHIFT | ZKM_NTT_BITREV_IN };

		for (unsigned int i = 0; i < 5; i++) {
			int ok = check(field, 13 + i % 2, 1 + i % 2, flags[i], 1 + i % 3, 0, 0);

			if (!ok)
				TH_LOG("field %d flags 0x%x", field, flags[i]);
			ASSERT_TRUE(ok);
		}
		ASSERT_TRUE(roundtrip(field, 14, 1, 2));
		ASSERT_TRUE(roundtrip(field, 12, 3, 1));
		ASSERT_TRUE(roundtrip(field, 5, 9, 0));
	}
	ASSERT_TRUE(roundtrip(ZKM_GOLDILOCKS, 17, 2, 2));
}

/* the AVX-512 stages on (when the CPU has them) or off */
static void gl_simd(int on)
{
	if (on)
		unsetenv("ZKASIC_MATH_AVX512");
	else
		setenv("ZKASIC_MATH_AVX512", "0", 1);
}

/* Goldilocks inputs: random, or mostly the ends of the field */
static uint64_t gl_input(int edge)
{
	static const uint64_t ends[] = { 0, 1, 2, GOLDILOCKS_P - 1, GOLDILOCKS_P - 2,
		0xffffffffULL, 0x100000000ULL, 0xfffffffeULL, GOLDILOCKS_P - 0xffffffffULL,
		0x8000000000000000ULL, GOLDILOCKS_P >> 1 };
	uint64_t r = tm_rand64();

	if (edge && r % 8)
		return ends[(r >> 8) % (sizeof(ends) / sizeof(ends[0]))];
	r %= GOLDILOCKS_P;
	return r;
}

/* the same transform with the AVX-512 stages off and on: same bytes, 0 on error */
static int gl_same(unsigned int log_n, size_t batch, unsigned int flags, unsigned int threads,
		   int edge)
{
	const size_t n = (size_t)1 << log_n;
	uint64_t *in = malloc(batch * n * 8), *a = malloc(batch * n * 8), *b = malloc(batch * n * 8);
	uint8_t sb[8];
	struct zkm_exec ex = { .threads = threads };
	int ok;

	zkm_store64(sb, gl_input(edge) % (GOLDILOCKS_P - 1) + 1);
	for (size_t i = 0; i < batch * n; i++)
		in[i] = gl_input(edge);
	memcpy(a, in, batch * n * 8);
	memcpy(b, in, batch * n * 8);
	gl_simd(0);
	ok = !zkm_ntt(ZKM_GOLDILOCKS, a, log_n, batch, flags,
		      (flags & ZKM_NTT_COSET_SHIFT) ? sb : NULL, &ex);
	gl_simd(1);
	ok = ok && !zkm_ntt(ZKM_GOLDILOCKS, b, log_n, batch, flags,
			    (flags & ZKM_NTT_COSET_SHIFT) ? sb : NULL, &ex);
	ok = ok && !memcmp(a, b, batch * n * 8);
	/* a transform of more than one element must change something */
	ok = ok && (n == 1 || memcmp(in, b, batch * n * 8));
	free(in);
	free(a);
	free(b);
	return ok;
}

static const unsigned int gl_flags[] = { 0, ZKM_NTT_INVERSE, ZKM_NTT_COSET,
	ZKM_NTT_COSET | ZKM_NTT_INVERSE, ZKM_NTT_BITREV_IN, ZKM_NTT_BITREV_OUT,
	ZKM_NTT_BITREV_IN | ZKM_NTT_INVERSE | ZKM_NTT_COSET_SHIFT,
	ZKM_NTT_BITREV_OUT | ZKM_NTT_INVERSE | ZKM_NTT_MONT,
	ZKM_NTT_BITREV_IN | ZKM_NTT_BITREV_OUT | ZKM_NTT_COSET };

/* the definition, with the AVX-512 stages off and on, every flag */
TEST(goldilocks_simd_against_dft)
{
	if (!zkm_use_avx512())
		TH_LOG("no AVX-512F here: both runs take the scalar path");
	for (int on = 0; on <= 1; on++) {
		gl_simd(on);
		for (unsigned int log_n = 0; log_n <= 7; log_n++)
			for (unsigned int flags = 0; flags < 64; flags += 3) {
				int ok = goldilocks_check(log_n, 1 + flags % 3, flags, 1 + flags % 2,
							  1, 0);

				if (!ok)
					TH_LOG("avx512 %d log_n %u flags 0x%x", on, log_n, flags);
				ASSERT_TRUE(ok);
			}
		/* beyond the block size: sampled outputs and the round trip */
		ASSERT_TRUE(goldilocks_check(15, 2, ZKM_NTT_COSET, 2, 0, 0));
		ASSERT_TRUE(goldilocks_check(16, 1, ZKM_NTT_BITREV_IN, 1, 0, 0));
		ASSERT_TRUE(goldilocks_roundtrip(13, 3, 2));
	}
	unsetenv("ZKASIC_MATH_AVX512");
}

/* every size to 2^20: scalar and AVX-512 give the same bytes */
TEST(goldilocks_simd_same_as_scalar)
{
	for (unsigned int log_n = 0; log_n <= 20; log_n++) {
		for (unsigned int i = 0; i < sizeof(gl_flags) / sizeof(gl_flags[0]); i++) {
			size_t batch = log_n <= 12 ? 1 + i % 3 : 1;
			int edge = (log_n + i) % 2, ok;

			/* the largest sizes: a few flag combinations only */
			if (log_n > 16 && i % 4)
				continue;
			ok = gl_same(log_n, batch, gl_flags[i], 1 + i % 2, edge);
			if (!ok)
				TH_LOG("log_n %u flags 0x%x batch %zu edge %d", log_n, gl_flags[i],
				       batch, edge);
			ASSERT_TRUE(ok);
		}
	}
	unsetenv("ZKASIC_MATH_AVX512");
}

/* 2^21..2^24: seconds of CPU (the scalar path), minutes on a loaded machine */
FIXTURE(large) {
	int unused;
};
FIXTURE_SETUP(large) {}
FIXTURE_TEARDOWN(large) {}

TEST_F_TIMEOUT(large, goldilocks_simd_same_as_scalar, 600)
{
	for (unsigned int log_n = 21; log_n <= 24; log_n++) {
		unsigned int flags = gl_flags[log_n % 4 * 2];

		ASSERT_TRUE(gl_same(log_n, 1, flags, 2, log_n % 2));
	}
	unsetenv("ZKASIC_MATH_AVX512");
}

TEST(rejections)
{
	uint8_t buf[64 * 32], copy[64 * 32], s[32], g[8 * 4];
	volatile int stop = 1;
	struct zkm_exec ex = { .threads = 1, .abort = &stop };

	memset(buf, 0, sizeof(buf));
	for (int i = 0; i < 64; i++)
		buf[32 * i] = (uint8_t)i;
	ASSERT_EQ(ZKM_EINVAL, zkm_ntt(0, buf, 6, 1, 0, NULL, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_ntt(4, buf, 6, 1, 0, NULL, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_ntt(ZKM_BN254_FR, buf, 6, 0, 0, NULL, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_ntt(ZKM_BN254_FR, NULL, 6, 1, 0, NULL, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_ntt(ZKM_BN254_FR, buf, 6, 1, 1U << 6, NULL, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_ntt(ZKM_BN254_FR, buf, 29, 1, 0, NULL, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_ntt(ZKM_GOLDILOCKS, buf, 25, 1, 0, NULL, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_ntt(ZKM_BN254_FR, buf, 6, 1, ZKM_NTT_COSET_SHIFT, NULL, NULL));
	/* zero or non-canonical shift */
	memset(s, 0, sizeof(s));
	ASSERT_EQ(ZKM_ERANGE, zkm_ntt(ZKM_BN254_FR, buf, 6, 1, ZKM_NTT_COSET_SHIFT, s, NULL));
	memset(s, 0xff, sizeof(s));
	ASSERT_EQ(ZKM_ERANGE, zkm_ntt(ZKM_BN254_FR, buf, 6, 1, ZKM_NTT_COSET_SHIFT, s, NULL));
	/* a non-canonical element: rejected, nothing written */
	memset(buf + 32 * 17, 0xff, 32);
	memcpy(copy, buf, sizeof(buf));
	ASSERT_EQ(ZKM_ERANGE, zkm_ntt(ZKM_BN254_FR, buf, 6, 1, 0, NULL, NULL));
	ASSERT_EQ(0, memcmp(buf, copy, sizeof(buf)));
	memset(buf + 32 * 17, 0, 32);
	ASSERT_EQ(ZKM_EABORTED, zkm_ntt(ZKM_BN254_FR, buf, 6, 1, 0, NULL, &ex));
	/* Goldilocks p rejected */
	memset(g, 0, sizeof(g));
	zkm_store64(g + 8, GOLDILOCKS_P);
	ASSERT_EQ(ZKM_ERANGE, zkm_ntt(ZKM_GOLDILOCKS, g, 2, 1, 0, NULL, NULL));
	zkm_store64(g + 8, GOLDILOCKS_P - 1);
	ASSERT_EQ(ZKM_OK, zkm_ntt(ZKM_GOLDILOCKS, g, 2, 1, 0, NULL, NULL));
}

TEST_HARNESS_MAIN
