/* SPDX-License-Identifier: MIT */
/*
 * Curve and field ids, flag bits and element sizes as the runtime uses them,
 * in one place. The runtime passes zkmath's ids and flags (zkmath.h) straight
 * into device commands (uapi/drm/zkasic_accel.h) and back: that is only right
 * while the two sets of numbers agree, so the asserts below make a change on
 * either side a build error instead of a wrong result on the device.
 */
#ifndef ZKASIC_RUNTIME_IDS_H
#define ZKASIC_RUNTIME_IDS_H

#include <zkasic/zkmath.h>
#include <drm/zkasic_accel.h>

/* Curves: zk_msm()'s curve is the MSM command's kind. */
_Static_assert(ZKM_BN254_G1 == DRM_ZKASIC_CURVE_BN254_G1, "curve id");
_Static_assert(ZKM_BN254_G2 == DRM_ZKASIC_CURVE_BN254_G2, "curve id");
_Static_assert(ZKM_BLS12_381_G1 == DRM_ZKASIC_CURVE_BLS12_381_G1, "curve id");
_Static_assert(ZKM_BLS12_381_G2 == DRM_ZKASIC_CURVE_BLS12_381_G2, "curve id");

/* Fields: zk_ntt()'s and zk_vec()'s field is the command's kind. */
_Static_assert(ZKM_BN254_FR == DRM_ZKASIC_FIELD_BN254_FR, "field id");
_Static_assert(ZKM_BLS12_381_FR == DRM_ZKASIC_FIELD_BLS12_381_FR, "field id");
_Static_assert(ZKM_GOLDILOCKS == DRM_ZKASIC_FIELD_GOLDILOCKS, "field id");

/* Flag bits go into the command's flags unchanged. */
_Static_assert(ZKM_MSM_SCALARS_MONT == DRM_ZKASIC_MSM_F_SCALARS_MONT, "MSM flag");
_Static_assert(ZKM_MSM_POINTS_MONT == DRM_ZKASIC_MSM_F_POINTS_MONT, "MSM flag");
_Static_assert(ZKM_PAIRING_MONT == ZKM_MSM_POINTS_MONT, "pairing flag");
_Static_assert(ZKM_NTT_INVERSE == DRM_ZKASIC_NTT_F_INVERSE, "NTT flag");
_Static_assert(ZKM_NTT_COSET == DRM_ZKASIC_NTT_F_COSET, "NTT flag");
_Static_assert(ZKM_NTT_COSET_SHIFT == DRM_ZKASIC_NTT_F_COSET_SHIFT, "NTT flag");
_Static_assert(ZKM_NTT_BITREV_IN == DRM_ZKASIC_NTT_F_BITREV_IN, "NTT flag");
_Static_assert(ZKM_NTT_BITREV_OUT == DRM_ZKASIC_NTT_F_BITREV_OUT, "NTT flag");
_Static_assert(ZKM_NTT_MONT == DRM_ZKASIC_NTT_F_MONT, "NTT flag");
_Static_assert(ZKM_VEC_MONT == DRM_ZKASIC_VEC_F_MONT, "VEC flag");

/* Vector ops: zk_vec()'s op is the VEC command's op. */
_Static_assert(ZKM_VEC_ADD == DRM_ZKASIC_VEC_ADD, "VEC op");
_Static_assert(ZKM_VEC_SUB == DRM_ZKASIC_VEC_SUB, "VEC op");
_Static_assert(ZKM_VEC_MUL == DRM_ZKASIC_VEC_MUL, "VEC op");
_Static_assert(ZKM_VEC_SCALE == DRM_ZKASIC_VEC_SCALE, "VEC op");
_Static_assert(ZKM_VEC_TO_MONT == DRM_ZKASIC_VEC_TO_MONT, "VEC op");
_Static_assert(ZKM_VEC_FROM_MONT == DRM_ZKASIC_VEC_FROM_MONT, "VEC op");

/*
 * Sizes in bytes, for buffers on the stack. The math core reports the exact
 * size of each id (zkm_field_bytes, zkm_point_bytes); these are the bounds.
 */
#define ZK_FR_BYTES		32	/* a scalar-field element: BN254 and BLS12-381 Fr */
#define ZK_SCALAR_BYTES		32	/* an MSM scalar (zkm_scalar_bytes) */
#define ZK_MAX_FQ_BYTES		48	/* the largest base field, BLS12-381's Fp */
#define ZK_MAX_G1_BYTES		(2 * ZK_MAX_FQ_BYTES)	/* a G1 point: two coordinates */
#define ZK_MAX_POINT_BYTES	(4 * ZK_MAX_FQ_BYTES)	/* a G2 point: two Fq2 coordinates */
_Static_assert(ZK_MAX_POINT_BYTES == 192, "BLS12-381 G2 affine point");

#endif
