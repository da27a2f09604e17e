// SPDX-License-Identifier: MIT
/*
 * The driver's object lifetimes, through raw ioctls and sysfs:
 *  - PRIME: a buffer shared between two files of one device, and between
 *    two devices (each maps it into its own device address space);
 *  - a job whose input syncobj failed is cancelled, not run;
 *  - freeing a buffer waits for the jobs that may still use it;
 *  - WAIT polls, and a signal interrupts it;
 *  - closing a file with jobs in flight, running out of context slots;
 *  - function-level reset (FLR) from the PCI core, idle and with a job on
 *    the hardware;
 *  - hot-unplug with an open file and a job on the hardware, then rescan;
 *  - module unload and reload.
 * Hung jobs come from the device's fault injection (debugfs fault_inject).
 * The destructive tests (unplug, reload) run last.
 *
 * vm-run-args: --devices 2 --device-opts ,fault-injection=on
 */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "kselftest_harness.h"
#include "zk_vm_test.h"
#include "zkasic_hw.h"

#define SEC 1000000000LL

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Index of the first /dev/accel/accelN at or after @from, or -1. */
static int accel_index(int from)
{
	char path[64];

	for (int i = from; i < 64; i++) {
		snprintf(path, sizeof(path), "/dev/accel/accel%d", i);
		if (access(path, F_OK) == 0)
			return i;
	}
	return -1;
}

static int open_accel(int index)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/accel/accel%d", index);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* The PCI device directory of accel@index in sysfs. */
static int pci_dir(int index, char *out, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device", index);
	if (!realpath(path, out))
		return -errno;
	return strlen(out) < len ? 0 : -ENAMETOOLONG;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = 0;
	ssize_t len = strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * The device's debugfs directory is named after its PCI address (the DRM
 * device's unique name), not its accel minor.
 */
static int fi_path(int index, char *out, size_t len)
{
	char dir[PATH_MAX];
	int ret = pci_dir(index, dir, sizeof(dir));

	if (ret)
		return ret;
	snprintf(out, len, "/sys/kernel/debug/accel/%s/fault_inject", strrchr(dir, '/') + 1);
	return 0;
}

/* Arm the device's fault injection: the next fetched batch never completes. */
static int arm_hang(int index)
{
	char path[PATH_MAX], cmd[64];
	int ret = fi_path(index, path, sizeof(path));

	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "%u 1 0\n", ZKASIC_FI_MODE_HANG);
	return write_file(path, cmd);
}

static int disarm(int index)
{
	char path[PATH_MAX];
	int ret = fi_path(index, path, sizeof(path));

	return ret ? ret : write_file(path, "0 0 0\n");
}

static int submit(int fd, struct drm_zkasic_cmd *cmds, uint32_t n, uint32_t queue,
		  uint32_t in_sync, uint32_t out_sync, uint64_t *seqno)
{
	struct drm_zkasic_submit s = {
		.cmds = (uintptr_t)cmds, .cmd_count = n, .queue = queue,
		.in_syncobjs = (uintptr_t)&in_sync, .in_syncobj_count = in_sync ? 1 : 0,
		.out_syncobj = out_sync,
	};
	int ret = zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_SUBMIT, &s);

	*seqno = s.seqno;
	return ret;
}

static int wait_job(int fd, uint64_t seqno, int64_t timeout_ns, struct drm_zkasic_wait *w)
{
	memset(w, 0, sizeof(*w));
	w->seqno = seqno;
	w->timeout_ns = timeout_ns;
	return zk_raw_ioctl(fd, DRM_IOCTL_ZKASIC_WAIT, w);
}

static void prep_fill(struct drm_zkasic_cmd *c, uint64_t dst, uint8_t value, uint32_t bytes)
{
	memset(c, 0, sizeof(*c));
	c->opcode = DRM_ZKASIC_OP_FILL;
	c->dst = dst;
	c->count = bytes;
	c->arg = value;
}

/* FILL @bytes of @value at @iova on queue 0 and wait: the job's status. */
static int fill_and_wait(int fd, uint64_t iova, uint8_t value, uint32_t bytes)
{
	struct drm_zkasic_cmd c;
	struct drm_zkasic_wait w;
	uint64_t seqno;
	int ret;

	prep_fill(&c, iova, value, bytes);
	ret = submit(fd, &c, 1, 0, 0, 0, &seqno);
	if (!ret)
		ret = wait_job(fd, seqno, 60 * SEC, &w);
	return ret ? ret : (int)w.status;
}

static void *map_bo(int fd, const struct drm_zkasic_bo_create *bc, size_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, bc->mmap_offset);
}

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close gc = { .handle = handle };

	return zk_raw_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
}

static int export_bo(int fd, uint32_t handle, int *dmabuf)
{
	struct drm_prime_handle ph = { .handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR };
	int ret = zk_raw_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);

	*dmabuf = ph.fd;
	return ret;
}

static int import_bo(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle ph = { .fd = dmabuf };
	int ret = zk_raw_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph);

	*handle = ph.handle;
	return ret;
}

FIXTURE(drv) {
	int idx;
	int fd;
};

FIXTURE_SETUP(drv)
{
	self->idx = accel_index(0);
	ASSERT_LE(0, self->idx);
	self->fd = open_accel(self->idx);
	ASSERT_LE(0, self->fd);
	disarm(self->idx);
}

FIXTURE_TEARDOWN(drv)
{
	if (self->fd >= 0)
		close(self->fd);
	disarm(self->idx);
}

TEST_F(drv, prime_between_two_files)
{
	struct drm_zkasic_bo_create bc;
	struct drm_zkasic_bo_info bi = { 0 };
	int fd2 = open_accel(self->idx), dmabuf;
	uint8_t *p;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, zk_test_bo(self->fd, 8192, &bc));
	p = map_bo(self->fd, &bc, 8192);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, export_bo(self->fd, bc.handle, &dmabuf));
	ASSERT_EQ(0, import_bo(fd2, dmabuf, &bi.handle));
	close(dmabuf);
	/* Mapped into the second file's own address space on first use. */
	ASSERT_EQ(0, zk_raw_ioctl(fd2, DRM_IOCTL_ZKASIC_BO_INFO, &bi));
	EXPECT_EQ(8192u, bi.size);
	EXPECT_NE(0u, bi.iova);
	ASSERT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fd2, bi.iova + 4096, 0x5a, 4096));
	EXPECT_EQ(0x5a, p[4096]);
	EXPECT_EQ(0x5a, p[8191]);
	EXPECT_EQ(0, p[4095]);
	/* The first file lets go; the second one's mapping stays valid. */
	ASSERT_EQ(0, gem_close(self->fd, bc.handle));
	ASSERT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fd2, bi.iova, 0x33, 16));
	EXPECT_EQ(0x33, p[0]);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fd2, bi.iova + 16, 0x44, 16));
	EXPECT_EQ(0x44, p[16]);
	munmap(p, 8192);
	close(fd2);
}

TEST_F(drv, prime_between_two_devices)
{
	int other = accel_index(self->idx + 1), fd2, dmabuf;
	struct drm_zkasic_bo_create bc;
	struct drm_zkasic_bo_info bi = { 0 };
	uint8_t *p;

	if (other < 0)
		SKIP(return, "needs a second device (vm-run --devices 2)");
	fd2 = open_accel(other);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, zk_test_bo(self->fd, 3 * 4096, &bc));
	p = map_bo(self->fd, &bc, 3 * 4096);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x11, 3 * 4096);
	ASSERT_EQ(0, export_bo(self->fd, bc.handle, &dmabuf));
	ASSERT_EQ(0, import_bo(fd2, dmabuf, &bi.handle));
	close(dmabuf);
	ASSERT_EQ(0, zk_raw_ioctl(fd2, DRM_IOCTL_ZKASIC_BO_INFO, &bi));
	EXPECT_EQ(3u * 4096, bi.size);
	/* The other device writes the exporter's pages through its own MMU. */
	ASSERT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fd2, bi.iova + 104, 0x77, 2 * 4096));
	EXPECT_EQ(0x11, p[103]);
	EXPECT_EQ(0x77, p[104]);
	EXPECT_EQ(0x77, p[104 + 2 * 4096 - 1]);
	EXPECT_EQ(0x11, p[104 + 2 * 4096]);
	/* Past the end of the import: the other device's MMU refuses. */
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, fill_and_wait(fd2, bi.iova, 0x99, 4 * 4096));
	ASSERT_EQ(0, gem_close(fd2, bi.handle));
	munmap(p, 3 * 4096);
	close(fd2);
}

TEST_F(drv, failed_dependency_cancels_the_job)
{
	struct drm_syncobj_create sc = { 0 };
	struct drm_zkasic_bo_create bc;
	struct drm_zkasic_cmd c;
	struct drm_zkasic_wait w;
	uint64_t bad, dependent;
	uint8_t *p;

	ASSERT_EQ(0, zk_test_bo(self->fd, 4096, &bc));
	p = map_bo(self->fd, &bc, 4096);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, zk_raw_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc));
	prep_fill(&c, bc.iova, 1, 2 * 4096);	/* runs off the buffer: MMU fault */
	ASSERT_EQ(0, submit(self->fd, &c, 1, 0, 0, sc.handle, &bad));
	prep_fill(&c, bc.iova, 2, 16);
	ASSERT_EQ(0, submit(self->fd, &c, 1, 1, sc.handle, 0, &dependent));
	ASSERT_EQ(0, wait_job(self->fd, bad, 30 * SEC, &w));
	EXPECT_EQ((uint32_t)DRM_ZKASIC_STATUS_MMU_FAULT, w.status);
	ASSERT_EQ(0, wait_job(self->fd, dependent, 30 * SEC, &w));
	EXPECT_EQ((uint32_t)DRM_ZKASIC_STATUS_CANCELED, w.status);
	EXPECT_EQ(0, p[0]);
	munmap(p, 4096);
}

struct closer {
	int fd;
	uint32_t handle;
	double took;
	int ret;
};

static void *close_bo(void *arg)
{
	struct closer *c = arg;
	double t0 = now_s();

	c->ret = gem_close(c->fd, c->handle);
	c->took = now_s() - t0;
	return NULL;
}

static void on_alarm(int sig)
{
}

TEST_F_TIMEOUT(drv, freeing_a_buffer_waits_for_its_jobs, 90)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct drm_zkasic_bo_create bc;
	struct drm_zkasic_cmd c;
	struct drm_zkasic_wait w;
	struct closer cl;
	pthread_t thread;
	uint64_t hung;

	ASSERT_EQ(0, zk_test_bo(self->fd, 4096, &bc));
	ASSERT_EQ(0, arm_hang(self->idx));
	prep_fill(&c, bc.iova, 9, 64);
	ASSERT_EQ(0, submit(self->fd, &c, 1, 1, 0, 0, &hung));

	/* WAIT polls with a zero timeout, and a signal interrupts it. */
	EXPECT_EQ(-ETIME, wait_job(self->fd, hung, 0, &w));
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	EXPECT_EQ(-EINTR, wait_job(self->fd, hung, 60 * SEC, &w));

	/* The handle goes, but the pages stay mapped until the job is over. */
	cl.fd = self->fd;
	cl.handle = bc.handle;
	ASSERT_EQ(0, pthread_create(&thread, NULL, close_bo, &cl));
	usleep(500 * 1000);
	ASSERT_EQ(0, wait_job(self->fd, hung, 60 * SEC, &w));
	EXPECT_EQ((uint32_t)DRM_ZKASIC_STATUS_TIMEOUT, w.status);
	pthread_join(thread, NULL);
	EXPECT_EQ(0, cl.ret);
	/* It returned only after hang detection had reset the device. */
	EXPECT_LT(2.0, cl.took);
}

TEST_F_TIMEOUT(drv, closing_with_jobs_in_flight, 90)
{
	struct drm_zkasic_bo_create bc;
	struct drm_zkasic_cmd c[4];
	struct drm_zkasic_wait w;
	uint64_t seqno;
	double t0;
	int fd;

	ASSERT_EQ(0, zk_test_bo(self->fd, 4096, &bc));
	ASSERT_EQ(0, arm_hang(self->idx));
	for (int i = 0; i < 4; i++)
		prep_fill(&c[i], bc.iova, i, 4096);
	for (int i = 0; i < 8; i++)
		ASSERT_EQ(0, submit(self->fd, c, 4, i % 2, 0, 0, &seqno));
	t0 = now_s();
	close(self->fd);
	self->fd = -1;
	TH_LOG("close took %.1f s", now_s() - t0);
	fd = open_accel(self->idx);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, zk_test_bo(fd, 4096, &bc));
	ASSERT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fd, bc.iova, 1, 4096));
	ASSERT_EQ(-EINVAL, wait_job(fd, seqno, 0, &w));	/* a new context */
	close(fd);
}

TEST_F(drv, context_slots_run_out_and_come_back)
{
	static int fds[1024];
	struct drm_zkasic_bo_create bc;
	int n = 0, err = 0;

	while (n < 1024) {
		fds[n] = open_accel(self->idx);
		if (fds[n] < 0) {
			err = errno;
			break;
		}
		n++;
	}
	EXPECT_EQ(EBUSY, err);
	/* 511 slots for files, one of them the fixture's. */
	EXPECT_EQ(510, n);
	close(fds[--n]);
	fds[n] = open_accel(self->idx);
	ASSERT_LE(0, fds[n]);
	ASSERT_EQ(0, zk_test_bo(fds[n], 4096, &bc));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fds[n], bc.iova, 1, 64));
	for (n++; n--;)
		close(fds[n]);
}

TEST_F_TIMEOUT(drv, flr_idle_and_with_a_job_on_the_hardware, 60)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct drm_zkasic_bo_create bc;
	struct drm_zkasic_cmd c;
	struct drm_zkasic_wait w;
	uint64_t hung;
	long resets;
	double t0;

	ASSERT_EQ(0, pci_dir(self->idx, dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/reset_count", dir);
	resets = read_long(path);
	ASSERT_LE(0, resets);
	snprintf(path, sizeof(path), "%s/reset", dir);
	ASSERT_EQ(0, write_file(path, "1"));
	snprintf(path, sizeof(path), "%s/reset_count", dir);
	EXPECT_EQ(resets + 1, read_long(path));
	ASSERT_EQ(0, zk_test_bo(self->fd, 4096, &bc));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(self->fd, bc.iova, 1, 64));

	ASSERT_EQ(0, arm_hang(self->idx));
	prep_fill(&c, bc.iova, 2, 64);
	ASSERT_EQ(0, submit(self->fd, &c, 1, 1, 0, 0, &hung));
	usleep(200 * 1000);
	t0 = now_s();
	snprintf(path, sizeof(path), "%s/reset", dir);
	ASSERT_EQ(0, write_file(path, "1"));
	/* The reset dropped the batch: it fails at once, not at hang detection. */
	ASSERT_EQ(0, wait_job(self->fd, hung, 60 * SEC, &w));
	EXPECT_EQ((uint32_t)DRM_ZKASIC_STATUS_ABORTED, w.status);
	EXPECT_GT(3.0, now_s() - t0);
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(self->fd, bc.iova, 3, 64));
}

/* Wait up to 10 s for an accel node other than @other; its index or -1. */
static int wait_for_accel(int other)
{
	for (int i = 0; i < 100; i++) {
		for (int idx = accel_index(0); idx >= 0; idx = accel_index(idx + 1))
			if (idx != other)
				return idx;
		usleep(100 * 1000);
	}
	return -1;
}

struct waiter {
	int fd;
	uint64_t seqno;
	struct drm_zkasic_wait w;
	int ret;
};

static void *wait_thread(void *arg)
{
	struct waiter *wt = arg;

	wt->ret = wait_job(wt->fd, wt->seqno, 60 * SEC, &wt->w);
	return NULL;
}

TEST_F_TIMEOUT(drv, unplug_with_an_open_file_then_rescan, 60)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct drm_zkasic_bo_create bc;
	struct drm_zkasic_cmd c;
	struct waiter wt = { 0 };
	pthread_t thread;
	uint64_t queued;
	int fd, idx, other;
	uint8_t *p;

	other = accel_index(self->idx + 1);
	ASSERT_EQ(0, pci_dir(self->idx, dir, sizeof(dir)));
	ASSERT_EQ(0, zk_test_bo(self->fd, 4096, &bc));
	p = map_bo(self->fd, &bc, 4096);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 0x42;
	ASSERT_EQ(0, arm_hang(self->idx));
	prep_fill(&c, bc.iova, 2, 64);
	ASSERT_EQ(0, submit(self->fd, &c, 1, 1, 0, 0, &wt.seqno));
	ASSERT_EQ(0, submit(self->fd, &c, 1, 1, 0, 0, &queued));
	wt.fd = self->fd;
	ASSERT_EQ(0, pthread_create(&thread, NULL, wait_thread, &wt));
	usleep(300 * 1000);

	snprintf(path, sizeof(path), "%s/remove", dir);
	ASSERT_EQ(0, write_file(path, "1"));
	/* A waiter already inside WAIT learns the job was aborted. */
	pthread_join(thread, NULL);
	EXPECT_EQ(0, wt.ret);
	EXPECT_EQ((uint32_t)DRM_ZKASIC_STATUS_ABORTED, wt.w.status);
	/* New ioctls fail cleanly; the pages stay the process's until it lets go. */
	EXPECT_EQ(-ENODEV, submit(self->fd, &c, 1, 0, 0, 0, &queued));
	EXPECT_EQ(-ENODEV, zk_test_bo(self->fd, 4096, &bc));
	EXPECT_EQ(0x42, p[0]);
	munmap(p, 4096);
	close(self->fd);
	self->fd = -1;
	/* The other device is unaffected. */
	if (other >= 0) {
		fd = open_accel(other);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, zk_test_bo(fd, 4096, &bc));
		EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fd, bc.iova, 5, 64));
		close(fd);
	}

	ASSERT_EQ(0, write_file("/sys/bus/pci/rescan", "1"));
	idx = wait_for_accel(other);
	ASSERT_LE(0, idx);
	fd = open_accel(idx);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, zk_test_bo(fd, 4096, &bc));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fd, bc.iova, 6, 64));
	close(fd);
}

/* The module next to this program's build tree: build/tests/vm/ -> kernel/. */
static int module_path(char *out, size_t len)
{
	char exe[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *cut;

	if (n < 0)
		return -errno;
	exe[n] = 0;
	cut = strstr(exe, "/build/tests/vm/");
	if (!cut)
		return -ENOENT;
	*cut = 0;
	snprintf(out, len, "%s/kernel/zkasic.ko", exe);
	return access(out, R_OK) ? -errno : 0;
}

TEST_F_TIMEOUT(drv, module_unload_and_reload, 60)
{
	char ko[PATH_MAX], cmd[PATH_MAX + 16];
	struct drm_zkasic_bo_create bc;
	int fd, idx;

	if (module_path(ko, sizeof(ko)))
		SKIP(return, "no kernel/zkasic.ko next to the test");
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, system("rmmod zkasic"));
	EXPECT_GT(0, accel_index(0));
	snprintf(cmd, sizeof(cmd), "insmod %s", ko);
	ASSERT_EQ(0, system(cmd));
	idx = wait_for_accel(-1);
	ASSERT_LE(0, idx);
	fd = open_accel(idx);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, zk_test_bo(fd, 4096, &bc));
	EXPECT_EQ(DRM_ZKASIC_STATUS_OK, fill_and_wait(fd, bc.iova, 7, 64));
	close(fd);
}

TEST_HARNESS_MAIN
