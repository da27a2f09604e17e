// SPDX-License-Identifier: MIT
/*
 * zkasic-hashrate: proving throughput of a backend, as a ZK miner sees it.
 *
 *   zkasic-hashrate [--backend auto|cpu|accel] [--seconds S] [--msm-log2 K]
 *                   [--ntt-log2 K] [--zkey FILE --wtns FILE] [--json]
 *
 * For about S seconds each (default 10) it keeps the backend busy with
 * BN254 G1 MSMs of 2^K points (default 16), then Goldilocks NTTs of 2^K
 * elements (default 20), then, with --zkey/--wtns, Groth16 proofs, and
 * prints operations per second and, from the devices' energy counters
 * (hwmon energy1_input, summed over the context's devices; the host's RAPL
 * counter on the CPU backend when readable), joules per operation. A
 * progress line on stderr shows the running rate. Several operations are
 * kept in flight so the engines of every device stay busy.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <zkasic/groth16.h>
#include <zkasic/zkasic.h>

#define IN_FLIGHT 4

static int json;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "zkasic-hashrate: %s: %s\n", what, zk_last_error());
	exit(1);
}

static long long read_ll(const char *path)
{
	FILE *f = fopen(path, "r");
	long long v = -1;

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Microjoules so far: the devices' counters, or RAPL for the CPU; -1 if none. */
static long long energy_uj(struct zk_ctx *ctx)
{
	long long sum = 0, v;
	unsigned int i;
	char pattern[256];
	glob_t g;

	if (!zk_ctx_device_count(ctx))
		return read_ll("/sys/class/powercap/intel-rapl:0/energy_uj");
	for (i = 0; i < zk_ctx_device_count(ctx); i++) {
		const char *path = zk_device_info(zk_ctx_device_at(ctx, i))->path;

		snprintf(pattern, sizeof(pattern),
			 "/sys/class/accel/%s/device/hwmon/hwmon*/energy1_input",
			 strrchr(path, '/') + 1);
		if (glob(pattern, 0, NULL, &g) || !g.gl_pathc) {
			globfree(&g);
			return -1;
		}
		v = read_ll(g.gl_pathv[0]);
		globfree(&g);
		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rand64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void report(struct zk_ctx *ctx, const char *what, double ops, double secs,
		   long long e0, long long e1)
{
	double rate = ops / secs, j = e0 >= 0 && e1 >= e0 && ops ? (e1 - e0) / 1e6 / ops : -1;

	if (isatty(2))
		fprintf(stderr, "\r%*s\r", 70, "");
	if (json) {
		printf("{\"op\":\"%s\",\"backend\":\"%s\",\"devices\":%u,\"ops\":%.0f,\"seconds\":%.3f,"
		       "\"ops_per_s\":%.4f,\"joules_per_op\":%.6f}\n", what,
		       zk_backend_name(zk_ctx_backend(ctx)), zk_ctx_device_count(ctx), ops, secs,
		       rate, j);
		return;
	}
	printf("%-28s %8.0f ops in %6.2f s  %10.3f ops/s", what, ops, secs, rate);
	if (j >= 0)
		printf("  %9.4f J/op", j);
	else
		printf("  (no energy counter)");
	printf("\n");
}

static void progress(const char *what, double ops, double t0)
{
	if (!json && isatty(2))
		fprintf(stderr, "\r%s: %.0f ops, %.2f ops/s ", what, ops, ops / (now_s() - t0));
}

/*
 * Keep IN_FLIGHT operations going until @seconds have passed, @start
 * starting operation @k of them, then report the rate and energy.
 */
typedef int (*start_fn)(struct zk_ctx *ctx, int k, void *arg, struct zk_op **op);

static void keep_busy(struct zk_ctx *ctx, const char *what, double seconds,
		      start_fn start, void *arg)
{
	struct zk_op *ops[IN_FLIGHT] = { NULL };
	double t0, done = 0, last = 0;
	long long e0, e1;
	int k;

	e0 = energy_uj(ctx);
	t0 = now_s();
	do {
		for (k = 0; k < IN_FLIGHT; k++) {
			if (ops[k]) {
				if (zk_op_wait(ops[k]))
					die(what);
				done++;
			}
			ops[k] = NULL;
			if (now_s() - t0 < seconds && start(ctx, k, arg, &ops[k]))
				die(what);
		}
		if (now_s() - last > 0.5) {
			progress(what, done, t0);
			last = now_s();
		}
	} while (ops[0] || ops[IN_FLIGHT - 1]);
	e1 = energy_uj(ctx);
	report(ctx, what, done, now_s() - t0, e0, e1);
}

struct msm_job {
	const uint8_t *bases, *scalars;
	size_t n;
	uint8_t out[IN_FLIGHT][64];
};

static int start_msm(struct zk_ctx *ctx, int k, void *arg, struct zk_op **op)
{
	struct msm_job *j = arg;

	return zk_msm_async(ctx, ZKM_BN254_G1, j->bases, j->scalars, j->n, 0, j->out[k], op);
}

struct ntt_job {
	uint64_t *data[IN_FLIGHT];
	unsigned int log2;
};

static int start_ntt(struct zk_ctx *ctx, int k, void *arg, struct zk_op **op)
{
	struct ntt_job *j = arg;

	return zk_ntt_async(ctx, ZKM_GOLDILOCKS, j->data[k], j->log2, 1, 0, NULL, op);
}

static void run_msm(struct zk_ctx *ctx, unsigned int log2, double seconds)
{
	size_t n = (size_t)1 << log2, i;
	uint8_t *bases = malloc(64 * n), *scalars = malloc(32 * n), g[64];
	struct msm_job job = { .bases = bases, .scalars = scalars, .n = n };
	char what[64];
	int k;

	if (!bases || !scalars || zk_curve_generator(ZKM_BN254_G1, g))
		die("MSM inputs");
	/* Bases: random multiples of G; scalars: random, below 2^252. */
	for (i = 0; i < n; i++) {
		uint8_t k8[32] = { 0 };
		uint64_t v = rand64();

		memcpy(k8, &v, 8);
		if (zkm_msm(ZKM_BN254_G1, g, k8, 1, 0, bases + 64 * i, NULL))
			die("bases");
		for (k = 0; k < 4; k++) {
			v = rand64();
			memcpy(scalars + 32 * i + 8 * k, &v, 8);
		}
		scalars[32 * i + 31] &= 0x0f;
	}
	snprintf(what, sizeof(what), "MSM BN254 G1 2^%u", log2);
	keep_busy(ctx, what, seconds, start_msm, &job);
	free(bases);
	free(scalars);
}

static void run_ntt(struct zk_ctx *ctx, unsigned int log2, double seconds)
{
	size_t n = (size_t)1 << log2, i;
	struct ntt_job job = { .log2 = log2 };
	char what[64];
	int k;

	for (k = 0; k < IN_FLIGHT; k++) {
		job.data[k] = malloc(8 * n);
		if (!job.data[k])
			die("NTT inputs");
		for (i = 0; i < n; i++)
			job.data[k][i] = rand64() % 0xffffffff00000001ULL;
	}
	snprintf(what, sizeof(what), "NTT Goldilocks 2^%u", log2);
	keep_busy(ctx, what, seconds, start_ntt, &job);
	for (k = 0; k < IN_FLIGHT; k++)
		free(job.data[k]);
}

static void run_groth16(struct zk_ctx *ctx, const char *zkey_path, const char *wtns_path,
			double seconds)
{
	struct zk_groth16_proof proof;
	struct zk_zkey *zkey;
	struct zk_wtns *wtns;
	double t0, done = 0, last = 0;
	unsigned int log_domain;
	long long e0, e1;
	char what[64];

	if (zk_zkey_open(&zkey, zkey_path) || zk_wtns_open(&wtns, wtns_path))
		die("Groth16 files");
	zk_zkey_sizes(zkey, NULL, NULL, &log_domain);
	snprintf(what, sizeof(what), "Groth16 %s 2^%u",
		 zk_zkey_curve(zkey) == ZKM_BN254_G1 ? "BN254" : "BLS12-381", log_domain);
	e0 = energy_uj(ctx);
	t0 = now_s();
	do {
		if (zk_groth16_prove(ctx, zkey, wtns, &proof, NULL))
			die("Groth16");
		done++;
		if (now_s() - last > 0.5) {
			progress(what, done, t0);
			last = now_s();
		}
	} while (now_s() - t0 < seconds);
	e1 = energy_uj(ctx);
	report(ctx, what, done, now_s() - t0, e0, e1);
	zk_wtns_close(wtns);
	zk_zkey_close(zkey);
}

static void usage(void)
{
	fputs("usage: zkasic-hashrate [--backend auto|cpu|accel] [--seconds S] [--msm-log2 K]\n"
	      "                       [--ntt-log2 K] [--zkey FILE --wtns FILE] [--json]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	enum zk_backend backend = ZK_BACKEND_AUTO;
	const char *zkey = NULL, *wtns = NULL;
	unsigned int msm_log2 = 16, ntt_log2 = 20;
	double seconds = 10;
	struct zk_ctx *ctx;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--json")) {
			json = 1;
			continue;
		}
		if (!v)
			usage();
		if (!strcmp(a, "--backend"))
			backend = !strcasecmp(v, "cpu") ? ZK_BACKEND_CPU :
				  !strcasecmp(v, "accel") ? ZK_BACKEND_ACCEL : ZK_BACKEND_AUTO;
		else if (!strcmp(a, "--seconds"))
			seconds = atof(v);
		else if (!strcmp(a, "--msm-log2"))
			msm_log2 = (unsigned int)atoi(v);
		else if (!strcmp(a, "--ntt-log2"))
			ntt_log2 = (unsigned int)atoi(v);
		else if (!strcmp(a, "--zkey"))
			zkey = v;
		else if (!strcmp(a, "--wtns"))
			wtns = v;
		else
			usage();
		i++;
	}
	if (seconds <= 0 || msm_log2 < 1 || msm_log2 > 24 || ntt_log2 < 1 || ntt_log2 > 24 ||
	    !zkey != !wtns)
		usage();
	if (zk_open(&ctx, backend))
		die("open");
	if (!json)
		printf("# backend %s, %u device(s), %.0f s per figure\n",
		       zk_backend_name(zk_ctx_backend(ctx)), zk_ctx_device_count(ctx), seconds);
	run_msm(ctx, msm_log2, seconds);
	run_ntt(ctx, ntt_log2, seconds);
	if (zkey)
		run_groth16(ctx, zkey, wtns, seconds);
	zk_close(ctx);
	return 0;
}
