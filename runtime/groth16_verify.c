// SPDX-License-Identifier: MIT
/*
 * Groth16 verification on the host: the verification key from a .zkey (or
 * the caller), the public inputs, and one multi-pairing check in the math
 * core (zkm_pairing_check):
 *
 *   e(-A, B) * e(alpha, beta) * e(L, gamma) * e(C, delta) == 1,
 *   L = IC[0] + sum_i pub[i] * IC[i + 1].
 *
 * The pairing check validates every point (curve and subgroup), so a proof
 * with a point off its curve or outside its subgroup is reported invalid
 * (-EBADMSG), like snarkjs, which also rejects such proofs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zkasic/groth16.h>
#include <zkasic/zkmath.h>

#include "internal.h"
#include "snarkjs_files.h"

#define FR_BYTES	32
#define MAX_PUBLIC	(1U << 24)

static const struct zkm_exec one_thread = { .threads = 1 };

/* The base fields' moduli, little-endian: to negate A. */
static const uint8_t bn254_q[32] = {
	0x47, 0xfd, 0x7c, 0xd8, 0x16, 0x8c, 0x20, 0x3c, 0x8d, 0xca, 0x71, 0x68,
	0x91, 0x6a, 0x81, 0x97, 0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45, 0x50, 0xb8,
	0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30,
};
static const uint8_t bls12_381_q[48] = {
	0xab, 0xaa, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xb9, 0xff, 0xff, 0x53, 0xb1,
	0xfe, 0xff, 0xab, 0x1e, 0x24, 0xf6, 0xb0, 0xf6, 0xa0, 0xd2, 0x30, 0x67,
	0xbf, 0x12, 0x85, 0xf3, 0x84, 0x4b, 0x77, 0x64, 0xd7, 0xac, 0x4b, 0x43,
	0xb6, 0xa7, 0x1b, 0x4b, 0x9a, 0xe6, 0x7f, 0x39, 0xea, 0x11, 0x01, 0x1a,
};

static int field_curve(int curve, const uint8_t **q, size_t *n8)
{
	switch (curve) {
	case ZKM_BN254_G1:
		*q = bn254_q;
		*n8 = sizeof(bn254_q);
		return ZKM_BN254_FR;
	case ZKM_BLS12_381_G1:
		*q = bls12_381_q;
		*n8 = sizeof(bls12_381_q);
		return ZKM_BLS12_381_FR;
	}
	return 0;
}

/* y = q - y unless y == 0 (infinity's y, or a value the check rejects). */
static void fq_neg(uint8_t *y, const uint8_t *q, size_t n8)
{
	unsigned int borrow = 0, any = 0;
	size_t i;

	for (i = 0; i < n8; i++)
		any |= y[i];
	if (!any)
		return;
	for (i = 0; i < n8; i++) {
		unsigned int d = (unsigned int)q[i] - y[i] - borrow;

		y[i] = (uint8_t)d;
		borrow = (d >> 8) & 1;
	}
}

static void point_from_mont(const struct zk_zkey *z, uint8_t *out, const uint8_t *mont,
			    size_t bytes)
{
	memcpy(out, mont, bytes);
	for (size_t i = 0; i < bytes; i += z->n8q)
		zk_fq_from_mont(out + i, z->q, z->n8q);
}

int zk_groth16_vk_from_zkey(const struct zk_zkey *z, struct zk_groth16_vk *vk)
{
	size_t g1, g2;

	if (!z || !vk)
		return zk_fail(-EINVAL, "Groth16 verify: no zkey or key");
	memset(vk, 0, sizeof(*vk));
	g1 = zkm_point_bytes(z->g1);
	g2 = zkm_point_bytes(z->g2);
	vk->curve = z->g1;
	vk->n_public = z->n_public;
	vk->ic = malloc((z->n_public + 1) * g1);
	if (!vk->ic)
		return zk_fail(-ENOMEM, "Groth16 verify: IC points");
	point_from_mont(z, vk->alpha1, z->alpha1, g1);
	point_from_mont(z, vk->beta2, z->beta2, g2);
	point_from_mont(z, vk->gamma2, z->gamma2, g2);
	point_from_mont(z, vk->delta2, z->delta2, g2);
	for (uint32_t i = 0; i <= z->n_public; i++)
		point_from_mont(z, vk->ic + i * g1, z->ic + i * g1, g1);
	return 0;
}

void zk_groth16_vk_release(struct zk_groth16_vk *vk)
{
	if (!vk)
		return;
	free(vk->ic);
	vk->ic = NULL;
}

int zk_groth16_verify_vk(const struct zk_groth16_vk *vk, const void *pub,
			 const struct zk_groth16_proof *proof)
{
	size_t g1, g2, n8, n = 0;
	uint8_t *scalars = NULL, *check = NULL;
	uint8_t p1[4 * 96], p2[4 * 192], l[96];
	const uint8_t *q;
	int fr, ret;

	if (!vk || !proof || (vk->n_public && !pub) || !vk->ic)
		return zk_fail(-EINVAL, "Groth16 verify: missing key, inputs or proof");
	fr = field_curve(vk->curve, &q, &n8);
	if (!fr)
		return zk_fail(-EINVAL, "Groth16 verify: unknown curve %d", vk->curve);
	if (proof->curve != vk->curve)
		return zk_fail(-EINVAL, "Groth16 verify: the proof is on curve %d, the key on %d",
			       proof->curve, vk->curve);
	if (vk->n_public > MAX_PUBLIC)
		return zk_fail(-EINVAL, "Groth16 verify: %u public inputs", vk->n_public);
	g1 = zkm_point_bytes(vk->curve);
	g2 = zkm_point_bytes(vk->curve + 1);

	/* scalars: 1 for IC[0], then the public inputs, each checked < r */
	n = vk->n_public + 1;
	scalars = calloc(n, 2 * FR_BYTES);
	if (!scalars)
		return zk_fail(-ENOMEM, "Groth16 verify: scalars");
	check = scalars + n * FR_BYTES;
	scalars[0] = 1;
	if (vk->n_public) {
		memcpy(scalars + FR_BYTES, pub, vk->n_public * FR_BYTES);
		ret = zkm_vec(fr, ZKM_VEC_TO_MONT, scalars + FR_BYTES, NULL, check,
			      vk->n_public, 0, &one_thread);
		if (ret == ZKM_ERANGE) {
			ret = zk_fail(-EBADMSG, "Groth16 verify: a public input is not below r");
			goto out;
		}
		if (ret) {
			ret = zk_fail_math(ret, "Groth16 verify: public inputs");
			goto out;
		}
	}
	/* L = IC[0] + sum pub[i] IC[i + 1]; the MSM checks the IC points */
	ret = zkm_msm(vk->curve, vk->ic, scalars, n, 0, l, &one_thread);
	if (ret) {
		ret = zk_fail_math(ret, "Groth16 verify: the key's IC points");
		goto out;
	}

	memcpy(p1 + 2 * g1, l, g1);
	memcpy(p1, proof->a, g1);
	fq_neg(p1 + n8, q, n8);		/* -A: y -> q - y */
	memcpy(p2, proof->b, g2);
	memcpy(p1 + g1, vk->alpha1, g1);
	memcpy(p2 + g2, vk->beta2, g2);
	memcpy(p2 + 2 * g2, vk->gamma2, g2);
	memcpy(p1 + 3 * g1, proof->c, g1);
	memcpy(p2 + 3 * g2, vk->delta2, g2);
	ret = zkm_pairing_check(vk->curve, p1, p2, 4, 0);
	if (ret == ZKM_ERANGE) {
		/* whose point: the key's (bad input) or the proof's (invalid)? */
		uint8_t k1[3 * 96];

		/* the key's pairs: (alpha, beta), (L, gamma), (infinity, delta) */
		memcpy(k1, p1 + g1, 2 * g1);
		memset(k1 + 2 * g1, 0, g1);
		if (zkm_pairing_check(vk->curve, k1, p2 + g2, 3, 0) < 0)
			ret = zk_fail(-EINVAL, "Groth16 verify: a verification key point is "
				      "not on its curve or not in the order-r subgroup");
		else
			ret = zk_fail(-EBADMSG, "Groth16 verify: a proof point is not on its "
				      "curve or not in the order-r subgroup");
	} else if (ret < 0) {
		ret = zk_fail_math(ret, "Groth16 verify: pairing check");
	} else if (ret == 0) {
		ret = zk_fail(-EBADMSG, "Groth16 verify: the pairing equation does not hold: "
			      "invalid proof");
	} else {
		ret = 0;
	}
out:
	free(scalars);
	return ret;
}

int zk_groth16_verify(const struct zk_zkey *z, const struct zk_wtns *w,
		      const struct zk_groth16_proof *proof)
{
	struct zk_groth16_vk vk;
	int ret;

	if (!z || !w || !proof)
		return zk_fail(-EINVAL, "Groth16 verify: missing zkey, witness or proof");
	if (w->n8 != FR_BYTES || z->n8r != FR_BYTES || memcmp(w->q, z->r, FR_BYTES))
		return zk_fail(-EINVAL, "Groth16 verify: the witness is not over the zkey's field");
	if (w->n < (uint64_t)z->n_public + 1)
		return zk_fail(-EINVAL, "Groth16 verify: the witness has %u entries, the key %u public inputs",
			       w->n, z->n_public);
	ret = zk_groth16_vk_from_zkey(z, &vk);
	if (ret)
		return ret;
	ret = zk_groth16_verify_vk(&vk, w->values + FR_BYTES, proof);
	zk_groth16_vk_release(&vk);
	return ret;
}
