// SPDX-License-Identifier: MIT
/*
 * zkasic-prove: a Groth16 prover with the command line of rapidsnark's
 * `prover`, for snarkjs's files:
 *
 *   zkasic-prove [--backend auto|cpu|accel] [--threads N] [--repeat N] [--quiet]
 *                circuit.zkey witness.wtns proof.json public.json
 *
 * The MSMs and NTTs run on a zkasic device when there is one (or when
 * --backend accel asks), else on the CPU; the tool says which on stderr,
 * with the time each phase took. --repeat proves N times (fresh randomness
 * each time) and prints the median, for benchmarks; the last proof is
 * written. Exit status 0 on success, 1 on any error (with a message), 2 on a
 * usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zkasic/groth16.h>
#include <zkasic/zkasic.h>

static void usage(void)
{
	fputs("usage: zkasic-prove [--backend auto|cpu|accel] [--threads N] [--repeat N] [--quiet]\n"
	      "                    circuit.zkey witness.wtns proof.json public.json\n", stderr);
	exit(2);
}

static int write_json(const char *path, const struct zk_groth16_proof *proof,
		      const struct zk_zkey *zkey, const struct zk_wtns *wtns)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f) {
		fprintf(stderr, "zkasic-prove: %s: %m\n", path);
		return -1;
	}
	ret = proof ? zk_groth16_write_proof_json(f, proof)
		    : zk_groth16_write_public_json(f, zkey, wtns);
	if (fclose(f) && !ret)
		ret = -1;
	if (ret)
		fprintf(stderr, "zkasic-prove: %s: %s\n", path, zk_last_error());
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "threads", required_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum zk_backend backend = ZK_BACKEND_AUTO;
	struct zk_groth16_proof proof;
	struct zk_groth16_stats st = { 0 };
	struct zk_zkey *zkey = NULL;
	struct zk_wtns *wtns = NULL;
	struct zk_ctx *ctx = NULL;
	unsigned int threads = 0, repeat = 1, i, log_domain;
	uint32_t n_vars, n_public;
	double *totals = NULL;
	int quiet = 0, status = 1, c;

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (!strcasecmp(optarg, "cpu"))
				backend = ZK_BACKEND_CPU;
			else if (!strcasecmp(optarg, "accel"))
				backend = ZK_BACKEND_ACCEL;
			else if (strcasecmp(optarg, "auto"))
				usage();
			break;
		case 't':
			threads = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			repeat = (unsigned int)strtoul(optarg, NULL, 0);
			if (!repeat || repeat > 1000)
				usage();
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 4)
		usage();
	if (zk_zkey_open(&zkey, argv[optind]) || zk_wtns_open(&wtns, argv[optind + 1]) ||
	    zk_open(&ctx, backend)) {
		fprintf(stderr, "zkasic-prove: %s\n", zk_last_error());
		goto out;
	}
	zk_ctx_set_threads(ctx, threads);
	totals = calloc(repeat, sizeof(*totals));
	if (!totals)
		goto out;
	for (i = 0; i < repeat; i++) {
		if (zk_groth16_prove(ctx, zkey, wtns, &proof, &st)) {
			fprintf(stderr, "zkasic-prove: %s\n", zk_last_error());
			goto out;
		}
		totals[i] = st.total_ms;
	}
	if (write_json(argv[optind + 2], &proof, NULL, NULL) ||
	    write_json(argv[optind + 3], NULL, zkey, wtns))
		goto out;
	if (!quiet) {
		zk_zkey_sizes(zkey, &n_vars, &n_public, &log_domain);
		qsort(totals, repeat, sizeof(*totals), cmp_double);
		fprintf(stderr,
			"zkasic-prove: %s on %s%s%s: %u variables, %u public, domain 2^%u: %.1f ms%s"
			" (last: A,B,C %.1f ms, H side %.1f ms, MSMs %.1f ms)\n",
			zk_zkey_curve(zkey) == 1 ? "BN254" : "BLS12-381",
			zk_backend_name(st.backend),
			zk_ctx_device(ctx) ? " " : "",
			zk_ctx_device(ctx) ? zk_device_info(zk_ctx_device(ctx))->path : "",
			n_vars, n_public, log_domain, totals[repeat / 2],
			repeat > 1 ? " median" : "", st.abc_ms, st.h_ms, st.msm_ms);
	}
	status = 0;
out:
	free(totals);
	zk_close(ctx);
	zk_wtns_close(wtns);
	zk_zkey_close(zkey);
	return status;
}
