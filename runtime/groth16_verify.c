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

#include "elem.h"
#include "ids.h"
#include "internal.h"
#include "snarkjs_files.h"

#define FR_BYTES	ZK_FR_BYTES
#define MAX_PUBLIC	(1U << 24)

static const struct zkm_exec one_thread = { .threads = 1 };

/* The scalar field of a pairing's G1, 0 if not one the verifier knows. */
static int curve_fr(int curve)
{
	switch (curve) {
	case ZKM_BN254_G1:
		return ZKM_BN254_FR;
	case ZKM_BLS12_381_G1:
		return ZKM_BLS12_381_FR;
	}
	return 0;
}

int zk_groth16_vk_from_zkey(const struct zk_zkey *z, struct zk_groth16_vk *vk)
{
	size_t g1;
	int ret;

	if (!z || !vk)
		return zk_fail(-EINVAL, "Groth16 verify: no zkey or key");
	memset(vk, 0, sizeof(*vk));
	g1 = zkm_point_bytes(z->g1);
	vk->curve = z->g1;
	vk->n_public = z->n_public;
	vk->ic = malloc((z->n_public + 1) * g1);
	if (!vk->ic)
		return zk_fail(-ENOMEM, "Groth16 verify: IC points");
	/* The key stores its points in Montgomery form; the verifier takes standard. */
	ret = zkm_point_from_mont(z->g1, vk->alpha1, z->alpha1);
	ret = ret ? ret : zkm_point_from_mont(z->g2, vk->beta2, z->beta2);
	ret = ret ? ret : zkm_point_from_mont(z->g2, vk->gamma2, z->gamma2);
	ret = ret ? ret : zkm_point_from_mont(z->g2, vk->delta2, z->delta2);
	for (uint32_t i = 0; !ret && i <= z->n_public; i++)
		ret = zkm_point_from_mont(z->g1, vk->ic + i * g1, z->ic + i * g1);
	if (ret) {
		zk_groth16_vk_release(vk);
		return zk_fail_math(ret, "Groth16 verify: a key point");
	}
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
	size_t g1, g2, n = 0;
	uint8_t *scalars = NULL, *check = NULL;
	uint8_t p1[4 * ZK_MAX_G1_BYTES], p2[4 * ZK_MAX_POINT_BYTES], l[ZK_MAX_G1_BYTES];
	int fr, ret;

	if (!vk || !proof || (vk->n_public && !pub) || !vk->ic)
		return zk_fail(-EINVAL, "Groth16 verify: missing key, inputs or proof");
	fr = curve_fr(vk->curve);
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
	/* -A: a point off the curve is the proof's fault, as in the pairing check */
	if (zkm_point_neg(vk->curve, p1, proof->a, 0)) {
		ret = zk_fail(-EBADMSG, "Groth16 verify: a proof point is not on its "
			      "curve or not in the order-r subgroup");
		goto out;
	}
	memcpy(p2, proof->b, g2);
	memcpy(p1 + g1, vk->alpha1, g1);
	memcpy(p2 + g2, vk->beta2, g2);
	memcpy(p2 + 2 * g2, vk->gamma2, g2);
	memcpy(p1 + 3 * g1, proof->c, g1);
	memcpy(p2 + 3 * g2, vk->delta2, g2);
	ret = zkm_pairing_check(vk->curve, p1, p2, 4, 0);
	if (ret == ZKM_ERANGE) {
		/* whose point: the key's (bad input) or the proof's (invalid)? */
		uint8_t k1[3 * ZK_MAX_G1_BYTES];

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
