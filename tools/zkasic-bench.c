// SPDX-License-Identifier: MIT
/*
 * zkasic-bench: timings of the math core (the CPU backend and the emulated
 * engines' arithmetic). MSM on BN254 and BLS12-381 G1, NTT on BN254 Fr,
 * BLS12-381 Fr and Goldilocks, at chosen sizes and thread counts; each
 * figure is the median of --runs runs.
 *
 *   zkasic-bench [--op msm|ntt|gl-ntt|all] [--log2 N[,N...]] [--threads T[,T...]]
 *                [--runs N] [--curve bn254|bls12_381|all]
 *                [--field bn254_fr|bls12_381_fr|goldilocks|all] [--quick] [--json]
 *                [--cpu-time] [--anchor-goldilocks PROGRAM]
 *
 * Defaults: MSM at 2^12, 2^16, 2^18, 2^20 and NTT at 2^16, 2^20, 2^22, on
 * BN254/BLS12-381 G1 and BN254 Fr/Goldilocks, with 1 and 2 threads, median
 * of 3. --quick: 2^12 and 2^16 MSM, 2^16 NTT. --json prints one object per
 * figure: {"op","curve"|"field","log2","threads","ms","runs"}.
 *
 * --op gl-ntt: the Goldilocks NTT at every size 2^12..2^24 (or --log2).
 * --anchor-goldilocks PROGRAM: after each Goldilocks NTT figure, runs
 * `PROGRAM LOG2 RUNS THREADS [cpu]`, which must time another library's
 * forward NTT of 2^LOG2 elements the same way (median of RUNS, "cpu" with
 * --cpu-time) and print the milliseconds on its first line; the figure is
 * printed with that time and the ratio zkasic / other beside it (JSON keys
 * "anchor_ms", "ratio").
 */
#include <sys/wait.h>
#include <unistd.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zkasic/zkmath.h>

/* internal headers of the math core: to build valid random bases quickly */
#include "curves.h"

#define MAX_LIST 16

struct list {
	unsigned int v[MAX_LIST];
	int n;
};

static int parse_list(const char *s, struct list *l)
{
	char *end;

	l->n = 0;
	while (*s) {
		unsigned long x = strtoul(s, &end, 10);

		if (end == s || l->n == MAX_LIST || x > 64)
			return -1;
		l->v[l->n++] = (unsigned int)x;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return l->n ? 0 : -1;
}

static uint64_t rng = 0x853c49e6748fea9bULL;

static uint64_t rand64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static int cpu_time;	/* --cpu-time: process CPU time instead of wall clock */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(cpu_time ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* random field elements below p (limbs of 64 bits), little-endian bytes */
static void rand_below(uint8_t *out, const uint64_t *p, int limbs)
{
	uint64_t v[6];

	for (;;) {
		for (int i = 0; i < limbs; i++)
			v[i] = rand64();
		v[limbs - 1] &= ~(uint64_t)0 >> __builtin_clzll(p[limbs - 1]);
		if (mont_lt(v, p, limbs))
			break;
	}
	for (int i = 0; i < limbs; i++)
		zkm_store64(out + 8 * i, v[i]);
}

/*
 * n valid bases: a walk P_i = P_{i-1} + Q_(i mod 16) from a random multiple
 * of the generator, made affine with one batch inversion per 4096 points.
 */
#define MAKE_BASES(EC, F, FR)							\
static int EC##_bases(uint8_t *out, size_t n, const uint8_t *gen)		\
{										\
	enum { CH = 4096 };							\
	EC##_aff_t g, qa[16];							\
	EC##_jac_t G, P, Q[16];							\
	EC##_jac_t *chunk = malloc(CH * sizeof(*chunk));			\
	F##_t *z = malloc(CH * sizeof(*z)), *s = malloc(CH * sizeof(*s));	\
	uint64_t k[4];								\
	if (!chunk || !z || !s || EC##_aff_load(&g, gen, 0))			\
		return -1;							\
	EC##_jac_from_aff(&G, &g);						\
	for (int i = 0; i < 17; i++) {						\
		uint8_t kb[32];							\
		rand_below(kb, FR##_P, 4);					\
		for (int l = 0; l < 4; l++)					\
			k[l] = zkm_load64(kb + 8 * l);				\
		EC##_jac_mul(i < 16 ? &Q[i] : &P, &G, k, 4);			\
		if (i < 16) {							\
			EC##_jac_to_aff(&qa[i], &Q[i]);				\
		}								\
	}									\
	for (size_t base = 0; base < n; base += CH) {				\
		size_t m = n - base < CH ? n - base : CH;			\
		for (size_t i = 0; i < m; i++) {				\
			EC##_jac_madd(&P, &P, &qa[(base + i) % 16]);		\
			chunk[i] = P;						\
			z[i] = P.Z;						\
		}								\
		F##_batch_inv(z, z, m, s);					\
		for (size_t i = 0; i < m; i++) {				\
			EC##_aff_t a;						\
			F##_t z2, z3;						\
			F##_sqr(&z2, &z[i]);					\
			F##_mul(&z3, &z2, &z[i]);				\
			F##_mul(&a.x, &chunk[i].X, &z2);			\
			F##_mul(&a.y, &chunk[i].Y, &z3);			\
			EC##_aff_store(out + (base + i) * EC##_point_bytes, &a, 0); \
		}								\
	}									\
	free(chunk);								\
	free(z);								\
	free(s);								\
	return 0;								\
}

MAKE_BASES(bn254_g1, bn254_fq, bn254_fr)
MAKE_BASES(bls12_381_g1, bls12_381_fp, bls12_381_fr)

static int json;

/* @anchor: the other library's time, or < 0 for none */
static void report2(const char *op, const char *kindkey, const char *kind, unsigned int log2,
		    unsigned int threads, double ms, int runs, double anchor)
{
	if (json && anchor >= 0)
		printf("{\"op\":\"%s\",\"%s\":\"%s\",\"log2\":%u,\"threads\":%u,\"ms\":%.3f,\"runs\":%d,"
		       "\"anchor_ms\":%.3f,\"ratio\":%.3f}\n",
		       op, kindkey, kind, log2, threads, ms, runs, anchor, ms / anchor);
	else if (json)
		printf("{\"op\":\"%s\",\"%s\":\"%s\",\"log2\":%u,\"threads\":%u,\"ms\":%.3f,\"runs\":%d}\n",
		       op, kindkey, kind, log2, threads, ms, runs);
	else if (anchor >= 0)
		printf("%-4s %-13s 2^%-3u threads %-3u %12.3f ms  (median of %d)  anchor %10.3f ms"
		       "  ratio %.3f\n", op, kind, log2, threads, ms, runs, anchor, ms / anchor);
	else
		printf("%-4s %-13s 2^%-3u threads %-3u %12.3f ms  (median of %d)\n",
		       op, kind, log2, threads, ms, runs);
	fflush(stdout);
}

static void report(const char *op, const char *kindkey, const char *kind, unsigned int log2,
		   unsigned int threads, double ms, int runs)
{
	report2(op, kindkey, kind, log2, threads, ms, runs, -1);
}

static const char *anchor_gl;	/* --anchor-goldilocks */

/* run the anchor program for one size; its time in ms, or -1 with a message */
static double run_anchor(const char *prog, unsigned int log2, int runs, unsigned int threads)
{
	char a1[16], a2[16], a3[16], out[256];
	char *argv[] = { (char *)prog, a1, a2, a3, cpu_time ? "cpu" : NULL, NULL };
	int fd[2], st;
	size_t got = 0;
	ssize_t r;
	pid_t pid;
	double ms;
	char *end;

	snprintf(a1, sizeof(a1), "%u", log2);
	snprintf(a2, sizeof(a2), "%d", runs);
	snprintf(a3, sizeof(a3), "%u", threads);
	if (pipe(fd))
		goto fail;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		goto fail;
	}
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execv(prog, argv);
		fprintf(stderr, "zkasic-bench: cannot run %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	while (got < sizeof(out) - 1 && (r = read(fd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += r;
	close(fd[0]);
	out[got] = 0;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "zkasic-bench: anchor %s 2^%u failed\n", prog, log2);
		return -1;
	}
	ms = strtod(out, &end);
	if (end == out || !isfinite(ms) || ms <= 0) {
		fprintf(stderr, "zkasic-bench: anchor %s 2^%u printed no time\n", prog, log2);
		return -1;
	}
	return ms;
fail:
	fprintf(stderr, "zkasic-bench: cannot start %s: %s\n", prog, strerror(errno));
	return -1;
}

static int bench_msm(int curve, const char *name, unsigned int log2, const struct list *threads,
		     int runs)
{
	size_t n = (size_t)1 << log2, pb = zkm_point_bytes(curve);
	uint8_t *bases = malloc(n * pb), *sc = malloc(n * 32), res[96], gen[96];
	double *t = malloc(runs * sizeof(double));
	int err = 0;

	if (!bases || !sc || !t) {
		fprintf(stderr, "zkasic-bench: out of memory for 2^%u points\n", log2);
		return -1;
	}
	memset(gen, 0, sizeof(gen));
	if (curve == ZKM_BN254_G1) {
		gen[0] = 1;
		gen[32] = 2;
		err = bn254_g1_bases(bases, n, gen);
	} else {
		static const uint64_t gx[6] = { 0xfb3af00adb22c6bbULL, 0x6c55e83ff97a1aefULL,
			0xa14e3a3f171bac58ULL, 0xc3688c4f9774b905ULL, 0x2695638c4fa9ac0fULL,
			0x17f1d3a73197d794ULL };
		static const uint64_t gy[6] = { 0x0caa232946c5e7e1ULL, 0xd03cc744a2888ae4ULL,
			0x00db18cb2c04b3edULL, 0xfcf5e095d5d00af6ULL, 0xa09e30ed741d8ae4ULL,
			0x08b3f481e3aaa0f1ULL };

		for (int i = 0; i < 6; i++) {
			zkm_store64(gen + 8 * i, gx[i]);
			zkm_store64(gen + 48 + 8 * i, gy[i]);
		}
		err = bls12_381_g1_bases(bases, n, gen);
	}
	for (size_t i = 0; i < n && !err; i++)
		rand_below(sc + 32 * i, curve == ZKM_BN254_G1 ? bn254_fr_P : bls12_381_fr_P, 4);
	for (int ti = 0; ti < threads->n && !err; ti++) {
		struct zkm_exec ex = { .threads = threads->v[ti] };

		for (int r = 0; r < runs && !err; r++) {
			double t0 = now_ms();

			err = zkm_msm(curve, bases, sc, n, 0, res, &ex);
			t[r] = now_ms() - t0;
		}
		if (err)
			break;
		qsort(t, runs, sizeof(double), cmp_double);
		report("msm", "curve", name, log2, threads->v[ti], t[runs / 2], runs);
	}
	if (err)
		fprintf(stderr, "zkasic-bench: msm %s 2^%u: %s\n", name, log2,
			err < 0 ? zkm_strerror(err) : "cannot build bases");
	free(bases);
	free(sc);
	free(t);
	return err ? -1 : 0;
}

static int bench_ntt(int field, const char *name, unsigned int log2, const struct list *threads,
		     int runs)
{
	size_t n = (size_t)1 << log2, eb = zkm_field_bytes(field);
	uint8_t *data = malloc(n * eb);
	double *t = malloc(runs * sizeof(double));
	static const uint64_t gl_p[1] = { GOLDILOCKS_P };
	const uint64_t *p = field == ZKM_BN254_FR ? bn254_fr_P :
			    field == ZKM_BLS12_381_FR ? bls12_381_fr_P : gl_p;
	int err = 0;

	if (!data || !t) {
		fprintf(stderr, "zkasic-bench: out of memory for 2^%u elements\n", log2);
		return -1;
	}
	if (log2 > zkm_field_two_adicity(field) || log2 > 24) {
		fprintf(stderr, "zkasic-bench: ntt %s: 2^%u is too large\n", name, log2);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		rand_below(data + i * eb, p, (int)eb / 8);
	/* once untimed: builds and caches the twiddles, faults the pages in */
	err = zkm_ntt(field, data, log2, 1, 0, NULL, NULL);
	for (int ti = 0; ti < threads->n && !err; ti++) {
		struct zkm_exec ex = { .threads = threads->v[ti] };

		for (int r = 0; r < runs && !err; r++) {
			double t0 = now_ms();

			err = zkm_ntt(field, data, log2, 1, 0, NULL, &ex);
			t[r] = now_ms() - t0;
		}
		if (err)
			break;
		qsort(t, runs, sizeof(double), cmp_double);
		if (anchor_gl && field == ZKM_GOLDILOCKS) {
			double am = run_anchor(anchor_gl, log2, runs, threads->v[ti]);

			if (am < 0) {
				err = -1;
				break;
			}
			report2("ntt", "field", name, log2, threads->v[ti], t[runs / 2], runs, am);
		} else {
			report("ntt", "field", name, log2, threads->v[ti], t[runs / 2], runs);
		}
	}
	if (err > 0 || err < -1)
		fprintf(stderr, "zkasic-bench: ntt %s 2^%u: %s\n", name, log2, zkm_strerror(err));
	free(data);
	free(t);
	return err ? -1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: zkasic-bench [--op msm|ntt|gl-ntt|all] [--log2 N[,N...]] [--threads T[,T...]]\n"
		"                    [--runs N] [--curve bn254|bls12_381|all]\n"
		"                    [--field bn254_fr|bls12_381_fr|goldilocks|all] [--quick] [--json]\n"
		"                    [--cpu-time] [--anchor-goldilocks PROGRAM]\n"
		"Defaults: msm 2^12,16,18,20 on bn254 and bls12_381 G1; ntt 2^16,20,22 on bn254_fr\n"
		"and goldilocks; threads 1,2; median of 3 runs. --quick: msm 2^12,16, ntt 2^16.\n"
		"Threads 0 means all online CPUs. --cpu-time reports process CPU time instead of\n"
		"wall-clock time (steadier on a shared machine; with T threads it is about T x wall).\n"
		"--op gl-ntt: Goldilocks NTT at 2^12..2^24. --anchor-goldilocks PROGRAM: beside each\n"
		"Goldilocks NTT figure, the time PROGRAM prints for `PROGRAM LOG2 RUNS THREADS [cpu]`\n"
		"(another library's NTT, median of RUNS, ms on its first line) and the ratio.\n");
}

int main(int argc, char **argv)
{
	struct list msm_log = { { 12, 16, 18, 20 }, 4 }, ntt_log = { { 16, 20, 22 }, 3 };
	struct list threads = { { 1, 2 }, 2 }, user_log = { { 0 }, 0 };
	const char *op = "all", *curve = "all", *field = NULL;
	int runs = 3, fail = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--json")) {
			json = 1;
		} else if (!strcmp(a, "--cpu-time")) {
			cpu_time = 1;
		} else if (!strcmp(a, "--quick")) {
			msm_log = (struct list){ { 12, 16 }, 2 };
			ntt_log = (struct list){ { 16 }, 1 };
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (v && !strcmp(a, "--op")) {
			op = v;
			i++;
		} else if (v && !strcmp(a, "--curve")) {
			curve = v;
			i++;
		} else if (v && !strcmp(a, "--anchor-goldilocks")) {
			if (access(v, X_OK)) {
				fprintf(stderr, "zkasic-bench: %s is not an executable program\n", v);
				return 2;
			}
			anchor_gl = v;
			i++;
		} else if (v && !strcmp(a, "--field")) {
			field = v;
			i++;
		} else if (v && !strcmp(a, "--runs")) {
			runs = atoi(v);
			i++;
			if (runs < 1 || runs > 1000) {
				fprintf(stderr, "zkasic-bench: --runs must be 1..1000\n");
				return 2;
			}
		} else if (v && !strcmp(a, "--log2")) {
			if (parse_list(v, &user_log)) {
				fprintf(stderr, "zkasic-bench: bad --log2 list '%s'\n", v);
				return 2;
			}
			i++;
		} else if (v && !strcmp(a, "--threads")) {
			if (parse_list(v, &threads)) {
				fprintf(stderr, "zkasic-bench: bad --threads list '%s'\n", v);
				return 2;
			}
			i++;
		} else {
			fprintf(stderr, "zkasic-bench: unknown or incomplete option '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (!strcmp(op, "gl-ntt")) {
		op = "ntt";
		field = "goldilocks";
		ntt_log = (struct list){ { 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 }, 13 };
	}
	if (strcmp(op, "all") && strcmp(op, "msm") && strcmp(op, "ntt")) {
		fprintf(stderr, "zkasic-bench: --op must be msm, ntt, gl-ntt or all\n");
		return 2;
	}
	if (user_log.n) {
		msm_log = user_log;
		ntt_log = user_log;
	}
	if (!strcmp(op, "all") || !strcmp(op, "msm")) {
		int bn = !strcmp(curve, "all") || !strcmp(curve, "bn254");
		int bls = !strcmp(curve, "all") || !strcmp(curve, "bls12_381");

		if (!bn && !bls) {
			fprintf(stderr, "zkasic-bench: unknown curve '%s'\n", curve);
			return 2;
		}
		for (int i = 0; i < msm_log.n; i++) {
			if (bn)
				fail |= bench_msm(ZKM_BN254_G1, "bn254_g1", msm_log.v[i], &threads, runs);
			if (bls)
				fail |= bench_msm(ZKM_BLS12_381_G1, "bls12_381_g1", msm_log.v[i],
						  &threads, runs);
		}
	}
	if (!strcmp(op, "all") || !strcmp(op, "ntt")) {
		static const struct { int id; const char *name; } fields[] = {
			{ ZKM_BN254_FR, "bn254_fr" },
			{ ZKM_GOLDILOCKS, "goldilocks" },
			{ ZKM_BLS12_381_FR, "bls12_381_fr" },
		};
		int any = 0;

		for (int i = 0; i < ntt_log.n; i++)
			for (int f = 0; f < 3; f++) {
				/* default: BN254 Fr and Goldilocks */
				if (field ? strcmp(field, "all") && strcmp(field, fields[f].name)
					  : fields[f].id == ZKM_BLS12_381_FR)
					continue;
				any = 1;
				fail |= bench_ntt(fields[f].id, fields[f].name, ntt_log.v[i], &threads,
						  runs);
			}
		if (!any) {
			fprintf(stderr, "zkasic-bench: unknown field '%s'\n", field);
			return 2;
		}
	}
	return fail ? 1 : 0;
}
