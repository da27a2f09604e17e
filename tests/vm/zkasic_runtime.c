// SPDX-License-Identifier: MIT
/*
 * libzkasic on two emulated devices, every result checked against the math
 * core on the CPU:
 *  - an MSM split across both devices and streamed in small parts (G1 and
 *    G2, both curves), summed on the host;
 *  - many asynchronous operations in flight at once;
 *  - NTT batches, coset NTTs with a shift, vector ops through the devices;
 *  - threads sharing one context, and processes each with their own;
 *  - ZKASIC_DEVICES selecting a device;
 *  - a buffer shared between the two devices through dma-buf.
 *
 * vm-run-args: --devices 2
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zkasic/zkasic.h>

#include "kselftest_harness.h"
#include "zk_vm_test.h"

static uint64_t rng_state = 0x5a4b2026;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Random scalars below 2^248 (so below r on both curves). */
static void random_scalars(uint8_t *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 4; k++) {
			uint64_t v = rnd();

			memcpy(s + 32 * i + 8 * k, &v, 8);
		}
		s[32 * i + 31] = 0;
	}
}

/* n points k_i * G, with one point at infinity and one repeated. */
static uint8_t *random_points(int curve, size_t n)
{
	size_t pb = zkm_point_bytes(curve), i;
	uint8_t *pts = malloc(n * pb), g[192], k[32];

	if (!pts || zk_curve_generator(curve, g))
		return NULL;
	for (i = 0; i < n; i++) {
		random_scalars(k, 1);
		if (zkm_msm(curve, g, k, 1, 0, pts + i * pb, NULL)) {
			free(pts);
			return NULL;
		}
	}
	if (n > 2) {
		memset(pts, 0, pb);
		memcpy(pts + pb, pts + 2 * pb, pb);
	}
	return pts;
}

/* zk_msm on @ctx equals the math core's MSM. */
static int msm_matches(struct zk_ctx *ctx, int curve, size_t n)
{
	size_t pb = zkm_point_bytes(curve);
	uint8_t *pts = random_points(curve, n), *sc = malloc(32 * n);
	uint8_t got[192], want[192];
	int ok;

	if (!pts || !sc)
		return 0;
	random_scalars(sc, n);
	ok = !zk_msm(ctx, curve, pts, sc, n, 0, got) &&
	     !zkm_msm(curve, pts, sc, n, 0, want, NULL) && !memcmp(got, want, pb);
	free(pts);
	free(sc);
	return ok;
}

FIXTURE(rt) {
	struct zk_ctx *ctx;
};

FIXTURE_SETUP(rt)
{
	/* Small parts, so an MSM of a few hundred points spans both devices. */
	setenv("ZKASIC_MSM_CHUNK_LOG2", "6", 1);
	unsetenv("ZKASIC_DEVICES");
	ASSERT_EQ(0, zk_open(&self->ctx, ZK_BACKEND_ACCEL)) TH_LOG("%s", zk_last_error());
}

FIXTURE_TEARDOWN(rt)
{
	zk_close(self->ctx);
}

TEST_F(rt, msm_split_across_two_devices_matches_cpu)
{
	ASSERT_EQ(2u, zk_ctx_device_count(self->ctx));
	EXPECT_TRUE(msm_matches(self->ctx, ZKM_BN254_G1, 1000));
	EXPECT_TRUE(msm_matches(self->ctx, ZKM_BN254_G2, 150));
	EXPECT_TRUE(msm_matches(self->ctx, ZKM_BLS12_381_G1, 300));
	EXPECT_TRUE(msm_matches(self->ctx, ZKM_BLS12_381_G2, 70));
	/* Edge sizes: empty, one point, exactly one part. */
	EXPECT_TRUE(msm_matches(self->ctx, ZKM_BN254_G1, 1));
	EXPECT_TRUE(msm_matches(self->ctx, ZKM_BN254_G1, 64));
	EXPECT_TRUE(msm_matches(self->ctx, ZKM_BN254_G1, 65));
}

/* zk_msm_sum on devices: each part an MSM of its own, added on the host. */
TEST_F(rt, msm_sum_of_parts_matches_cpu)
{
	size_t n = 400;
	uint8_t *pts = random_points(ZKM_BN254_G1, n), *sc = malloc(32 * n);
	uint8_t got[64], want[64];
	const struct zkm_msm_part parts[] = {
		{ pts, sc, 150 }, { NULL, NULL, 0 }, { pts + 150 * 64, sc + 150 * 32, 250 },
	};

	ASSERT_NE(NULL, pts);
	ASSERT_NE(NULL, sc);
	random_scalars(sc, n);
	ASSERT_EQ(0, zk_msm_sum(self->ctx, ZKM_BN254_G1, parts, 3, 0, got))
		TH_LOG("%s", zk_last_error());
	ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, pts, sc, n, 0, want, NULL));
	EXPECT_EQ(0, memcmp(got, want, 64));
	/* a bad scalar in the last part fails the whole sum */
	memset(sc + 32 * 399, 0xff, 32);
	EXPECT_EQ(-ERANGE, zk_msm_sum(self->ctx, ZKM_BN254_G1, parts, 3, 0, got));
	free(pts);
	free(sc);
}

TEST_F(rt, bad_scalar_in_a_late_part_is_reported)
{
	size_t n = 300;
	uint8_t *pts = random_points(ZKM_BN254_G1, n), *sc = malloc(32 * n), out[64];

	ASSERT_NE(NULL, pts);
	random_scalars(sc, n);
	memset(sc + 32 * 290, 0xff, 32);	/* >= r, in the fifth part */
	EXPECT_EQ(-ERANGE, zk_msm(self->ctx, ZKM_BN254_G1, pts, sc, n, 0, out));
	EXPECT_NE(NULL, strstr(zk_last_error(), "out of range"));
	/* The context keeps working. */
	EXPECT_TRUE(msm_matches(self->ctx, ZKM_BN254_G1, 100));
	free(pts);
	free(sc);
}

TEST_F(rt, many_async_operations_in_flight)
{
	enum { OPS = 8, N = 200, LOG = 10 };
	uint8_t *pts = random_points(ZKM_BN254_G1, N), *sc[OPS], got[OPS][64], want[64];
	uint64_t *vec[OPS], *orig[OPS];
	struct zk_op *msm[OPS], *ntt[OPS];
	int i, k;

	ASSERT_NE(NULL, pts);
	for (i = 0; i < OPS; i++) {
		sc[i] = malloc(32 * N);
		vec[i] = malloc(8 << LOG);
		orig[i] = malloc(8 << LOG);
		random_scalars(sc[i], N);
		for (k = 0; k < 1 << LOG; k++)
			vec[i][k] = rnd() % 0xffffffff00000001ULL;
		memcpy(orig[i], vec[i], 8 << LOG);
	}
	for (i = 0; i < OPS; i++) {
		ASSERT_EQ(0, zk_msm_async(self->ctx, ZKM_BN254_G1, pts, sc[i], N, 0, got[i],
					  &msm[i]));
		ASSERT_EQ(0, zk_ntt_async(self->ctx, ZKM_GOLDILOCKS, vec[i], LOG, 1, 0, NULL,
					  &ntt[i]));
	}
	for (i = OPS - 1; i >= 0; i--) {	/* any order */
		EXPECT_EQ(0, zk_op_wait(ntt[i]));
		EXPECT_EQ(0, zk_op_wait(msm[i]));
		ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, pts, sc[i], N, 0, want, NULL));
		EXPECT_EQ(0, memcmp(want, got[i], 64)) TH_LOG("MSM %d", i);
	}
	/* Each vector the devices transformed inverts back on the CPU. */
	for (i = 0; i < OPS; i++) {
		EXPECT_NE(0, memcmp(orig[i], vec[i], 8 << LOG));
		ASSERT_EQ(0, zkm_ntt(ZKM_GOLDILOCKS, vec[i], LOG, 1, ZKM_NTT_INVERSE, NULL, NULL));
		EXPECT_EQ(0, memcmp(orig[i], vec[i], 8 << LOG)) TH_LOG("NTT %d", i);
		free(sc[i]);
		free(vec[i]);
		free(orig[i]);
	}
	free(pts);
}

TEST_F(rt, ntt_batches_cosets_and_vector_ops_match_cpu)
{
	enum { LOG = 9, BATCH = 6 };
	size_t n = (size_t)BATCH << LOG, i;
	uint8_t *dev = malloc(32 * n), *cpu = malloc(32 * n), shift[32] = { 9 };
	uint8_t *b = malloc(32 * n);

	random_scalars(dev, n);
	random_scalars(b, n);
	memcpy(cpu, dev, 32 * n);
	ASSERT_EQ(0, zk_ntt(self->ctx, ZKM_BN254_FR, dev, LOG, BATCH, 0, shift));
	ASSERT_EQ(0, zkm_ntt(ZKM_BN254_FR, cpu, LOG, BATCH, ZKM_NTT_COSET_SHIFT, shift, NULL));
	EXPECT_EQ(0, memcmp(dev, cpu, 32 * n));
	ASSERT_EQ(0, zk_ntt(self->ctx, ZKM_BLS12_381_FR, dev, LOG, BATCH,
			    ZKM_NTT_INVERSE | ZKM_NTT_BITREV_OUT, NULL));
	ASSERT_EQ(0, zkm_ntt(ZKM_BLS12_381_FR, cpu, LOG, BATCH,
			     ZKM_NTT_INVERSE | ZKM_NTT_BITREV_OUT, NULL, NULL));
	EXPECT_EQ(0, memcmp(dev, cpu, 32 * n));
	for (i = 0; i < n; i++) {	/* back below the BN254 modulus */
		dev[32 * i + 31] = 0;
		cpu[32 * i + 31] = 0;
	}
	ASSERT_EQ(0, zk_vec(self->ctx, ZKM_BN254_FR, ZKM_VEC_MUL, dev, b, dev, n, 0));
	ASSERT_EQ(0, zkm_vec(ZKM_BN254_FR, ZKM_VEC_MUL, cpu, b, cpu, n, 0, NULL));
	EXPECT_EQ(0, memcmp(dev, cpu, 32 * n));
	ASSERT_EQ(0, zk_vec(self->ctx, ZKM_BN254_FR, ZKM_VEC_SCALE, dev, shift, dev, n, 0));
	ASSERT_EQ(0, zkm_vec(ZKM_BN254_FR, ZKM_VEC_SCALE, cpu, shift, cpu, n, 0, NULL));
	EXPECT_EQ(0, memcmp(dev, cpu, 32 * n));
	free(dev);
	free(cpu);
	free(b);
}

/* Staging buffers of many sizes come and go through the context's cache. */
TEST_F_TIMEOUT(rt, staging_buffer_cache_churn, 120)
{
	static const unsigned int sizes[] = { 5, 300, 64, 129, 400, 1, 200, 65 };
	unsigned int i, k;
	uint64_t *v;

	for (i = 0; i < 16; i++) {
		unsigned int log = 6 + (i * 5) % 11;

		EXPECT_TRUE(msm_matches(self->ctx, ZKM_BN254_G1, sizes[i % 8])) TH_LOG("%u", i);
		v = malloc(8 << log);
		for (k = 0; k < 1u << log; k++)
			v[k] = rnd() % 0xffffffff00000001ULL;
		ASSERT_EQ(0, zk_ntt(self->ctx, ZKM_GOLDILOCKS, v, log, 1, 0, NULL));
		ASSERT_EQ(0, zk_ntt(self->ctx, ZKM_GOLDILOCKS, v, log, 1, ZKM_NTT_INVERSE, NULL));
		free(v);
	}
}

TEST_F_TIMEOUT(rt, resident_bases_split_over_devices_and_lost_in_a_reset, 120)
{
	size_t n = 500;
	uint8_t *pts = random_points(ZKM_BN254_G1, n), *sc = malloc(32 * n), got[64], want[64];
	struct zk_bases *b;
	char path[PATH_MAX];
	FILE *f;
	int round;

	ASSERT_NE(NULL, pts);
	ASSERT_EQ(0, zk_bases_load(self->ctx, ZKM_BN254_G1, pts, n, 0, &b))
		TH_LOG("%s", zk_last_error());
	for (round = 0; round < 3; round++) {
		random_scalars(sc, n);
		ASSERT_EQ(0, zk_msm_bases(self->ctx, b, sc, 0, got)) TH_LOG("%s", zk_last_error());
		ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, pts, sc, n, 0, want, NULL));
		EXPECT_EQ(0, memcmp(want, got, 64)) TH_LOG("round %d", round);
	}
	/* A reset of one device wipes its share: the MSM says so. */
	ASSERT_EQ(0, zk_debugfs_file(1, "reset", path, sizeof(path)));
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "1\n");
	ASSERT_EQ(0, fclose(f));
	EXPECT_EQ(-ECANCELED, zk_msm_bases(self->ctx, b, sc, 0, got));
	EXPECT_NE(NULL, strstr(zk_last_error(), "lost in a device reset"));
	zk_bases_free(b);
	ASSERT_EQ(0, zk_bases_load(self->ctx, ZKM_BN254_G1, pts, n, 0, &b));
	ASSERT_EQ(0, zk_msm_bases(self->ctx, b, sc, 0, got)) TH_LOG("%s", zk_last_error());
	EXPECT_EQ(0, memcmp(want, got, 64));
	zk_bases_free(b);
	free(pts);
	free(sc);
}

struct thread_arg {
	struct zk_ctx *ctx;
	int ok;
	int id;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	int i;

	a->ok = 1;
	for (i = 0; i < 3; i++)
		a->ok &= msm_matches(a->ctx, a->id % 2 ? ZKM_BN254_G1 : ZKM_BLS12_381_G1,
				     90 + 10 * a->id);
	return NULL;
}

TEST_F(rt, threads_share_a_context)
{
	struct thread_arg args[4];
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++) {
		args[i].ctx = self->ctx;
		args[i].id = i;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, thread_main, &args[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		EXPECT_TRUE(args[i].ok) TH_LOG("thread %d", i);
	}
}

TEST_F(rt, processes_share_the_devices)
{
	pid_t pid[3];
	int i, status;

	for (i = 0; i < 3; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			struct zk_ctx *ctx;
			int ok;

			rng_state += 1000 * (i + 1);
			if (zk_open(&ctx, ZK_BACKEND_ACCEL))
				_exit(2);
			ok = msm_matches(ctx, ZKM_BN254_G1, 300) &&
			     msm_matches(ctx, ZKM_BLS12_381_G2, 40);
			zk_close(ctx);
			_exit(ok ? 0 : 1);
		}
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("process %d: %#x", i, status);
	}
}

TEST_F(rt, zkasic_devices_selects_devices)
{
	struct zk_ctx *one;

	setenv("ZKASIC_DEVICES", "1", 1);
	ASSERT_EQ(0, zk_open(&one, ZK_BACKEND_ACCEL));
	EXPECT_EQ(1u, zk_ctx_device_count(one));
	EXPECT_NE(NULL, strstr(zk_device_info(zk_ctx_device(one))->path, "accel1"));
	EXPECT_TRUE(msm_matches(one, ZKM_BN254_G1, 100));
	zk_close(one);
	setenv("ZKASIC_DEVICES", "7", 1);
	EXPECT_EQ(-EINVAL, zk_open(&one, ZK_BACKEND_ACCEL));
	unsetenv("ZKASIC_DEVICES");
}

TEST_F(rt, dma_buf_shared_between_devices)
{
	struct zk_device *d0 = zk_ctx_device_at(self->ctx, 0);
	struct zk_device *d1 = zk_ctx_device_at(self->ctx, 1);
	struct zk_buffer *src, *imp;
	struct zk_batch *batch;
	int fd;

	ASSERT_NE(NULL, d1);
	ASSERT_EQ(0, zk_buffer_alloc(d0, 8192, 0, &src));
	memset(src->map, 0x11, 8192);
	ASSERT_EQ(0, zk_buffer_export(src, &fd)) TH_LOG("%s", zk_last_error());
	ASSERT_EQ(0, zk_buffer_import(d1, fd, &imp)) TH_LOG("%s", zk_last_error());
	close(fd);
	EXPECT_EQ(8192u, imp->size);
	/* Device 1 writes through its own MMU; the exporter's pages change. */
	ASSERT_EQ(0, zk_batch_new(d1, 0, &batch));
	zk_prep_fill(zk_batch_get_cmd(batch), imp->iova + 4096, 0x22, 4096);
	ASSERT_EQ(0, zk_batch_run(batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	EXPECT_EQ(0x11, ((uint8_t *)src->map)[4095]);
	EXPECT_EQ(0x22, ((uint8_t *)src->map)[4096]);
	EXPECT_EQ(0x22, ((uint8_t *)imp->map)[8191]);
	zk_batch_free(batch);
	zk_buffer_free(imp);
	zk_buffer_free(src);
}

TEST_HARNESS_MAIN
