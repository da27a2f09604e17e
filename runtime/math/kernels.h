/* SPDX-License-Identifier: MIT */
/*
 * The compute kernels behind zkm_msm, zkm_ntt and zkm_vec, built twice: a
 * portable C version (*_generic.c) and, on x86-64, one whose 4- and 6-limb
 * multiplications use MULX/ADX (*_adx.c, same source with ZKM_USE_ADX).
 * The public entry points check arguments and pick one with zkm_use_adx().
 */
#ifndef ZKM_KERNELS_H
#define ZKM_KERNELS_H

#include <stddef.h>

#include <zkasic/zkmath.h>

#include "exec.h"

/* The CPU has BMI2 and ADX, the ADX kernels are built, and
 * ZKASIC_MATH_GENERIC is not set in the environment (a testing aid). */
int zkm_use_adx(void);

#define ZKM_DECLARE_KERNELS(isa)						\
int zkm_msm_kernel_##isa(int curve, const struct zkm_msm_part *parts,	\
			 unsigned int nparts, size_t n, unsigned int flags,	\
			 void *result, const struct zkm_run *run);		\
int zkm_ntt_kernel_##isa(int field, void *data, unsigned int log_n,		\
			 size_t batch, unsigned int flags, const void *shift,	\
			 const struct zkm_run *run);				\
int zkm_vec_kernel_##isa(int field, int op, const void *a, const void *b,	\
			 void *out, size_t n, unsigned int flags,		\
			 const struct zkm_run *run);

ZKM_DECLARE_KERNELS(generic)
ZKM_DECLARE_KERNELS(adx)

#if defined(__x86_64__) && !defined(ZKM_NO_ASM)
#define ZKM_HAVE_ADX_KERNELS 1
#else
#define ZKM_HAVE_ADX_KERNELS 0
#endif

#endif /* ZKM_KERNELS_H */
