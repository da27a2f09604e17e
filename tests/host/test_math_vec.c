// SPDX-License-Identifier: MIT
/*
 * zkm_vec: every operation on every field in both forms, element by element
 * against the naive bignum reference; aliasing, rejections and threads.
 */
#include <zkasic/zkmath.h>

#include "fields.h"
#include "goldilocks.h"
#include "kselftest_harness.h"
#include "test_math_common.h"

static const uint64_t gl_P[1] = { GOLDILOCKS_P };

struct fdesc {
	int id, limbs;
	const uint64_t *p;
	const uint64_t *r1;	/* 2^(64 limbs) mod p: the device Montgomery factor */
};

static const uint64_t gl_R1[1] = { GOLDILOCKS_R };
static const struct fdesc fields[] = {
	{ ZKM_BN254_FR, 4, bn254_fr_P, bn254_fr_R1 },
	{ ZKM_BLS12_381_FR, 4, bls12_381_fr_P, bls12_381_fr_R1 },
	{ ZKM_GOLDILOCKS, 1, gl_P, gl_R1 },
};

/* value v (standard) -> bytes in the given form */
static void put(const struct fdesc *f, uint8_t *out, const uint64_t *v, int mont)
{
	uint64_t t[4];

	if (mont)
		tm_mulmod(t, v, f->r1, f->p, f->limbs);
	else
		memcpy(t, v, 8 * f->limbs);
	tm_limbs_to_le(out, t, f->limbs);
}

static int vec_ok(const struct fdesc *f, int op, size_t n, int mont, unsigned int threads,
		  int alias)
{
	const int nl = f->limbs, eb = 8 * nl;
	uint64_t (*a)[4] = malloc(n * 32), (*b)[4] = malloc(n * 32);
	uint8_t *ab = malloc(n * eb), *bb = malloc(n * eb), *ob = malloc(n * eb);
	uint8_t *out = alias == 1 ? ab : alias == 2 ? bb : ob;
	struct zkm_exec ex = { .threads = threads };
	int in_mont = op == ZKM_VEC_FROM_MONT ? 1 : op == ZKM_VEC_TO_MONT ? 0 : mont;
	int out_mont = op == ZKM_VEC_FROM_MONT ? 0 : op == ZKM_VEC_TO_MONT ? 1 : mont;
	int ok = 1;

	for (size_t i = 0; i < n; i++) {
		tm_rand_below(a[i], f->p, nl);
		tm_rand_below(b[i], f->p, nl);
		if (i == 1)
			memset(a[i], 0, 32);
		put(f, ab + i * eb, a[i], in_mont);
		put(f, bb + i * eb, b[i], in_mont);
	}
	if (zkm_vec(f->id, op, ab, bb, out, n, mont ? ZKM_VEC_MONT : 0, &ex))
		ok = 0;
	for (size_t i = 0; ok && i < n; i++) {
		uint64_t w[4], t[4];
		uint8_t wb[32];

		switch (op) {
		case ZKM_VEC_ADD:
			tm_addmod(w, a[i], b[i], f->p, nl);
			break;
		case ZKM_VEC_SUB:
			tm_sub(t, f->p, b[i], nl);
			tm_addmod(w, a[i], t, f->p, nl);
			if (mont_is_zero(b[i], nl))
				memcpy(w, a[i], 32);
			break;
		case ZKM_VEC_MUL:
			tm_mulmod(w, a[i], b[i], f->p, nl);
			break;
		case ZKM_VEC_SCALE:
			tm_mulmod(w, a[i], b[0], f->p, nl);
			break;
		default:
			memcpy(w, a[i], 32);
			break;
		}
		put(f, wb, w, out_mont);
		if (memcmp(wb, out + i * eb, eb))
			ok = 0;
	}
	free(a);
	free(b);
	free(ab);
	free(bb);
	free(ob);
	return ok;
}

TEST(all_ops_all_fields)
{
	for (int fi = 0; fi < 3; fi++)
		for (int op = ZKM_VEC_ADD; op <= ZKM_VEC_FROM_MONT; op++)
			for (int mont = 0; mont < 2; mont++)
				for (int alias = 0; alias < 3; alias++) {
					size_t n = alias == 0 ? 1000 : 77;
					int ok;

					if (alias == 2 && op >= ZKM_VEC_SCALE)
						continue;	/* b not per element */
					ok = vec_ok(&fields[fi], op, n, mont, 1 + alias, alias);
					if (!ok)
						TH_LOG("field %d op %d mont %d alias %d",
						       fields[fi].id, op, mont, alias);
					ASSERT_TRUE(ok);
				}
	ASSERT_TRUE(vec_ok(&fields[0], ZKM_VEC_MUL, 200000, 0, 0, 0));
	ASSERT_TRUE(vec_ok(&fields[2], ZKM_VEC_ADD, 300000, 1, 2, 1));
}

TEST(rejections)
{
	uint8_t a[32 * 4], b[32 * 4], out[32 * 4], copy[32 * 4];
	volatile int stop = 1;
	struct zkm_exec ex = { .abort = &stop };

	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	ASSERT_EQ(ZKM_EINVAL, zkm_vec(0, ZKM_VEC_ADD, a, b, out, 4, 0, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_vec(ZKM_BN254_FR, 6, a, b, out, 4, 0, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_vec(ZKM_BN254_FR, -1, a, b, out, 4, 0, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_vec(ZKM_BN254_FR, ZKM_VEC_ADD, a, b, out, 4, 2, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_vec(ZKM_BN254_FR, ZKM_VEC_ADD, a, NULL, out, 4, 0, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_vec(ZKM_BN254_FR, ZKM_VEC_SCALE, a, NULL, out, 4, 0, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_vec(ZKM_BN254_FR, ZKM_VEC_ADD, NULL, b, out, 4, 0, NULL));
	ASSERT_EQ(ZKM_EINVAL, zkm_vec(ZKM_BN254_FR, ZKM_VEC_ADD, a, b, NULL, 4, 0, NULL));
	ASSERT_EQ(ZKM_OK, zkm_vec(ZKM_BN254_FR, ZKM_VEC_TO_MONT, a, NULL, out, 4, 0, NULL));
	ASSERT_EQ(ZKM_OK, zkm_vec(ZKM_BN254_FR, ZKM_VEC_ADD, NULL, NULL, NULL, 0, 0, NULL));
	ASSERT_EQ(ZKM_EABORTED, zkm_vec(ZKM_BN254_FR, ZKM_VEC_ADD, a, b, out, 4, 0, &ex));
	/* a non-canonical input anywhere: ERANGE and out (aliasing a) untouched */
	memset(a + 32 * 3, 0xff, 32);
	memcpy(copy, a, sizeof(a));
	ASSERT_EQ(ZKM_ERANGE, zkm_vec(ZKM_BN254_FR, ZKM_VEC_ADD, a, b, a, 4, 0, NULL));
	ASSERT_EQ(0, memcmp(a, copy, sizeof(a)));
	memset(a + 32 * 3, 1, 32);
	memset(b + 32 * 2, 0xff, 32);
	ASSERT_EQ(ZKM_ERANGE, zkm_vec(ZKM_BN254_FR, ZKM_VEC_MUL, a, b, out, 4, 0, NULL));
	/* SCALE reads b[0] only */
	ASSERT_EQ(ZKM_OK, zkm_vec(ZKM_BN254_FR, ZKM_VEC_SCALE, a, b, out, 4, 0, NULL));
	memset(b, 0xff, 32);
	ASSERT_EQ(ZKM_ERANGE, zkm_vec(ZKM_BN254_FR, ZKM_VEC_SCALE, a, b, out, 4, 0, NULL));
	zkm_store64(a, GOLDILOCKS_P);
	ASSERT_EQ(ZKM_ERANGE, zkm_vec(ZKM_GOLDILOCKS, ZKM_VEC_FROM_MONT, a, NULL, out, 1, 0, NULL));
}

TEST_HARNESS_MAIN
