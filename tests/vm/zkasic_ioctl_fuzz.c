// SPDX-License-Identifier: MIT
/*
 * Ioctl fuzzing: several processes throw random and mutated arguments at
 * every ioctl of the driver (its own and the DRM core's GEM, PRIME and
 * syncobj calls it serves), plus mmap at random offsets, for a bounded time
 * (ZKASIC_FUZZ_SECONDS, default 20). Commands are random or mutated from
 * valid ones and aim at their own buffers, at random addresses and at the
 * addresses another process's buffers have in that process.
 *
 * Afterwards: no oops (tools/vm-run fails the run on any), a victim
 * process's buffer is unchanged (isolation under fire), the driver's live
 * objects (debugfs "objects") are back to where they started, and the
 * device still computes. The figures go to the KTAP log.
 */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>

#include "kselftest_harness.h"
#include "zk_vm_test.h"

#define WORKERS		3
#define MAX_HANDLES	32
#define MAX_BO		(1U << 20)

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	/* splitmix64: fast, and every worker gets its own stream. */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* Interesting 64-bit values: edges, page sizes, kernel pointers. */
static uint64_t edge(struct rng *r)
{
	static const uint64_t v[] = {
		0, 1, 7, 8, 4095, 4096, 4097, 1ULL << 20, 1ULL << 26, (1ULL << 26) + 1,
		1ULL << 32, 1ULL << 39, (1ULL << 39) - 8, 1ULL << 47, 0xffffffffULL,
		0x7fffffffffffffffULL, ~0ULL, ~0ULL - 7, 0xffff888000000000ULL,
		0xffffffff81000000ULL,
	};

	return rnd(r) & 1 ? v[below(r, sizeof(v) / sizeof(v[0]))] : rnd(r);
}

struct worker {
	int fd;
	struct rng r;
	uint32_t handles[MAX_HANDLES];
	uint64_t iovas[MAX_HANDLES];
	uint64_t sizes[MAX_HANDLES];
	unsigned int nh;
	uint64_t victim_iova;
	uint64_t counts[2];	/* calls, submits the driver accepted */
};

static uint32_t pick_handle(struct worker *w)
{
	if (w->nh && below(&w->r, 4))
		return w->handles[below(&w->r, w->nh)];
	return (uint32_t)edge(&w->r);
}

/* An address: inside one of our buffers, the victim's, or anywhere. */
static uint64_t pick_addr(struct worker *w)
{
	unsigned int i;

	switch (below(&w->r, 4)) {
	case 0:
	case 1:
		if (!w->nh)
			break;
		i = below(&w->r, w->nh);
		return w->iovas[i] + (below(&w->r, w->sizes[i] / 8) * 8);
	case 2:
		return w->victim_iova + below(&w->r, 512) * 8;
	}
	return edge(&w->r);
}

/* A command the device accepts, on our own buffers (or a NOP). */
static void valid_cmd(struct worker *w, struct drm_zkasic_cmd *c)
{
	uint64_t size = w->nh ? w->sizes[0] : 0, base = w->nh ? w->iovas[0] : 0;

	memset(c, 0, sizeof(*c));
	if (size < 4096) {
		c->opcode = DRM_ZKASIC_OP_NOP;
		return;
	}
	switch (below(&w->r, 6)) {
	case 0:
		c->opcode = DRM_ZKASIC_OP_FILL;
		c->dst = base + below(&w->r, size / 16) * 8;
		c->count = below(&w->r, size / 2);
		c->arg = below(&w->r, 256);
		break;
	case 1:
		c->opcode = DRM_ZKASIC_OP_COPY;
		c->src0 = base;
		c->dst = base + size / 2;
		c->count = below(&w->r, size / 2);
		break;
	case 2:
		/* Zeroed or random points: infinity, or rejected as off-curve. */
		c->opcode = DRM_ZKASIC_OP_MSM;
		c->kind = 1 + below(&w->r, 4);
		c->count = below(&w->r, size / 512);
		c->src0 = base;
		c->src1 = base + size / 2;
		c->dst = base + size - 256;
		break;
	case 3:
		c->opcode = DRM_ZKASIC_OP_NTT;
		c->kind = 1 + below(&w->r, 3);
		c->count = 1U << below(&w->r, 7);
		c->flags = below(&w->r, 32) & ~DRM_ZKASIC_NTT_F_COSET_SHIFT;
		c->src0 = base;
		c->dst = base;
		c->arg = 1;
		break;
	case 4:
		c->opcode = DRM_ZKASIC_OP_VEC;
		c->kind = 1 + below(&w->r, 3);
		c->arg = below(&w->r, 3);
		c->count = below(&w->r, size / 128);
		c->src0 = base;
		c->src1 = base + size / 4;
		c->dst = base + size / 2;
		break;
	default:
		c->opcode = DRM_ZKASIC_OP_FENCE;
		break;
	}
}

/* A valid command with, often, one field changed to something else. */
static void random_cmd(struct worker *w, struct drm_zkasic_cmd *c, int mutate)
{
	valid_cmd(w, c);
	if (!mutate)
		return;
	switch (below(&w->r, 9)) {
	case 0: c->opcode = (uint8_t)rnd(&w->r); break;
	case 1: c->kind = (uint8_t)below(&w->r, 8); break;
	case 2: c->flags = (uint16_t)rnd(&w->r); break;
	case 3: c->count = (uint32_t)edge(&w->r); break;
	case 4: c->src0 = pick_addr(w); break;
	case 5: c->src1 = pick_addr(w); break;
	case 6: c->dst = pick_addr(w); break;
	case 7: c->arg = edge(&w->r); break;
	default: c->reserved[below(&w->r, 3)] = rnd(&w->r); break;
	}
}

static void do_bo_create(struct worker *w)
{
	struct drm_zkasic_bo_create bc = { 0 };

	bc.size = below(&w->r, 8) ? 1 + below(&w->r, MAX_BO) : edge(&w->r);
	bc.flags = below(&w->r, 4) ? 0 : (below(&w->r, 2) ? DRM_ZKASIC_BO_DEVMEM : (uint32_t)rnd(&w->r));
	if (zk_raw_ioctl(w->fd, DRM_IOCTL_ZKASIC_BO_CREATE, &bc))
		return;
	if (w->nh == MAX_HANDLES) {
		struct drm_gem_close gc = { .handle = w->handles[0] };

		zk_raw_ioctl(w->fd, DRM_IOCTL_GEM_CLOSE, &gc);
		w->nh--;
		memmove(w->handles, w->handles + 1, w->nh * sizeof(w->handles[0]));
		memmove(w->iovas, w->iovas + 1, w->nh * sizeof(w->iovas[0]));
		memmove(w->sizes, w->sizes + 1, w->nh * sizeof(w->sizes[0]));
	}
	w->handles[w->nh] = bc.handle;
	w->iovas[w->nh] = bc.iova;
	w->sizes[w->nh] = bc.size;
	w->nh++;
}

static void do_submit(struct worker *w)
{
	struct drm_zkasic_cmd cmds[8];
	uint32_t syncs[4];
	struct drm_zkasic_submit s = { 0 };
	struct drm_syncobj_create sc = { 0 };
	unsigned int n = 1 + below(&w->r, 8), i, bad;

	/* Half the batches carry one mutated command somewhere. */
	bad = below(&w->r, 2) ? below(&w->r, n) : n;
	for (i = 0; i < n; i++)
		random_cmd(w, &cmds[i], i == bad);
	for (i = 0; i < 4; i++)
		syncs[i] = (uint32_t)below(&w->r, 16);
	s.cmds = below(&w->r, 32) ? (uintptr_t)cmds : edge(&w->r);
	s.cmd_count = below(&w->r, 32) ? n : (uint32_t)edge(&w->r);
	s.in_syncobjs = below(&w->r, 32) ? (uintptr_t)syncs : edge(&w->r);
	s.in_syncobj_count = below(&w->r, 8) ? 0 : (uint32_t)below(&w->r, 6);
	if (!below(&w->r, 4) && !zk_raw_ioctl(w->fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		s.out_syncobj = sc.handle;
	else if (!below(&w->r, 8))
		s.out_syncobj = (uint32_t)edge(&w->r);
	s.queue = below(&w->r, 32) ? below(&w->r, 4) : (uint32_t)edge(&w->r);
	s.flags = below(&w->r, 32) ? below(&w->r, 3) : (uint32_t)rnd(&w->r);
	s.pad = below(&w->r, 32) ? 0 : 1;
	if (!zk_raw_ioctl(w->fd, DRM_IOCTL_ZKASIC_SUBMIT, &s))
		w->counts[1]++;
	if (sc.handle) {
		struct drm_syncobj_destroy sd = { .handle = sc.handle };

		zk_raw_ioctl(w->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
	}
}

static void do_misc(struct worker *w)
{
	switch (below(&w->r, 8)) {
	case 0: {
		struct drm_zkasic_get_param gp = {
			.param = below(&w->r, 2) ? below(&w->r, 20) : (uint32_t)rnd(&w->r),
			.pad = below(&w->r, 8) ? 0 : 1,
		};

		zk_raw_ioctl(w->fd, DRM_IOCTL_ZKASIC_GET_PARAM, &gp);
		break;
	}
	case 1: {
		struct drm_zkasic_bo_info bi = {
			.handle = pick_handle(w),
			.flags = below(&w->r, 8) ? 0 : (uint32_t)rnd(&w->r),
		};

		zk_raw_ioctl(w->fd, DRM_IOCTL_ZKASIC_BO_INFO, &bi);
		break;
	}
	case 2: {
		struct drm_zkasic_wait wt = {
			.seqno = below(&w->r, 2) ? below(&w->r, 64) : edge(&w->r),
			.timeout_ns = below(&w->r, 4) ? (int64_t)below(&w->r, 1000000)
						      : (int64_t)edge(&w->r) % 1000000,
			.flags = below(&w->r, 8) ? 0 : 1,
		};

		zk_raw_ioctl(w->fd, DRM_IOCTL_ZKASIC_WAIT, &wt);
		break;
	}
	case 3: {
		struct drm_prime_handle ph = {
			.handle = pick_handle(w),
			.flags = below(&w->r, 4) ? DRM_CLOEXEC | DRM_RDWR : (uint32_t)rnd(&w->r),
		};

		if (!zk_raw_ioctl(w->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph)) {
			struct drm_prime_handle back = { .fd = ph.fd };

			/* Importing our own export gives the same object back. */
			zk_raw_ioctl(w->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &back);
			close(ph.fd);
		}
		break;
	}
	case 4: {
		struct drm_prime_handle ph = { .fd = (int)below(&w->r, 64) };

		zk_raw_ioctl(w->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph);
		break;
	}
	case 5: {
		void *p = mmap(NULL, 4096 << below(&w->r, 4), PROT_READ | PROT_WRITE,
			       MAP_SHARED, w->fd, (off_t)(edge(&w->r) & ~4095ULL));

		if (p != MAP_FAILED)
			munmap(p, 4096);
		break;
	}
	case 6: {
		/* Our ioctl numbers with another size, and unknown numbers. */
		unsigned long nr = DRM_COMMAND_BASE + below(&w->r, 8);
		uint8_t buf[256] = { 0 };

		zk_raw_ioctl(w->fd, _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE, nr,
					 below(&w->r, sizeof(buf))), buf);
		break;
	}
	default: {
		struct drm_gem_close gc = { .handle = pick_handle(w) };
		unsigned int i;

		if (zk_raw_ioctl(w->fd, DRM_IOCTL_GEM_CLOSE, &gc))
			break;
		for (i = 0; i < w->nh; i++)
			if (w->handles[i] == gc.handle)
				break;
		if (i < w->nh) {
			w->nh--;
			w->handles[i] = w->handles[w->nh];
			w->iovas[i] = w->iovas[w->nh];
			w->sizes[i] = w->sizes[w->nh];
		}
	}
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One fuzzing process: reports its call count through @out. */
static void fuzz_worker(unsigned int id, uint64_t victim_iova, double seconds, int out)
{
	struct worker w = { .r.s = 0x5a4b0001ULL * (id + 1) ^ (uint64_t)getpid() };
	double end = now_s() + seconds;

	w.victim_iova = victim_iova;
	w.fd = zk_test_open();
	if (w.fd < 0)
		_exit(1);
	while (now_s() < end) {
		unsigned int what = below(&w.r, 8);

		if (what < 2)
			do_bo_create(&w);
		else if (what < 5)
			do_submit(&w);
		else
			do_misc(&w);
		w.counts[0]++;
		/* Now and then start over with a fresh context. */
		if (!below(&w.r, 2000)) {
			close(w.fd);
			w.fd = zk_test_open();
			w.nh = 0;
			if (w.fd < 0)
				_exit(1);
		}
	}
	if (write(out, w.counts, sizeof(w.counts)) != sizeof(w.counts))
		_exit(1);
	close(w.fd);
	_exit(0);
}

/* The device's debugfs "objects" line values, or -1. */
static int read_objects(long v[4])
{
	char path[PATH_MAX], name[32];
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/debug/accel");
	FILE *f = NULL;
	int i;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/objects",
				 de->d_name);
			break;
		}
	closedir(d);
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (i = 0; i < 4; i++)
		if (fscanf(f, "%31s %ld", name, &v[i]) != 2)
			break;
	fclose(f);
	return i == 4 ? 0 : -1;
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, ioctls_survive_random_and_mutated_arguments, 300)
{
	const char *env = getenv("ZKASIC_FUZZ_SECONDS");
	double seconds = env ? atof(env) : 20, t0;
	long before[4], after[4] = { 0 };
	struct drm_zkasic_bo_create victim;
	struct drm_zkasic_cmd fill;
	struct drm_zkasic_wait wt;
	uint64_t total = 0, accepted = 0, counts[2];
	int vfd, pipefd[2], status, i;
	pid_t pids[WORKERS];
	uint8_t *vmap;

	ASSERT_EQ(0, read_objects(before));
	/* The victim: a buffer whose contents nobody else may change. */
	vfd = zk_test_open();
	ASSERT_LE(0, vfd);
	ASSERT_EQ(0, zk_test_bo(vfd, 4096, &victim));
	vmap = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, victim.mmap_offset);
	ASSERT_NE(MAP_FAILED, vmap);
	memset(vmap, 0xa5, 4096);

	ASSERT_EQ(0, pipe(pipefd));
	t0 = now_s();
	for (i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			fuzz_worker(i, victim.iova, seconds, pipefd[1]);
	}
	for (i = 0; i < WORKERS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("worker %d: status %#x", i, status);
		if (read(pipefd[0], counts, sizeof(counts)) == sizeof(counts)) {
			total += counts[0];
			accepted += counts[1];
		}
	}
	close(pipefd[0]);
	close(pipefd[1]);

	/* Isolation: the victim's page is as it left it. */
	for (i = 0; i < 4096; i++)
		if (vmap[i] != 0xa5)
			break;
	EXPECT_EQ(4096, i) TH_LOG("victim byte %d changed to %#x", i, vmap[i]);

	/* The device still computes, for the victim too. */
	memset(&fill, 0, sizeof(fill));
	fill.opcode = DRM_ZKASIC_OP_FILL;
	fill.dst = victim.iova;
	fill.count = 64;
	fill.arg = 0x3c;
	ASSERT_EQ(0, zk_test_run(vfd, &fill, 1, &wt));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, wt.status);
	EXPECT_EQ(0x3c, vmap[63]);
	EXPECT_EQ(0xa5, vmap[64]);
	munmap(vmap, 4096);
	close(vfd);

	/* No leaks: every context, buffer, mapping and job is gone again. */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, read_objects(after));
		if (!memcmp(before, after, sizeof(before)))
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)))
		TH_LOG("objects before: %ld contexts %ld buffers %ld mappings %ld jobs, after: %ld %ld %ld %ld",
		       before[0], before[1], before[2], before[3],
		       after[0], after[1], after[2], after[3]);
	ksft_print_msg("ioctl fuzz: %llu calls (%llu submits accepted) by %d processes in %.1f s, 0 oopses so far, objects before %ld/%ld/%ld/%ld after %ld/%ld/%ld/%ld (contexts/buffers/mappings/jobs)\n",
		       (unsigned long long)total, (unsigned long long)accepted, WORKERS,
		       now_s() - t0,
		       before[0], before[1], before[2], before[3],
		       after[0], after[1], after[2], after[3]);
}

TEST_HARNESS_MAIN
