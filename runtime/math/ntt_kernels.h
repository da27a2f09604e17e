/* SPDX-License-Identifier: MIT */
/*
 * NTT kernel: the per-field instances of ntt_impl.h (BN254 Fr, BLS12-381
 * Fr, Goldilocks) and their dispatcher, compiled once per ISA
 * (ntt_generic.c, ntt_adx.c), which defines ZKM_ISA before including this.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <zkasic/zkmath.h>

#include "exec.h"
#include "kernels.h"
#include "fields.h"
#include "goldilocks.h"

#define NF bn254_fr
#define NTT_ADICITY BN254_FR_TWO_ADICITY
#define NTT_ROOT(r) memcpy((r)->v, bn254_fr_ROOT_MONT, 32)
#define NTT_GEN(g) memcpy((g)->v, bn254_fr_GEN_MONT, 32)
#include "ntt_impl.h"
#undef NF
#undef NTT_ADICITY
#undef NTT_ROOT
#undef NTT_GEN

#define NF bls12_381_fr
#define NTT_ADICITY BLS12_381_FR_TWO_ADICITY
#define NTT_ROOT(r) memcpy((r)->v, bls12_381_fr_ROOT_MONT, 32)
#define NTT_GEN(g) memcpy((g)->v, bls12_381_fr_GEN_MONT, 32)
#include "ntt_impl.h"
#undef NF
#undef NTT_ADICITY
#undef NTT_ROOT
#undef NTT_GEN

#define NF goldilocks
#define NTT_ADICITY GOLDILOCKS_TWO_ADICITY
#define NTT_ROOT(r) ((r)->v[0] = GOLDILOCKS_ROOT)
#define NTT_GEN(g) ((g)->v[0] = GOLDILOCKS_GENERATOR)
#if ZKM_HAVE_AVX512_KERNELS
/* goldilocks_t is one uint64_t: the AVX-512 stages take the raw words */
#define NTT_SIMD_OK() zkm_use_avx512()
#define NTT_SIMD_MIN_BLOCK 4
#define NTT_SIMD_DIF_STAGE(a, k, tw, b0, b1) \
	zkm_gl_dif_stage_avx512(&(a)->v[0], k, &(tw)->v[0], b0, b1)
#define NTT_SIMD_DIT_STAGE(a, k, tw, b0, b1) \
	zkm_gl_dit_stage_avx512(&(a)->v[0], k, &(tw)->v[0], b0, b1)
#define NTT_SIMD_DIF_BLOCK(x, kmax, tw) \
	zkm_gl_dif_block_avx512(&(x)->v[0], kmax, (const uint64_t *const *)(tw))
#define NTT_SIMD_DIT_BLOCK(x, kmax, tw) \
	zkm_gl_dit_block_avx512(&(x)->v[0], kmax, (const uint64_t *const *)(tw))
#endif
#include "ntt_impl.h"
#undef NF
#undef NTT_ADICITY
#undef NTT_ROOT
#undef NTT_GEN
#undef NTT_SIMD_OK
#undef NTT_SIMD_MIN_BLOCK
#undef NTT_SIMD_DIF_STAGE
#undef NTT_SIMD_DIT_STAGE
#undef NTT_SIMD_DIF_BLOCK
#undef NTT_SIMD_DIT_BLOCK

int ZKM_CAT(zkm_ntt_kernel_, ZKM_ISA)(int field, void *data, unsigned int log_n,
				     size_t batch, unsigned int flags, const void *shift,
				     const struct zkm_run *run)
{
	switch (field) {
	case ZKM_BN254_FR:
		return bn254_fr_ntt(data, log_n, batch, flags, shift, run);
	case ZKM_BLS12_381_FR:
		return bls12_381_fr_ntt(data, log_n, batch, flags, shift, run);
	case ZKM_GOLDILOCKS:
		return goldilocks_ntt(data, log_n, batch, flags, shift, run);
	}
	return ZKM_EINVAL;
}
