// SPDX-License-Identifier: MIT
/*
 * zkasic-run: run one MSM or NTT on raw files with a chosen backend, for
 * scripting and cross-checking backends against each other.
 *
 *   zkasic-run msm --curve bn254|bls12-381 [--group g1|g2] --bases FILE
 *                  --scalars FILE --out FILE [--backend auto|cpu|accel] [--mont]
 *   zkasic-run ntt --field bn254-fr|bls12-381-fr|goldilocks --in FILE --out FILE
 *                  [--inverse] [--coset] [--backend ...] [--mont]
 *   zkasic-run gen-msm --curve C [--group G] --n N --bases FILE --scalars FILE [--seed S]
 *   zkasic-run gen-ntt --field F --log2 K --out FILE [--seed S]
 *   zkasic-run info
 *
 * Formats are the device's (uapi/drm/zkasic_accel.h): little-endian, points
 * affine x then y (G2: x.c0 x.c1 y.c0 y.c1), infinity all zero, 32-byte
 * scalars; standard form unless --mont. Counts follow from file sizes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zkasic/zkasic.h>

struct opts {
	const char *curve, *group, *field, *bases, *scalars, *in, *out, *backend;
	int mont, inverse, coset;
	unsigned long long n, log2, seed;
};

static void usage(void)
{
	fputs("usage:\n"
	      "  zkasic-run msm --curve bn254|bls12-381 [--group g1|g2] --bases FILE --scalars FILE\n"
	      "                 --out FILE [--backend auto|cpu|accel] [--mont]\n"
	      "  zkasic-run ntt --field bn254-fr|bls12-381-fr|goldilocks --in FILE --out FILE\n"
	      "                 [--inverse] [--coset] [--backend auto|cpu|accel] [--mont]\n"
	      "  zkasic-run gen-msm --curve C [--group G] --n N --bases FILE --scalars FILE [--seed S]\n"
	      "  zkasic-run gen-ntt --field F --log2 K --out FILE [--seed S]\n"
	      "  zkasic-run info\n", stderr);
	exit(2);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("zkasic-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int parse_curve(const struct opts *o)
{
	int g2;

	if (!o->curve)
		die("--curve is required");
	if (!o->group || !strcmp(o->group, "g1"))
		g2 = 0;
	else if (!strcmp(o->group, "g2"))
		g2 = 1;
	else
		die("--group must be g1 or g2, not '%s'", o->group);
	if (!strcmp(o->curve, "bn254"))
		return g2 ? ZKM_BN254_G2 : ZKM_BN254_G1;
	if (!strcmp(o->curve, "bls12-381"))
		return g2 ? ZKM_BLS12_381_G2 : ZKM_BLS12_381_G1;
	die("--curve must be bn254 or bls12-381, not '%s'", o->curve);
}

static int parse_field(const struct opts *o)
{
	if (!o->field)
		die("--field is required");
	if (!strcmp(o->field, "bn254-fr"))
		return ZKM_BN254_FR;
	if (!strcmp(o->field, "bls12-381-fr"))
		return ZKM_BLS12_381_FR;
	if (!strcmp(o->field, "goldilocks"))
		return ZKM_GOLDILOCKS;
	die("--field must be bn254-fr, bls12-381-fr or goldilocks, not '%s'", o->field);
}

static enum zk_backend parse_backend(const struct opts *o)
{
	if (!o->backend || !strcmp(o->backend, "auto"))
		return ZK_BACKEND_AUTO;
	if (!strcmp(o->backend, "cpu"))
		return ZK_BACKEND_CPU;
	if (!strcmp(o->backend, "accel"))
		return ZK_BACKEND_ACCEL;
	die("--backend must be auto, cpu or accel, not '%s'", o->backend);
}

/* Map a whole input file read-only; *len gets its size. */
static void *map_input(const char *path, size_t *len, const char *what)
{
	struct stat st;
	void *p;
	int fd;

	if (!path)
		die("%s file is required", what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open %s file %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st))
		die("cannot stat %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("%s file %s is not a regular file", what, path);
	*len = (size_t)st.st_size;
	if (!*len) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("cannot map %s: %s", path, strerror(errno));
	close(fd);
	return p;
}

static void write_output(const char *path, const void *data, size_t len)
{
	FILE *f;

	if (!path)
		die("--out is required");
	f = fopen(path, "wb");
	if (!f)
		die("cannot create %s: %s", path, strerror(errno));
	if (len && fwrite(data, 1, len, f) != len)
		die("cannot write %s: %s", path, strerror(errno));
	if (fclose(f))
		die("cannot write %s: %s", path, strerror(errno));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct zk_ctx *open_ctx(const struct opts *o)
{
	struct zk_ctx *ctx;

	if (zk_open(&ctx, parse_backend(o)))
		die("%s", zk_last_error());
	return ctx;
}

static void report(struct zk_ctx *ctx, const char *op, double ms)
{
	struct zk_device *dev = zk_ctx_device(ctx);

	fprintf(stderr, "zkasic-run: %s on %s%s%s: %.3f ms\n", op,
		zk_backend_name(zk_ctx_backend(ctx)), dev ? " " : "",
		dev ? zk_device_info(dev)->path : "", ms);
}

static int cmd_msm(const struct opts *o)
{
	int curve = parse_curve(o);
	size_t pb = zkm_point_bytes(curve), sb = zkm_scalar_bytes(curve);
	size_t blen, slen, n;
	const void *bases = map_input(o->bases, &blen, "--bases");
	const void *scalars = map_input(o->scalars, &slen, "--scalars");
	uint8_t result[192];
	struct zk_ctx *ctx;
	double t;

	if (blen % pb)
		die("%s: %zu bytes is not a whole number of %zu-byte points", o->bases, blen, pb);
	if (slen % sb)
		die("%s: %zu bytes is not a whole number of %zu-byte scalars", o->scalars, slen, sb);
	n = blen / pb;
	if (slen / sb != n)
		die("%zu bases but %zu scalars", n, slen / sb);
	ctx = open_ctx(o);
	t = now_ms();
	if (zk_msm(ctx, curve, bases, scalars, n,
		   o->mont ? ZKM_MSM_SCALARS_MONT | ZKM_MSM_POINTS_MONT : 0, result))
		die("%s", zk_last_error());
	report(ctx, "msm", now_ms() - t);
	write_output(o->out, result, pb);
	zk_close(ctx);
	return 0;
}

static int cmd_ntt(const struct opts *o)
{
	int field = parse_field(o);
	size_t fb = zkm_field_bytes(field), len, n;
	const void *in = map_input(o->in, &len, "--in");
	unsigned int log_n = 0, flags = 0;
	struct zk_ctx *ctx;
	void *data;
	double t;

	if (!len || len % fb)
		die("%s: %zu bytes is not a whole number of %zu-byte elements", o->in, len, fb);
	n = len / fb;
	if (n & (n - 1))
		die("%s: %zu elements is not a power of two", o->in, n);
	while ((1UL << log_n) < n)
		log_n++;
	if (log_n > zkm_field_two_adicity(field))
		die("NTT of 2^%u exceeds the field's 2-adicity %u", log_n,
		    zkm_field_two_adicity(field));
	flags |= o->inverse ? ZKM_NTT_INVERSE : 0;
	flags |= o->coset ? ZKM_NTT_COSET : 0;
	flags |= o->mont ? ZKM_NTT_MONT : 0;
	data = malloc(len);
	if (!data)
		die("out of memory for %zu bytes", len);
	memcpy(data, in, len);
	ctx = open_ctx(o);
	t = now_ms();
	if (zk_ntt(ctx, field, data, log_n, 1, flags, NULL))
		die("%s", zk_last_error());
	report(ctx, "ntt", now_ms() - t);
	write_output(o->out, data, len);
	free(data);
	zk_close(ctx);
	return 0;
}

static uint64_t rng_state;

static uint64_t next_rand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random bytes with the top byte masked so the value is below the modulus. */
static void rand_elem(uint8_t *e, size_t len, uint8_t top_mask)
{
	for (size_t i = 0; i < len; i++)
		e[i] = (uint8_t)next_rand();
	e[len - 1] &= top_mask;
}

static int cmd_gen_msm(const struct opts *o)
{
	int curve = parse_curve(o);
	size_t pb = zkm_point_bytes(curve), n = o->n;
	uint8_t g[192], k[32];
	uint8_t *bases, *scalars;
	int ret;

	if (!n || n > (1ULL << 26))
		die("--n must be 1..2^26");
	bases = malloc(n * pb);
	scalars = malloc(n * 32);
	if (!bases || !scalars)
		die("out of memory");
	zk_curve_generator(curve, g);
	/* Bases k_i * G with small random k_i: valid and cheap to make. */
	for (size_t i = 0; i < n; i++) {
		memset(k, 0, sizeof(k));
		rand_elem(k, 8, 0xff);
		ret = zkm_msm(curve, g, k, 1, 0, bases + i * pb, NULL);
		if (ret)
			die("generating bases: %s", zkm_strerror(ret));
		rand_elem(scalars + 32 * i, 32, 0x0f);
	}
	write_output(o->bases, bases, n * pb);
	write_output(o->scalars, scalars, n * 32);
	free(bases);
	free(scalars);
	return 0;
}

static int cmd_gen_ntt(const struct opts *o)
{
	int field = parse_field(o);
	size_t fb = zkm_field_bytes(field), n;
	uint8_t *data;

	if (o->log2 > 26)
		die("--log2 must be at most 26");
	n = 1UL << o->log2;
	data = malloc(n * fb);
	if (!data)
		die("out of memory");
	for (size_t i = 0; i < n; i++)
		rand_elem(data + i * fb, fb, field == ZKM_GOLDILOCKS ? 0x7f : 0x0f);
	write_output(o->out, data, n * fb);
	free(data);
	return 0;
}

static int cmd_info(void)
{
	int n = zk_device_count();

	printf("%d zkasic device(s)\n", n);
	for (int i = 0; i < n; i++) {
		const struct zk_device_info *inf;
		struct zk_device *dev;

		if (zk_device_open(&dev, i)) {
			printf("  %d: %s\n", i, zk_last_error());
			continue;
		}
		inf = zk_device_info(dev);
		printf("  %d: %s pci %s sku %s spec %u.%u queues %u msm %u ntt %u vec %u devmem %llu MiB\n",
		       i, inf->path, inf->pci_slot, inf->sku ? "pro" : "air",
		       inf->spec_version >> 16, inf->spec_version & 0xffff, inf->num_queues,
		       inf->msm_engines, inf->ntt_engines, inf->vec_engines,
		       (unsigned long long)(inf->devmem_size >> 20));
		zk_device_close(dev);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "curve", required_argument, NULL, 'c' },
		{ "group", required_argument, NULL, 'g' },
		{ "field", required_argument, NULL, 'f' },
		{ "bases", required_argument, NULL, 'b' },
		{ "scalars", required_argument, NULL, 's' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "backend", required_argument, NULL, 'B' },
		{ "n", required_argument, NULL, 'n' },
		{ "log2", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 'S' },
		{ "mont", no_argument, NULL, 'm' },
		{ "inverse", no_argument, NULL, 'I' },
		{ "coset", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = { .seed = 1 };
	const char *cmd;
	int c;

	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.curve = optarg; break;
		case 'g': o.group = optarg; break;
		case 'f': o.field = optarg; break;
		case 'b': o.bases = optarg; break;
		case 's': o.scalars = optarg; break;
		case 'i': o.in = optarg; break;
		case 'o': o.out = optarg; break;
		case 'B': o.backend = optarg; break;
		case 'n': o.n = strtoull(optarg, NULL, 0); break;
		case 'l': o.log2 = strtoull(optarg, NULL, 0); break;
		case 'S': o.seed = strtoull(optarg, NULL, 0); break;
		case 'm': o.mont = 1; break;
		case 'I': o.inverse = 1; break;
		case 'C': o.coset = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		die("unexpected argument '%s'", argv[optind]);
	rng_state = o.seed * 0x9e3779b97f4a7c15ULL + 1;
	if (!strcmp(cmd, "msm"))
		return cmd_msm(&o);
	if (!strcmp(cmd, "ntt"))
		return cmd_ntt(&o);
	if (!strcmp(cmd, "gen-msm"))
		return cmd_gen_msm(&o);
	if (!strcmp(cmd, "gen-ntt"))
		return cmd_gen_ntt(&o);
	if (!strcmp(cmd, "info"))
		return cmd_info();
	usage();
}
