// SPDX-License-Identifier: MIT
/*
 * zkasic-bench-stack: what the stack costs on top of the engines. Run it
 * where a zkasic device is (in the VM: tools/vm-run -- build/bin/zkasic-bench-stack).
 *
 * For MSM and NTT it prints, per size: the wall time of one zk_msm()/zk_ntt()
 * call through runtime, ioctl, driver, queue, DMA and interrupt; the time
 * the device spent on the batch (its completion timestamps); their ratio
 * (the stack's overhead factor; goal <= 1.05 for MSM 2^16); and the same
 * operation computed in this process by the math core (in a TCG guest that
 * figure is slowed by emulation, which the device's engines are not).
 *
 * For submission it prints the per-command cost of NOP batches of 1, 8 and
 * 64 commands and the ratio batch-1 / batch-64 (goal >= 20).
 *
 *   zkasic-bench-stack [--runs N] [--msm-log2 a,b] [--ntt-log2 a,b] [--json]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zkasic/zkasic.h>

static int json;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what)
{
	fprintf(stderr, "zkasic-bench-stack: %s: %s\n", what, zk_last_error());
	exit(1);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rand64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void print_op(const char *op, const char *kind, unsigned int log2, double stack_ms,
		     double device_ms, double cpu_ms)
{
	if (json)
		printf("{\"op\":\"%s\",\"kind\":\"%s\",\"log2\":%u,\"stack_ms\":%.3f,"
		       "\"device_ms\":%.3f,\"overhead\":%.3f,\"inprocess_cpu_ms\":%.3f}\n",
		       op, kind, log2, stack_ms, device_ms, stack_ms / device_ms, cpu_ms);
	else
		printf("%-4s %-10s 2^%-3u stack %9.3f ms  device %9.3f ms  overhead x%.3f"
		       "  in-process math core %9.3f ms\n",
		       op, kind, log2, stack_ms, device_ms, stack_ms / device_ms, cpu_ms);
}

/*
 * Time one operation through the accel context: @run does the call; the
 * device time is read from the last job (zk_ctx runs one job per call).
 */
static void bench_msm(struct zk_ctx *ctx, struct zk_device *dev, unsigned int log2, int runs)
{
	size_t n = (size_t)1 << log2, pb = zkm_point_bytes(ZKM_BN254_G1);
	uint8_t *bases = malloc(n * pb), *scalars = malloc(n * 32), g[64], k[32] = { 0 };
	uint8_t out[64], want[64];
	double stack[64], device[64], cpu[64];
	struct zk_buffer *buf;
	struct zk_batch *b;

	if (!bases || !scalars)
		die("out of memory");
	zk_curve_generator(ZKM_BN254_G1, g);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = rand64();

		memcpy(k, &v, 8);
		if (zkm_msm(ZKM_BN254_G1, g, k, 1, 0, bases + i * pb, NULL))
			die("bases");
		for (int j = 0; j < 32; j += 8) {
			v = rand64();
			memcpy(scalars + i * 32 + j, &v, 8);
		}
		scalars[i * 32 + 31] &= 0x0f;
	}
	/* Device time: the same command from a resident copy, read from WAIT. */
	if (zk_buffer_alloc(dev, n * pb + n * 32 + 64, 0, &buf) || zk_batch_new(dev, 1, &b))
		die("buffers");
	memcpy(buf->map, bases, n * pb);
	memcpy((uint8_t *)buf->map + n * pb, scalars, n * 32);
	for (int r = 0; r < runs; r++) {
		struct zk_result res;
		double t = now_ms();

		if (zk_msm(ctx, ZKM_BN254_G1, bases, scalars, n, 0, out))
			die("zk_msm");
		stack[r] = now_ms() - t;
		zk_prep_msm(zk_batch_get_cmd(b), ZKM_BN254_G1, buf->iova, buf->iova + n * pb,
			    (uint32_t)n, buf->iova + n * pb + n * 32, 0);
		if (zk_batch_run(b, 0, &res))
			die("device MSM");
		device[r] = res.device_ns / 1e6;
		t = now_ms();
		if (zkm_msm(ZKM_BN254_G1, bases, scalars, n, 0, want, NULL))
			die("math core MSM");
		cpu[r] = now_ms() - t;
		if (memcmp(out, want, pb)) {
			fprintf(stderr, "zkasic-bench-stack: device and math core MSM differ\n");
			exit(1);
		}
	}
	print_op("msm", "bn254-g1", log2, median(stack, runs), median(device, runs),
		 median(cpu, runs));
	zk_batch_free(b);
	zk_buffer_free(buf);
	free(bases);
	free(scalars);
}

static void bench_ntt(struct zk_ctx *ctx, struct zk_device *dev, unsigned int log2, int runs)
{
	size_t n = (size_t)1 << log2;
	uint64_t *data = malloc(n * 8), *copy = malloc(n * 8);
	double stack[64], device[64], cpu[64];
	struct zk_buffer *buf;
	struct zk_batch *b;

	if (!data || !copy)
		die("out of memory");
	for (size_t i = 0; i < n; i++)
		data[i] = rand64() % 0xffffffff00000001ULL;
	if (zk_buffer_alloc(dev, n * 8, 0, &buf) || zk_batch_new(dev, 1, &b))
		die("buffers");
	memcpy(buf->map, data, n * 8);
	for (int r = 0; r < runs; r++) {
		struct zk_result res;
		double t;

		memcpy(copy, data, n * 8);
		t = now_ms();
		if (zk_ntt(ctx, ZKM_GOLDILOCKS, copy, log2, 1, 0, NULL))
			die("zk_ntt");
		stack[r] = now_ms() - t;
		zk_prep_ntt(zk_batch_get_cmd(b), ZKM_GOLDILOCKS, buf->iova, buf->iova, log2, 1, 0);
		if (zk_batch_run(b, 0, &res))
			die("device NTT");
		device[r] = res.device_ns / 1e6;
		memcpy(copy, data, n * 8);
		t = now_ms();
		if (zkm_ntt(ZKM_GOLDILOCKS, copy, log2, 1, 0, NULL, NULL))
			die("math core NTT");
		cpu[r] = now_ms() - t;
	}
	print_op("ntt", "goldilocks", log2, median(stack, runs), median(device, runs),
		 median(cpu, runs));
	zk_batch_free(b);
	zk_buffer_free(buf);
	free(data);
	free(copy);
}

/* Per-command cost of NOP batches: submit many, wait for the last. */
static double nop_cost_us(struct zk_device *dev, unsigned int size, unsigned int batches)
{
	struct zk_batch *b;
	uint64_t seqno = 0;
	double t;

	if (zk_batch_new(dev, size, &b))
		die("batch");
	t = now_ms();
	for (unsigned int i = 0; i < batches; i++) {
		for (unsigned int c = 0; c < size; c++)
			zk_prep_nop(zk_batch_get_cmd(b));
		/* One queue runs in order: the last job done means all are. */
		if (zk_batch_submit(b, 0, 0, &seqno))
			die("submit");
		/* Stay well inside the results the driver keeps per context. */
		if (i % 1024 == 1023 && zk_wait(dev, seqno, -1, NULL))
			die("wait");
	}
	if (zk_wait(dev, seqno, -1, NULL))
		die("wait");
	t = now_ms() - t;
	zk_batch_free(b);
	return t * 1e3 / ((double)size * batches);
}

static int parse_list(const char *s, unsigned int *v, int max)
{
	int n = 0;

	while (*s && n < max) {
		char *end;

		v[n++] = (unsigned int)strtoul(s, &end, 10);
		if (end == s)
			return -1;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

int main(int argc, char **argv)
{
	unsigned int msm_log2[8] = { 12, 16 }, ntt_log2[8] = { 16, 20 };
	int nmsm = 2, nntt = 2, runs = 3;
	struct zk_device *dev;
	struct zk_ctx *ctx;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (v && !strcmp(argv[i], "--runs")) {
			runs = atoi(v);
			i++;
		} else if (v && !strcmp(argv[i], "--msm-log2")) {
			nmsm = parse_list(v, msm_log2, 8);
			i++;
		} else if (v && !strcmp(argv[i], "--ntt-log2")) {
			nntt = parse_list(v, ntt_log2, 8);
			i++;
		} else {
			fprintf(stderr, "usage: zkasic-bench-stack [--runs N] [--msm-log2 a,b] "
				"[--ntt-log2 a,b] [--json]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 64 || nmsm < 0 || nntt < 0) {
		fprintf(stderr, "zkasic-bench-stack: bad arguments\n");
		return 2;
	}
	if (zk_open(&ctx, ZK_BACKEND_ACCEL))
		die("no device");
	dev = zk_ctx_device(ctx);
	if (!json)
		printf("# %s: %s SKU; median of %d runs\n", zk_device_info(dev)->path,
		       zk_device_info(dev)->sku ? "pro" : "air", runs);
	for (int i = 0; i < nmsm; i++)
		bench_msm(ctx, dev, msm_log2[i], runs);
	for (int i = 0; i < nntt; i++)
		bench_ntt(ctx, dev, ntt_log2[i], runs);

	double c1 = nop_cost_us(dev, 1, 2048), c8 = nop_cost_us(dev, 8, 512);
	double c64 = nop_cost_us(dev, 64, 128);

	if (json)
		printf("{\"op\":\"nop\",\"us_per_cmd\":{\"1\":%.3f,\"8\":%.3f,\"64\":%.3f},"
		       "\"batch1_over_batch64\":%.2f}\n", c1, c8, c64, c1 / c64);
	else
		printf("nop  per-command cost: batch 1 %.3f us, batch 8 %.3f us, batch 64 %.3f us;"
		       " batch 1 / batch 64 = x%.1f\n", c1, c8, c64, c1 / c64);
	zk_close(ctx);
	return 0;
}
