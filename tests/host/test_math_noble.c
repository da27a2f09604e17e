// SPDX-License-Identifier: MIT
/*
 * Cross-check of the math core against @noble/curves (an independent
 * JavaScript implementation): random MSMs on all four groups, NTTs and
 * vector ops on all three fields, in both forms, are computed here and
 * written with their inputs in the device byte format; the node script
 * tests/host/math-noble-check.mjs recomputes each with noble and BigInt.
 *
 * noble is installed (pinned) into $ZKASIC_CACHE/npm, outside the tree, on
 * first use. Without node or npm access the test reports a KTAP skip.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zkasic/zkasic.h>
#include <zkasic/zkmath.h>

#include "curves.h"
#include "fields.h"
#include "goldilocks.h"
#include "test_math_common.h"
#include "test_math_gens.h"

#define NOBLE_VERSION "2.4.0"
#define KSFT_SKIP 4

static FILE *cases;
static int ncases;
static int setup_failures;

static void put_hex(const uint8_t *b, size_t len)
{
	if (!len) {
		fputc('-', cases);
		return;
	}
	for (size_t i = 0; i < len; i++)
		fprintf(cases, "%02x", b[i]);
}

static const uint64_t gl_P[1] = { GOLDILOCKS_P };

/* One MSM case per group, forms and size; bases are k_i G with some repeats, negations, infinity */
#define NOBLE_MSM(EC, FR, ID)							\
static void EC##_noble_msm(size_t n, unsigned int flags, unsigned int threads)	\
{										\
	enum { PB = EC##_point_bytes };						\
	const int pm = !!(flags & ZKM_MSM_POINTS_MONT);				\
	const int sm = !!(flags & ZKM_MSM_SCALARS_MONT);			\
	uint8_t *bases = calloc(n + 1, PB), *sc = calloc(n + 1, 32), res[PB];	\
	struct zkm_exec ex = { .threads = threads };				\
	EC##_aff_t g, p;							\
	EC##_jac_t G, P;							\
	memset(&g, 0, sizeof(g));						\
	load_gen(ID, &g);							\
	EC##_jac_from_aff(&G, &g);						\
	for (size_t i = 0; i < n; i++) {					\
		uint64_t k[4], s[4], one[4] = { 1 };				\
		FR##_t fs;							\
		int kind = (int)(tm_rand64() % 10);				\
		tm_rand_below(k, FR##_P, 4);					\
		EC##_jac_mul(&P, &G, k, 4);					\
		EC##_jac_to_aff(&p, &P);					\
		if (i > 0 && kind == 0)						\
			memcpy(bases + i * PB, bases + (i - 1) * PB, PB);	\
		else if (i > 0 && kind == 1) {					\
			EC##_aff_t q;						\
			EC##_aff_load(&q, bases + (i - 1) * PB, pm);		\
			EC##_aff_neg(&q, &q);					\
			EC##_aff_store(bases + i * PB, &q, pm);			\
		} else if (kind == 2)						\
			memset(bases + i * PB, 0, PB);				\
		else								\
			EC##_aff_store(bases + i * PB, &p, pm);			\
		kind = (int)(tm_rand64() % 12);					\
		if (kind == 0)							\
			memset(s, 0, 32);					\
		else if (kind == 1)						\
			tm_sub(s, FR##_P, one, 4);				\
		else if (kind == 2)						\
			memcpy(s, one, 32);					\
		else								\
			tm_rand_below(s, FR##_P, 4);				\
		tm_limbs_to_le(sc + 32 * i, s, 4);				\
		FR##_load(&fs, sc + 32 * i, 0);					\
		FR##_store(sc + 32 * i, &fs, sm);				\
	}									\
	if (zkm_msm(ID, bases, sc, n, flags, res, &ex)) {			\
		setup_failures++;						\
		goto out;							\
	}									\
	fprintf(cases, "msm %d %u %zu ", ID, flags, n);				\
	put_hex(bases, n * PB);							\
	fputc(' ', cases);							\
	put_hex(sc, n * 32);							\
	fputc(' ', cases);							\
	put_hex(res, PB);							\
	fputc('\n', cases);							\
	ncases++;								\
out:										\
	free(bases);								\
	free(sc);								\
}

NOBLE_MSM(bn254_g1, bn254_fr, ZKM_BN254_G1)
NOBLE_MSM(bn254_g2, bn254_fr, ZKM_BN254_G2)
NOBLE_MSM(bls12_381_g1, bls12_381_fr, ZKM_BLS12_381_G1)
NOBLE_MSM(bls12_381_g2, bls12_381_fr, ZKM_BLS12_381_G2)

static void rand_elems(uint8_t *out, size_t n, int field)
{
	size_t eb = zkm_field_bytes(field);
	const uint64_t *p = field == ZKM_BN254_FR ? bn254_fr_P :
			    field == ZKM_BLS12_381_FR ? bls12_381_fr_P : gl_P;
	int limbs = (int)eb / 8;

	for (size_t i = 0; i < n; i++) {
		uint64_t v[4];

		tm_rand_below(v, p, limbs);
		tm_limbs_to_le(out + i * eb, v, limbs);
	}
}

static void noble_ntt(int field, unsigned int log_n, size_t batch, unsigned int flags)
{
	size_t eb = zkm_field_bytes(field), n = (size_t)1 << log_n;
	uint8_t *in = malloc(batch * n * eb), *out = malloc(batch * n * eb), shift[32];
	struct zkm_exec ex = { .threads = 2 };
	int has_shift = !!(flags & ZKM_NTT_COSET_SHIFT);

	rand_elems(in, batch * n, field);
	rand_elems(shift, 1, field);
	if (!memcmp(shift, "\0\0\0\0\0\0\0\0", 8))
		shift[0] = 1;
	memcpy(out, in, batch * n * eb);
	if (zkm_ntt(field, out, log_n, batch, flags, has_shift ? shift : NULL, &ex)) {
		setup_failures++;
		goto out;
	}
	fprintf(cases, "ntt %d %u %u %zu ", field, flags, log_n, batch);
	put_hex(shift, has_shift ? eb : 0);
	fputc(' ', cases);
	put_hex(in, batch * n * eb);
	fputc(' ', cases);
	put_hex(out, batch * n * eb);
	fputc('\n', cases);
	ncases++;
out:
	free(in);
	free(out);
}

/*
 * One pairing case: e(aG1, bG2) for random a, b, as zkm_pairing gives it
 * (Fq12 coefficients); noble recomputes it with its Miller loop and the
 * exact final exponent (q^12 - 1)/r.
 */
static void noble_pairing(int g1c, unsigned int flags)
{
	const size_t b1 = zkm_point_bytes(g1c), b2 = zkm_point_bytes(g1c + 1);
	const size_t fb = b1 / 2, gt = zkm_gt_bytes(g1c);
	uint8_t g1[96], g2[192], p[96], q[192], out[576], sc[32];
	const int mont = !!(flags & ZKM_PAIRING_MONT);

	zk_curve_generator(g1c, g1);
	zk_curve_generator(g1c + 1, g2);
	for (int i = 0; i < 32; i++)
		sc[i] = (uint8_t)tm_rand64();
	sc[31] &= 0x1f;
	if (zkm_msm(g1c, g1, sc, 1, 0, p, NULL))
		setup_failures++;
	for (int i = 0; i < 32; i++)
		sc[i] = (uint8_t)tm_rand64();
	sc[31] &= 0x1f;
	if (zkm_msm(g1c + 1, g2, sc, 1, 0, q, NULL))
		setup_failures++;
	if (mont) {
		/* every coordinate into Montgomery form */
		for (size_t i = 0; i < b1; i += fb)
			if (g1c == ZKM_BN254_G1) {
				bn254_fq_t x;

				bn254_fq_load(&x, p + i, 0);
				bn254_fq_store(p + i, &x, 1);
			} else {
				bls12_381_fp_t x;

				bls12_381_fp_load(&x, p + i, 0);
				bls12_381_fp_store(p + i, &x, 1);
			}
		for (size_t i = 0; i < b2; i += fb)
			if (g1c == ZKM_BN254_G1) {
				bn254_fq_t x;

				bn254_fq_load(&x, q + i, 0);
				bn254_fq_store(q + i, &x, 1);
			} else {
				bls12_381_fp_t x;

				bls12_381_fp_load(&x, q + i, 0);
				bls12_381_fp_store(q + i, &x, 1);
			}
	}
	if (zkm_pairing(g1c, p, q, flags, out))
		setup_failures++;
	fprintf(cases, "pair %d %u ", g1c, flags);
	put_hex(p, b1);
	fputc(' ', cases);
	put_hex(q, b2);
	fputc(' ', cases);
	put_hex(out, gt);
	fputc('\n', cases);
	ncases++;
}

static void noble_vec(int field, int op, unsigned int flags, size_t n)
{
	size_t eb = zkm_field_bytes(field);
	uint8_t *a = malloc(n * eb), *b = malloc(n * eb), *out = malloc(n * eb);
	int two = op <= ZKM_VEC_SCALE;

	rand_elems(a, n, field);
	rand_elems(b, n, field);
	if (zkm_vec(field, op, a, two ? b : NULL, out, n, flags, NULL)) {
		setup_failures++;
		goto out;
	}
	fprintf(cases, "vec %d %d %u %zu ", field, op, flags, n);
	put_hex(a, n * eb);
	fputc(' ', cases);
	put_hex(b, two ? n * eb : 0);
	fputc(' ', cases);
	put_hex(out, n * eb);
	fputc('\n', cases);
	ncases++;
out:
	free(a);
	free(b);
	free(out);
}

static int file_exists(const char *path)
{
	return access(path, R_OK) == 0;
}

/* the check script, next to this test's source */
static int find_script(char *out, size_t len)
{
	const char *src = getenv("ZKASIC_SRCDIR");
	char exe[PATH_MAX - 64];
	ssize_t n;

	if (src) {
		snprintf(out, len, "%s/tests/host/math-noble-check.mjs", src);
		if (file_exists(out))
			return 1;
	}
	snprintf(out, len, "tests/host/math-noble-check.mjs");
	if (file_exists(out))
		return 1;
	/* $B/tests/host/test_math_noble with B = build: ../../../tests/host */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');

			if (!slash)
				break;
			*slash = 0;
			snprintf(out, len, "%s/tests/host/math-noble-check.mjs", exe);
			if (file_exists(out))
				return 1;
		}
	}
	return 0;
}

int main(void)
{
	char npm[PATH_MAX], cmd[3 * PATH_MAX], script[PATH_MAX], probe[PATH_MAX + 64];
	char path[] = "/tmp/zkm-noble-XXXXXX";
	const char *cache = getenv("ZKASIC_CACHE");
	char line[4096];
	int fd, n = 0, failed = 0, rc;
	FILE *res;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cache)
		snprintf(npm, sizeof(npm), "%s/npm", cache);
	else
		snprintf(npm, sizeof(npm), "%s/.cache/zkasic/npm", getenv("HOME") ? getenv("HOME") : "/tmp");
	printf("TAP version 13\n");
	if (!find_script(script, sizeof(script))) {
		printf("1..0 # SKIP math-noble-check.mjs not found (run from the source tree)\n");
		return KSFT_SKIP;
	}
	if (system("node --version >/dev/null 2>&1") != 0) {
		printf("1..0 # SKIP node is not installed\n");
		return KSFT_SKIP;
	}
	snprintf(probe, sizeof(probe), "%s/node_modules/@noble/curves/package.json", npm);
	if (!file_exists(probe)) {
		printf("# installing @noble/curves@%s into %s\n", NOBLE_VERSION, npm);
		snprintf(cmd, sizeof(cmd),
			 "mkdir -p '%s' && timeout 600 npm install --no-audit --no-fund --prefix '%s' "
			 "@noble/curves@%s >/dev/null 2>&1", npm, npm, NOBLE_VERSION);
		if (system(cmd) != 0 || !file_exists(probe)) {
			printf("1..0 # SKIP @noble/curves could not be installed (npm unreachable?)\n");
			return KSFT_SKIP;
		}
	}

	fd = mkstemp(path);
	if (fd < 0 || !(cases = fdopen(fd, "w"))) {
		printf("1..0 # SKIP cannot create a temporary file\n");
		return KSFT_SKIP;
	}
	{
		static const size_t g1n[] = { 1, 7, 60, 1500 }, g2n[] = { 1, 5, 20, 200 };

		for (int i = 0; i < 4; i++)
			for (unsigned int flags = 0; flags < 4; flags++) {
				unsigned int t = 1 + flags % 2;

				if (i == 3 && flags % 2)
					continue;	/* the big ones twice per group, not four times */
				bn254_g1_noble_msm(g1n[i], flags, t);
				bn254_g2_noble_msm(g2n[i], flags, t);
				bls12_381_g1_noble_msm(g1n[i], flags, t);
				bls12_381_g2_noble_msm(g2n[i], flags, t);
			}
	}
	for (int field = 1; field <= 3; field++) {
		for (int i = 0; i < 24; i++) {
			unsigned int flags = (unsigned int)(tm_rand64() % 64);

			noble_ntt(field, (unsigned int)(i % 7), 1 + (size_t)(i % 3), flags);
		}
		noble_ntt(field, 8, 1, ZKM_NTT_COSET | ZKM_NTT_BITREV_OUT);
		for (int op = ZKM_VEC_ADD; op <= ZKM_VEC_FROM_MONT; op++)
			for (unsigned int flags = 0; flags < 2; flags++)
				noble_vec(field, op, flags, 40);
	}
	for (int i = 0; i < 3; i++) {
		noble_pairing(ZKM_BN254_G1, i == 2 ? ZKM_PAIRING_MONT : 0);
		noble_pairing(ZKM_BLS12_381_G1, i == 2 ? ZKM_PAIRING_MONT : 0);
	}
	fclose(cases);

	snprintf(cmd, sizeof(cmd), "node '%s' '%s' '%s' 2>&1", script, npm, path);
	res = popen(cmd, "r");
	if (!res) {
		unlink(path);
		printf("1..0 # SKIP cannot run node\n");
		return KSFT_SKIP;
	}
	printf("1..%d\n", ncases + 1);
	while (fgets(line, sizeof(line), res)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "PASS ", 5)) {
			printf("ok %d %s\n", ++n, line + 5);
		} else if (!strncmp(line, "FAIL ", 5)) {
			printf("not ok %d %s\n", ++n, line + 5);
			failed++;
		} else {
			printf("# %s\n", line);
		}
	}
	rc = pclose(res);
	unlink(path);
	for (; n < ncases; n++, failed++)
		printf("not ok %d case %d: no verdict from node (exit status %d)\n", n + 1, n + 1, rc);
	if (setup_failures)
		failed++;
	printf("%s %d computing the cases (%d zkmath calls failed)\n",
	       setup_failures ? "not ok" : "ok", ncases + 1, setup_failures);
	printf("# %d of %d cross-checks against @noble/curves failed\n", failed, ncases + 1);
	return failed ? 1 : 0;
}
