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
#include <stdint.h>

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

/*
 * The MSM's batch-affine flush for all four groups with AVX-512 IFMA
 * (msm_flush_ifma.c, compiled for AVX-512 IFMA), called from the
 * ADX kernels when zkm_use_ifma(): the CPU has AVX512F and AVX512_IFMA, the
 * OS saves the ZMM state, and ZKASIC_MATH_IFMA is not 0 (a testing aid).
 */
#define ZKM_HAVE_IFMA_KERNELS ZKM_HAVE_ADX_KERNELS

int zkm_use_ifma(void);
/*
 * The flushes below: bucket aff[bidx[j]] += bp[j] for j < cnt (affine
 * points of the group, buckets distinct); cancel[j] = 1 where the bucket
 * empties (P = -A), which the caller records. @inv8 inverts eight base- or
 * extension-field elements in place.
 */
/* bytes of scratch for batches of up to @bmax additions */
size_t zkm_flush_ifma_scratch(size_t bmax);
#define ZKM_DECLARE_IFMA_FLUSH(group)						\
void zkm_##group##_flush_ifma(void *aff, const uint32_t *bidx, const void *bp,	\
			      uint8_t *cancel, size_t cnt, void (*inv8)(void *elems), \
			      void *scratch);

ZKM_DECLARE_IFMA_FLUSH(bn254_g1)
ZKM_DECLARE_IFMA_FLUSH(bn254_g2)
ZKM_DECLARE_IFMA_FLUSH(bls12_381_g1)
ZKM_DECLARE_IFMA_FLUSH(bls12_381_g2)

/*
 * Goldilocks NTT stages eight butterflies at a time with AVX-512F
 * (ntt_gl_avx512.c, compiled for AVX-512F), called from both NTT kernel
 * builds when zkm_use_avx512(): the CPU has AVX512F, the OS saves the ZMM
 * state, and neither ZKASIC_MATH_AVX512=0 nor ZKASIC_MATH_GENERIC is set (a
 * testing aid). The stage functions work on butterflies [b0, b1) of one
 * DIF/DIT stage of size 2^k (tw: w_{2^k}^j, j < 2^(k-1)); the block ones do
 * every stage of a block of 2^kmax elements (kmax >= 4, tw[k] as before).
 */
#define ZKM_HAVE_AVX512_KERNELS ZKM_HAVE_ADX_KERNELS

int zkm_use_avx512(void);
void zkm_gl_dif_stage_avx512(uint64_t *a, unsigned int k, const uint64_t *tw, size_t b0,
			     size_t b1);
void zkm_gl_dit_stage_avx512(uint64_t *a, unsigned int k, const uint64_t *tw, size_t b0,
			     size_t b1);
void zkm_gl_dif_block_avx512(uint64_t *x, unsigned int kmax, const uint64_t *const *tw);
void zkm_gl_dit_block_avx512(uint64_t *x, unsigned int kmax, const uint64_t *const *tw);

#endif /* ZKM_KERNELS_H */
