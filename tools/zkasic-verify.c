// SPDX-License-Identifier: MIT
/*
 * zkasic-verify: check a Groth16 proof the way `snarkjs groth16 verify`
 * does, natively (libzkasic's verifier, pairings in the math core):
 *
 *   zkasic-verify [--quiet] circuit.zkey|verification_key.json public.json proof.json
 *
 * The key is a snarkjs .zkey or the verification_key.json that
 * `snarkjs zkey export verificationkey` writes. Exit status 0 if the proof
 * is valid, 1 if it is not (with the reason), 2 on a usage error or a file
 * that cannot be read or parsed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include <zkasic/groth16.h>
#include <zkasic/zkasic.h>
#include <zkasic/zkmath.h>

static const char *prog = "zkasic-verify";

static void usage(void)
{
	fprintf(stderr, "usage: %s [--quiet] circuit.zkey|verification_key.json "
		"public.json proof.json\n", prog);
	exit(2);
}

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(2);
}

/* A decimal string into @n bytes little-endian; 0 if not a number or too big. */
static int dec_to_le(const char *s, uint8_t *out, size_t n)
{
	memset(out, 0, n);
	if (!*s)
		return 0;
	for (; *s; s++) {
		unsigned int c;

		if (*s < '0' || *s > '9')
			return 0;
		c = (unsigned int)(*s - '0');
		for (size_t i = 0; i < n; i++) {
			c += out[i] * 10U;
			out[i] = (uint8_t)c;
			c >>= 8;
		}
		if (c)
			return 0;
	}
	return 1;
}

static const char *str_at(json_t *a, size_t i)
{
	json_t *v = json_array_get(a, i);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* element @v (a decimal string) into n8 bytes */
static int get_fe(json_t *v, uint8_t *out, size_t n8)
{
	return json_is_string(v) && dec_to_le(json_string_value(v), out, n8);
}

/* snarkjs's projective G1 [x, y, z], z 1, or 0 for infinity */
static int get_g1(json_t *a, uint8_t *out, size_t n8)
{
	const char *z = str_at(a, 2);

	if (!json_is_array(a) || json_array_size(a) != 3 || !z)
		return 0;
	if (!strcmp(z, "0")) {
		memset(out, 0, 2 * n8);
		return 1;
	}
	return !strcmp(z, "1") && get_fe(json_array_get(a, 0), out, n8) &&
	       get_fe(json_array_get(a, 1), out + n8, n8);
}

/* [[x0, x1], [y0, y1], [z0, z1]] */
static int get_g2(json_t *a, uint8_t *out, size_t n8)
{
	json_t *z = json_array_get(a, 2);

	if (!json_is_array(a) || json_array_size(a) != 3 || !json_is_array(z) ||
	    json_array_size(z) != 2 || !str_at(z, 0) || !str_at(z, 1))
		return 0;
	if (!strcmp(str_at(z, 0), "0") && !strcmp(str_at(z, 1), "0")) {
		memset(out, 0, 4 * n8);
		return 1;
	}
	if (strcmp(str_at(z, 0), "1") || strcmp(str_at(z, 1), "0"))
		return 0;
	for (int i = 0; i < 2; i++) {
		json_t *c = json_array_get(a, i);

		if (!json_is_array(c) || json_array_size(c) != 2 ||
		    !get_fe(json_array_get(c, 0), out + 2 * i * n8, n8) ||
		    !get_fe(json_array_get(c, 1), out + (2 * i + 1) * n8, n8))
			return 0;
	}
	return 1;
}

static json_t *load_json(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	if (!j) {
		char msg[256];

		snprintf(msg, sizeof(msg), "line %d: %s", err.line, err.text);
		die("%s: %s", path, msg);
	}
	return j;
}

static int curve_of(const char *name)
{
	if (name && !strcmp(name, "bn128"))
		return ZKM_BN254_G1;
	if (name && !strcmp(name, "bls12381"))
		return ZKM_BLS12_381_G1;
	return 0;
}

/* verification_key.json into @vk (standard-form points) */
static void load_vk_json(const char *path, struct zk_groth16_vk *vk)
{
	json_t *j = load_json(path), *ic;
	size_t n8, g1;

	memset(vk, 0, sizeof(*vk));
	vk->curve = curve_of(json_string_value(json_object_get(j, "curve")));
	if (!vk->curve)
		die("%s: %s", path, "unknown or missing \"curve\"");
	if (strcmp(json_string_value(json_object_get(j, "protocol")) ?: "", "groth16"))
		die("%s: %s", path, "not a Groth16 key (\"protocol\")");
	n8 = zkm_point_bytes(vk->curve) / 2;
	g1 = 2 * n8;
	ic = json_object_get(j, "IC");
	if (!json_is_integer(json_object_get(j, "nPublic")) || !json_is_array(ic) ||
	    json_array_size(ic) != (size_t)json_integer_value(json_object_get(j, "nPublic")) + 1 ||
	    json_array_size(ic) > (1U << 24))
		die("%s: %s", path, "\"nPublic\" and \"IC\" disagree or are missing");
	vk->n_public = (uint32_t)json_array_size(ic) - 1;
	vk->ic = malloc(json_array_size(ic) * g1);
	if (!vk->ic)
		die("%s: %s", path, "out of memory");
	for (size_t i = 0; i < json_array_size(ic); i++)
		if (!get_g1(json_array_get(ic, i), vk->ic + i * g1, n8))
			die("%s: %s", path, "a malformed IC point");
	if (!get_g1(json_object_get(j, "vk_alpha_1"), vk->alpha1, n8) ||
	    !get_g2(json_object_get(j, "vk_beta_2"), vk->beta2, n8) ||
	    !get_g2(json_object_get(j, "vk_gamma_2"), vk->gamma2, n8) ||
	    !get_g2(json_object_get(j, "vk_delta_2"), vk->delta2, n8))
		die("%s: %s", path, "a malformed key point (vk_alpha_1, vk_beta_2, vk_gamma_2 or vk_delta_2)");
	json_decref(j);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct zk_groth16_vk vk;
	struct zk_groth16_proof proof;
	struct timespec t0, t1;
	json_t *pub, *pj;
	uint8_t *scalars;
	int quiet = 0, opt, ret;
	size_t n8;

	while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();

	if (ends_with(argv[optind], ".json")) {
		load_vk_json(argv[optind], &vk);
	} else {
		struct zk_zkey *zkey;

		if (zk_zkey_open(&zkey, argv[optind]))
			die("%s%s", zk_last_error(), "");
		ret = zk_groth16_vk_from_zkey(zkey, &vk);
		zk_zkey_close(zkey);
		if (ret)
			die("%s%s", zk_last_error(), "");
	}
	n8 = zkm_point_bytes(vk.curve) / 2;

	pub = load_json(argv[optind + 1]);
	if (!json_is_array(pub))
		die("%s: %s", argv[optind + 1], "expected an array of public signals");
	if (json_array_size(pub) != vk.n_public) {
		fprintf(stderr, "%s: invalid: %zu public signals, the key has %u\n", prog,
			json_array_size(pub), vk.n_public);
		return 1;
	}
	scalars = calloc(vk.n_public + 1, 32);
	if (!scalars)
		die("%s%s", "out of memory", "");
	for (size_t i = 0; i < vk.n_public; i++)
		if (!get_fe(json_array_get(pub, i), scalars + 32 * i, 32))
			die("%s: %s", argv[optind + 1], "a public signal is not a decimal below 2^256");
	json_decref(pub);

	pj = load_json(argv[optind + 2]);
	memset(&proof, 0, sizeof(proof));
	proof.curve = curve_of(json_string_value(json_object_get(pj, "curve")));
	if (proof.curve && proof.curve != vk.curve)
		die("%s: %s", argv[optind + 2], "the proof is on another curve than the key");
	proof.curve = vk.curve;
	if (!get_g1(json_object_get(pj, "pi_a"), proof.a, n8) ||
	    !get_g2(json_object_get(pj, "pi_b"), proof.b, n8) ||
	    !get_g1(json_object_get(pj, "pi_c"), proof.c, n8))
		die("%s: %s", argv[optind + 2], "malformed pi_a, pi_b or pi_c");
	json_decref(pj);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = zk_groth16_verify_vk(&vk, scalars, &proof);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(scalars);
	zk_groth16_vk_release(&vk);
	if (ret == -EBADMSG) {
		fprintf(stderr, "%s: INVALID proof: %s\n", prog, zk_last_error());
		return 1;
	}
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, zk_last_error());
		return 2;
	}
	if (!quiet)
		printf("OK: valid proof (%.2f ms)\n",
		       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;
}
