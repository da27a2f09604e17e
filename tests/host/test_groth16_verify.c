// SPDX-License-Identifier: MIT
/*
 * libzkasic's native Groth16 verifier: a proof from zk_groth16_prove (CPU
 * backend) is accepted by zk_groth16_verify; tampered A, B, C and a wrong
 * public input are rejected with -EBADMSG; bad arguments with -EINVAL.
 *
 *   test_groth16_verify [DIR...]
 *
 * Each DIR holds circuit.zkey and witness.wtns (tools/snarkjs-circuit);
 * without arguments the chain circuits cached by the Groth16 tests under
 * $ZKASIC_CACHE/circuits (or ~/.cache/zkasic/circuits) are used, and the
 * test is skipped when there are none yet. Prints the verification time.
 * TAP output; exit 0 if every check passed, 4 if skipped.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zkasic/groth16.h>
#include <zkasic/zkasic.h>
#include <zkasic/zkmath.h>

static int n_tests, n_failed;

static void check(int cond, const char *what, const char *dir)
{
	n_tests++;
	if (!cond)
		n_failed++;
	printf("%sok %d - %s: %s%s%s\n", cond ? "" : "not ", n_tests, dir, what,
	       cond ? "" : " # ", cond ? "" : zk_last_error());
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void run_dir(const char *dir)
{
	char zpath[4096], wpath[4096];
	struct zk_zkey *zkey;
	struct zk_wtns *wtns;
	struct zk_ctx *ctx;
	struct zk_groth16_proof proof, bad;
	struct zk_groth16_vk vk;
	uint32_t n_public;
	uint8_t *pub;
	double best = 1e9;
	int curve, ret;
	size_t g1, g2;

	snprintf(zpath, sizeof(zpath), "%s/circuit.zkey", dir);
	snprintf(wpath, sizeof(wpath), "%s/witness.wtns", dir);
	if (zk_zkey_open(&zkey, zpath) || zk_wtns_open(&wtns, wpath) ||
	    zk_open(&ctx, ZK_BACKEND_CPU)) {
		check(0, "open the zkey, the witness and a CPU context", dir);
		return;
	}
	curve = zk_zkey_curve(zkey);
	g1 = zkm_point_bytes(curve);
	g2 = zkm_point_bytes(curve + 1);
	zk_zkey_sizes(zkey, NULL, &n_public, NULL);
	ret = zk_groth16_prove(ctx, zkey, wtns, &proof, NULL);
	check(ret == 0, "zk_groth16_prove", dir);

	for (int i = 0; i < 5; i++) {
		double t = now_ms();

		ret = zk_groth16_verify(zkey, wtns, &proof);
		t = now_ms() - t;
		best = t < best ? t : best;
	}
	check(ret == 0, "zk_groth16_verify accepts the proof", dir);
	printf("# %s: %s verification %.2f ms (best of 5, one thread)\n", dir,
	       curve == ZKM_BN254_G1 ? "BN254" : "BLS12-381", best);

	/* A tampered: A := C (a valid point, the wrong one) */
	bad = proof;
	memcpy(bad.a, proof.c, g1);
	check(zk_groth16_verify(zkey, wtns, &bad) == -EBADMSG, "tampered A rejected", dir);
	/* A off the curve */
	bad = proof;
	bad.a[0] ^= 1;
	check(zk_groth16_verify(zkey, wtns, &bad) == -EBADMSG, "A off the curve rejected", dir);
	/* B := 2B */
	{
		uint8_t two[32] = { 2 };

		bad = proof;
		zkm_msm(curve + 1, proof.b, two, 1, 0, bad.b, NULL);
		check(zk_groth16_verify(zkey, wtns, &bad) == -EBADMSG, "tampered B rejected", dir);
	}
	/* B off the curve */
	bad = proof;
	bad.b[g2 - 1] ^= 1;
	check(zk_groth16_verify(zkey, wtns, &bad) == -EBADMSG, "B off the twist rejected", dir);
	/* C := A */
	bad = proof;
	memcpy(bad.c, proof.a, g1);
	check(zk_groth16_verify(zkey, wtns, &bad) == -EBADMSG, "tampered C rejected", dir);
	/* C off the curve: an invalid proof, not a bad key */
	bad = proof;
	bad.c[0] ^= 1;
	check(zk_groth16_verify(zkey, wtns, &bad) == -EBADMSG, "C off the curve rejected", dir);
	/* C at infinity */
	bad = proof;
	memset(bad.c, 0, g1);
	check(zk_groth16_verify(zkey, wtns, &bad) == -EBADMSG, "C at infinity rejected", dir);

	/* public inputs through the key API */
	ret = zk_groth16_vk_from_zkey(zkey, &vk);
	check(ret == 0, "zk_groth16_vk_from_zkey", dir);
	pub = calloc(n_public + 1, 32);
	if (!ret && pub) {
		/* the witness' public entries, standard form, as snarkjs's public.json */
		FILE *f;
		char line[256];
		char ppath[4096];
		uint32_t k = 0;

		snprintf(ppath, sizeof(ppath), "/tmp/zkasic-verify-pub-%d.json", (int)getpid());
		f = fopen(ppath, "w+");
		if (f && !zk_groth16_write_public_json(f, zkey, wtns)) {
			rewind(f);
			/* one decimal per quoted string */
			while (k < n_public && fscanf(f, "%*[^\"]\"%255[0-9]\"", line) == 1) {
				uint8_t *o = pub + 32 * k++;

				for (char *s = line; *s; s++) {
					unsigned int c = (unsigned int)(*s - '0');

					for (int i = 0; i < 32; i++) {
						c += o[i] * 10U;
						o[i] = (uint8_t)c;
						c >>= 8;
					}
				}
			}
		}
		if (f)
			fclose(f);
		unlink(ppath);
		check(k == n_public, "public inputs read back", dir);
		check(zk_groth16_verify_vk(&vk, pub, &proof) == 0, "zk_groth16_verify_vk accepts", dir);
		if (n_public) {
			pub[0] ^= 1;
			check(zk_groth16_verify_vk(&vk, pub, &proof) == -EBADMSG,
			      "a wrong public input rejected", dir);
			uint8_t keep[32];

			pub[0] ^= 1;
			memcpy(keep, pub, 32);
			memset(pub, 0xff, 32);	/* >= r */
			check(zk_groth16_verify_vk(&vk, pub, &proof) == -EBADMSG,
			      "a public input >= r rejected", dir);
			memcpy(pub, keep, 32);
		}
		bad = proof;
		bad.curve = curve == ZKM_BN254_G1 ? ZKM_BLS12_381_G1 : ZKM_BN254_G1;
		check(zk_groth16_verify_vk(&vk, pub, &bad) == -EINVAL,
		      "a proof of the other curve is a bad argument", dir);
		/* a key point off its curve is a bad argument, not an invalid proof */
		vk.gamma2[0] ^= 1;
		check(zk_groth16_verify_vk(&vk, pub, &proof) == -EINVAL,
		      "a broken key is a bad argument", dir);
	}
	free(pub);
	zk_groth16_vk_release(&vk);
	check(zk_groth16_verify(NULL, wtns, &proof) == -EINVAL, "NULL zkey", dir);
	zk_close(ctx);
	zk_wtns_close(wtns);
	zk_zkey_close(zkey);
}

int main(int argc, char **argv)
{
	glob_t g = { 0 };

	printf("TAP version 13\n");
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_dir(argv[i]);
	} else {
		const char *cache = getenv("ZKASIC_CACHE");
		char pat[4096];

		if (cache)
			snprintf(pat, sizeof(pat), "%s/circuits/chain-*-100-1-*", cache);
		else
			snprintf(pat, sizeof(pat), "%s/.cache/zkasic/circuits/chain-*-100-1-*",
				 getenv("HOME") ? getenv("HOME") : "/tmp");
		if (glob(pat, 0, NULL, &g) || !g.gl_pathc) {
			printf("1..0 # SKIP no cached circuits (make check-groth16 builds them)\n");
			return 4;
		}
		for (size_t i = 0; i < g.gl_pathc; i++)
			run_dir(g.gl_pathv[i]);
		globfree(&g);
	}
	printf("1..%d\n", n_tests);
	return n_failed ? 1 : 0;
}
