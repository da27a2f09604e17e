/* SPDX-License-Identifier: MIT */
/*
 * Vector kernel (compiled once per ISA: vec_generic.c, vec_adx.c, which
 * define ZKM_ISA): elementwise field operations. Each element is loaded into the
 * field's internal form, operated on and stored back in the caller's form,
 * so every combination of form and field is handled by one code path.
 * Inputs are all checked before anything is written, because out may alias
 * a or b and a late error must not leave a half-written result.
 */
#include <stdlib.h>
#include <string.h>

#include <zkasic/zkmath.h>

#include "exec.h"
#include "kernels.h"
#include "fields.h"
#include "goldilocks.h"


struct zkm_vec_ctx {
	int op;
	const uint8_t *a, *b;
	uint8_t *out;
	size_t n, esz;
	int in_mont, out_mont;	/* forms of the inputs and of the output */
	int bad, aborted;
	const struct zkm_run *run;
};

#define ZKM_DEFINE_VEC(F)							\
static void F##_vec_check(void *arg, unsigned int t, unsigned int nt)		\
{										\
	struct zkm_vec_ctx *m = arg;						\
	size_t per = (m->n + nt - 1) / nt, lo = t * per;			\
	size_t hi = lo + per < m->n ? lo + per : m->n;				\
	int two = m->op <= ZKM_VEC_MUL;						\
	F##_t x;								\
	for (size_t i = lo; i < hi; i++) {					\
		if (!F##_load(&x, m->a + i * m->esz, 1) ||			\
		    (two && !F##_load(&x, m->b + i * m->esz, 1))) {		\
			__atomic_store_n(&m->bad, 1, __ATOMIC_RELAXED);		\
			return;							\
		}								\
	}									\
}										\
static void F##_vec_worker(void *arg, unsigned int t, unsigned int nt)		\
{										\
	struct zkm_vec_ctx *m = arg;						\
	size_t per = (m->n + nt - 1) / nt, lo = t * per;			\
	size_t hi = lo + per < m->n ? lo + per : m->n;				\
	F##_t x, y, k = { { 0 } };						\
	if (m->op == ZKM_VEC_SCALE)						\
		F##_load(&k, m->b, m->in_mont);					\
	for (size_t i = lo; i < hi; i++) {					\
		if ((i & 65535) == 0 && i != lo) {				\
			if (zkm_aborted(m->run)) {				\
				__atomic_store_n(&m->aborted, 1, __ATOMIC_RELAXED); \
				return;						\
			}							\
			zkm_progress(m->run, 65536);				\
		}								\
		F##_load(&x, m->a + i * m->esz, m->in_mont);			\
		switch (m->op) {						\
		case ZKM_VEC_ADD:						\
			F##_load(&y, m->b + i * m->esz, m->in_mont);		\
			F##_add(&x, &x, &y);					\
			break;							\
		case ZKM_VEC_SUB:						\
			F##_load(&y, m->b + i * m->esz, m->in_mont);		\
			F##_sub(&x, &x, &y);					\
			break;							\
		case ZKM_VEC_MUL:						\
			F##_load(&y, m->b + i * m->esz, m->in_mont);		\
			F##_mul(&x, &x, &y);					\
			break;							\
		case ZKM_VEC_SCALE:						\
			F##_mul(&x, &x, &k);					\
			break;							\
		}								\
		F##_store(m->out + i * m->esz, &x, m->out_mont);		\
	}									\
}

ZKM_DEFINE_VEC(bn254_fr)
ZKM_DEFINE_VEC(bls12_381_fr)
ZKM_DEFINE_VEC(goldilocks)

int ZKM_CAT(zkm_vec_kernel_, ZKM_ISA)(int field, int op, const void *a, const void *b,
				     void *out, size_t n, unsigned int flags,
				     const struct zkm_run *run)
{
	void (*check)(void *, unsigned int, unsigned int);
	void (*work)(void *, unsigned int, unsigned int);
	struct zkm_vec_ctx m;
	unsigned int nt;

	memset(&m, 0, sizeof(m));
	m.esz = zkm_field_bytes(field);
	switch (field) {
	case ZKM_BN254_FR:
		check = bn254_fr_vec_check;
		work = bn254_fr_vec_worker;
		break;
	case ZKM_BLS12_381_FR:
		check = bls12_381_fr_vec_check;
		work = bls12_381_fr_vec_worker;
		break;
	default:
		check = goldilocks_vec_check;
		work = goldilocks_vec_worker;
		break;
	}
	m.op = op;
	m.a = a;
	m.b = b;
	m.out = out;
	m.n = n;
	m.run = run;
	m.in_mont = m.out_mont = !!(flags & ZKM_VEC_MONT);
	if (op == ZKM_VEC_TO_MONT) {
		m.in_mont = 0;
		m.out_mont = 1;
	} else if (op == ZKM_VEC_FROM_MONT) {
		m.in_mont = 1;
		m.out_mont = 0;
	}

	nt = zkm_threads_for(run, n, 65536);
	zkm_parallel(nt, check, &m);
	if (m.bad)
		return ZKM_ERANGE;
	if (op == ZKM_VEC_SCALE) {
		/* b[0], checked here: the check pass only covers b for two-input ops */
		int ok;

		switch (field) {
		case ZKM_BN254_FR: {
			bn254_fr_t k;

			ok = bn254_fr_load(&k, b, 1);
			break;
		}
		case ZKM_BLS12_381_FR: {
			bls12_381_fr_t k;

			ok = bls12_381_fr_load(&k, b, 1);
			break;
		}
		default: {
			goldilocks_t k;

			ok = goldilocks_load(&k, b, 1);
			break;
		}
		}
		if (!ok)
			return ZKM_ERANGE;
	}
	zkm_parallel(nt, work, &m);
	if (m.aborted)
		return ZKM_EABORTED;
	return ZKM_OK;
}
