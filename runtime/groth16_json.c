// SPDX-License-Identifier: MIT
/*
 * snarkjs's JSON for a Groth16 proof and its public signals: every number a
 * decimal string, points projective with z = 1 (snarkjs's toObject of an
 * affine point), the point at infinity as (0, 1, 0).
 */
#include <errno.h>
#include <string.h>

#include <zkasic/groth16.h>
#include <zkasic/zkmath.h>

#include "internal.h"
#include "snarkjs_files.h"

/* @n8 little-endian bytes as a decimal string; @out holds 120 chars. */
static void to_decimal(const uint8_t *le, size_t n8, char *out)
{
	uint64_t limbs[ZK_MAX_N8 / 8];
	char digits[130];
	size_t n = n8 / 8, pos = sizeof(digits) - 1;
	int nonzero = 1, i, d;

	memcpy(limbs, le, n8);
	digits[pos] = 0;
	while (nonzero) {
		unsigned __int128 rem = 0;
		uint64_t chunk;

		/* Divide by 10^19, the largest power of ten in a limb. */
		nonzero = 0;
		for (i = (int)n - 1; i >= 0; i--) {
			unsigned __int128 cur = rem << 64 | limbs[i];

			limbs[i] = (uint64_t)(cur / 10000000000000000000ULL);
			rem = cur % 10000000000000000000ULL;
			nonzero |= limbs[i] != 0;
		}
		chunk = (uint64_t)rem;
		for (d = 0; d < 19 && (nonzero || chunk || d == 0); d++) {
			digits[--pos] = (char)('0' + chunk % 10);
			chunk /= 10;
		}
	}
	strcpy(out, digits + pos);
}

static int is_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

static const char *curve_name(int g1)
{
	return g1 == ZKM_BN254_G1 ? "bn128" : "bls12381";
}

static void put_g1(FILE *f, const uint8_t *p, size_t n8)
{
	char x[130], y[130];

	if (is_zero(p, 2 * n8)) {
		fprintf(f, "[\n  \"0\",\n  \"1\",\n  \"0\"\n ]");
		return;
	}
	to_decimal(p, n8, x);
	to_decimal(p + n8, n8, y);
	fprintf(f, "[\n  \"%s\",\n  \"%s\",\n  \"1\"\n ]", x, y);
}

static void put_g2(FILE *f, const uint8_t *p, size_t n8)
{
	char c[4][130];
	int i;

	if (is_zero(p, 4 * n8)) {
		fprintf(f, "[\n  [\n   \"0\",\n   \"0\"\n  ],\n  [\n   \"1\",\n   \"0\"\n  ],\n"
			   "  [\n   \"0\",\n   \"0\"\n  ]\n ]");
		return;
	}
	for (i = 0; i < 4; i++)
		to_decimal(p + i * n8, n8, c[i]);
	fprintf(f, "[\n  [\n   \"%s\",\n   \"%s\"\n  ],\n  [\n   \"%s\",\n   \"%s\"\n  ],\n"
		   "  [\n   \"1\",\n   \"0\"\n  ]\n ]", c[0], c[1], c[2], c[3]);
}

int zk_groth16_write_proof_json(FILE *f, const struct zk_groth16_proof *proof)
{
	size_t n8;

	if (proof->curve != ZKM_BN254_G1 && proof->curve != ZKM_BLS12_381_G1)
		return zk_fail(-EINVAL, "Groth16: proof has no curve");
	n8 = zkm_point_bytes(proof->curve) / 2;
	fprintf(f, "{\n \"pi_a\": ");
	put_g1(f, proof->a, n8);
	fprintf(f, ",\n \"pi_b\": ");
	put_g2(f, proof->b, n8);
	fprintf(f, ",\n \"pi_c\": ");
	put_g1(f, proof->c, n8);
	fprintf(f, ",\n \"protocol\": \"groth16\",\n \"curve\": \"%s\"\n}\n",
		curve_name(proof->curve));
	if (ferror(f))
		return zk_fail(-EIO, "writing the proof: %s", strerror(errno));
	return 0;
}

int zk_groth16_write_public_json(FILE *f, const struct zk_zkey *z, const struct zk_wtns *w)
{
	char dec[130];
	uint32_t i;

	if (w->n != z->n_vars || w->n8 != z->n8r)
		return zk_fail(-EINVAL, "Groth16: the witness does not belong to the key");
	fprintf(f, "[");
	for (i = 1; i <= z->n_public; i++) {
		to_decimal(w->values + (size_t)i * w->n8, w->n8, dec);
		fprintf(f, "%s\n \"%s\"", i > 1 ? "," : "", dec);
	}
	fprintf(f, "%s]\n", z->n_public ? "\n" : "");
	if (ferror(f))
		return zk_fail(-EIO, "writing the public signals: %s", strerror(errno));
	return 0;
}
