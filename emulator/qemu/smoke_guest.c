// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Driverless end-to-end check of the zkasic QEMU device, run as root inside
 * a VM by emulator/qemu/smoke-test. It plays a minimal driver from
 * userspace: finds the device in sysfs, enables memory decoding and bus
 * mastering, maps BAR0, and builds the context table, page tables, rings
 * and command arrays in locked pages whose physical (= bus, there is no
 * IOMMU) addresses come from /proc/self/pagemap. Then, through QEMU's real
 * DMA path, it checks results against the math core, DMA aimed at MMIO or
 * at nothing (DMA_ERROR, and QEMU keeps running), and FLR (a reset that
 * drops in-flight work). Completions are polled: interrupts need a driver.
 * Prints KTAP, exits 0 if everything passed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>

#include <zkasic/zkmath.h>
#include <zkasic/zkasic.h>

#include "zkasic_hw.h"
#include "zkasic_accel.h"

#define PAGE		4096ULL
#define POOL_PAGES	4096		/* 16 MiB of locked DMA memory */
#define CTX		1
#define DATA_VA		0x40000000ULL

static char dev_dir[512];
static volatile uint8_t *bar;
static uint8_t *pool;
static uint64_t pool_pa[POOL_PAGES];
static unsigned int pool_next;
static uint64_t ctx_table_pa, root_pa;
static uint64_t sq_pa, cq_pa;
static uint32_t sq_tail, cq_head, phase;
static int failures, test_no;

static void ktap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void die(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(1);
}

static uint32_t rd32(uint32_t off)
{
	return *(volatile uint32_t *)(bar + off);
}

static uint64_t rd64(uint32_t off)
{
	return *(volatile uint64_t *)(bar + off);
}

static void wr32(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static void wr64(uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off) = v;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static int read_hex(const char *name, unsigned long *v)
{
	char path[700];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dev_dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%lx", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static void find_device(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	unsigned long ven, dev;

	if (!d)
		die("no /sys/bus/pci/devices");
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dev_dir, sizeof(dev_dir), "/sys/bus/pci/devices/%s",
			 e->d_name);
		if (!read_hex("vendor", &ven) && !read_hex("device", &dev) &&
		    ven == ZKASIC_PCI_VENDOR_ID && dev == ZKASIC_PCI_DEVICE_ID) {
			closedir(d);
			return;
		}
	}
	die("no zkasic device");
}

static void sysfs_write(const char *name, const char *val)
{
	char path[700];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dev_dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		die(path);
	close(fd);
}

/* Memory decoding and bus mastering on (config space command register). */
static void enable_device(void)
{
	char path[700];
	uint16_t cmd;
	int fd;

	sysfs_write("enable", "1");
	snprintf(path, sizeof(path), "%s/config", dev_dir);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, 4) != 2)
		die("config space");
	cmd |= 0x6;
	if (pwrite(fd, &cmd, 2, 4) != 2)
		die("config space write");
	close(fd);
}

static uint64_t bar0_phys(void)
{
	char path[700];
	unsigned long long start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/resource", dev_dir);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llx", &start) != 1)
		die("resource");
	fclose(f);
	return start;
}

static void map_bar(void)
{
	char path[700];
	int fd;

	snprintf(path, sizeof(path), "%s/resource0", dev_dir);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		die("open resource0");
	bar = mmap(NULL, ZKASIC_BAR_REGS_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED)
		die("mmap resource0");
	close(fd);
}

/* Locked pages and their physical addresses. */
static void pool_init(void)
{
	unsigned int i;
	int fd;

	pool = mmap(NULL, POOL_PAGES * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE,
		    -1, 0);
	if (pool == MAP_FAILED)
		die("locked pool");
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		die("pagemap");
	for (i = 0; i < POOL_PAGES; i++) {
		uint64_t ent;
		off_t off = ((uintptr_t)(pool + i * PAGE) / PAGE) * 8;

		if (pread(fd, &ent, 8, off) != 8 || !(ent & (1ULL << 63)) ||
		    !(ent & ((1ULL << 55) - 1)))
			die("pagemap entry (need root)");
		pool_pa[i] = (ent & ((1ULL << 55) - 1)) * PAGE;
	}
	close(fd);
}

static uint64_t page_alloc(void **va)
{
	if (pool_next >= POOL_PAGES)
		die("pool exhausted");
	*va = pool + pool_next * PAGE;
	memset(*va, 0, PAGE);
	return pool_pa[pool_next++];
}

static void *pa_to_va(uint64_t pa)
{
	unsigned int i;

	for (i = 0; i < pool_next; i++)
		if (pool_pa[i] == (pa & ~(PAGE - 1)))
			return pool + i * PAGE + (pa & (PAGE - 1));
	die("unknown physical address");
	return NULL;
}

/* Map @va -> @pa in the test context, making tables as needed. */
static void map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t table = root_pa;
	int level;

	for (level = 2; level > 0; level--) {
		uint64_t *e = (uint64_t *)pa_to_va(table) +
			      ZKASIC_PT_INDEX(va, level);

		if (!(*e & ZKASIC_PTE_VALID)) {
			void *p;

			*e = page_alloc(&p) | ZKASIC_PTE_VALID;
		}
		table = *e & ZKASIC_PTE_ADDR_MASK;
	}
	((uint64_t *)pa_to_va(table))[ZKASIC_PT_INDEX(va, 0)] =
		pa | flags | ZKASIC_PTE_VALID;
	wr32(ZKASIC_REG_MMU_INVAL, CTX);
}

/* A buffer of @bytes at @va: fresh pool pages, physically scattered. */
static uint8_t *buffers[64];
static uint64_t buffer_va[64];
static unsigned int nbuffers;

static void buffer_create(uint64_t va, uint64_t bytes)
{
	uint64_t pages = (bytes + PAGE - 1) / PAGE, i;
	unsigned int first = pool_next;
	void *p;

	/* Data pages first (contiguous in the pool), then the tables. */
	for (i = 0; i < pages; i++)
		page_alloc(&p);
	for (i = 0; i < pages; i++)
		map_page(va + i * PAGE, pool_pa[first + i], ZKASIC_PTE_WRITE);
	buffers[nbuffers] = pool + first * PAGE;
	buffer_va[nbuffers++] = va;
}

/* The pool is virtually contiguous, so a buffer is too, for the CPU. */
static uint8_t *buf(uint64_t va)
{
	unsigned int i;

	for (i = nbuffers; i-- > 0;)
		if (va >= buffer_va[i])
			return buffers[i] + (va - buffer_va[i]);
	die("no buffer");
	return NULL;
}

static void device_setup(void)
{
	void *ctx_table, *p;

	ctx_table_pa = page_alloc(&ctx_table);
	root_pa = page_alloc(&p);
	((uint64_t *)ctx_table)[CTX] = root_pa | ZKASIC_CTX_VALID;
	sq_pa = page_alloc(&p);
	cq_pa = page_alloc(&p);
	wr64(ZKASIC_REG_CTX_TABLE, ctx_table_pa);
	wr64(ZKASIC_QREG(0, ZKASIC_Q_SQ_BASE), sq_pa);
	wr64(ZKASIC_QREG(0, ZKASIC_Q_CQ_BASE), cq_pa);
	wr32(ZKASIC_QREG(0, ZKASIC_Q_SQ_LOG2), 4);
	wr32(ZKASIC_QREG(0, ZKASIC_Q_CQ_LOG2), 4);
	wr32(ZKASIC_QREG(0, ZKASIC_Q_CTRL), ZKASIC_QCTRL_ENABLE);
	wr32(ZKASIC_REG_CTRL, ZKASIC_CTRL_ENABLE);
	sq_tail = cq_head = 0;
	phase = 1;
}

static void submit(const struct drm_zkasic_cmd *cmds, unsigned int n,
		   uint32_t seq, uint64_t cmd_addr_override)
{
	struct zkasic_sqe *sqe = pa_to_va(sq_pa);
	void *cmd_page;
	uint64_t cmd_pa = page_alloc(&cmd_page);

	if (n * sizeof(*cmds) > PAGE)
		die("batch too big");
	memcpy(cmd_page, cmds, n * sizeof(*cmds));
	memset(&sqe[sq_tail], 0, sizeof(*sqe));
	sqe[sq_tail].opcode = ZKASIC_SQE_OP_EXEC;
	sqe[sq_tail].ctx = CTX;
	sqe[sq_tail].seq = seq;
	sqe[sq_tail].cmd_addr = cmd_addr_override ? cmd_addr_override : cmd_pa;
	sqe[sq_tail].cmd_count = n;
	sq_tail = (sq_tail + 1) % 16;
	__sync_synchronize();
	wr32(ZKASIC_QREG(0, ZKASIC_Q_SQ_TAIL), sq_tail);
}

static int wait_cqe(struct zkasic_cqe *out, unsigned int ms)
{
	volatile struct zkasic_cqe *cq = pa_to_va(cq_pa);
	uint64_t end = now_ms() + ms;

	while ((cq[cq_head].flags & ZKASIC_CQE_F_PHASE) != phase) {
		if (now_ms() > end)
			return -1;
		usleep(100);
	}
	__sync_synchronize();
	memcpy(out, (void *)&cq[cq_head], sizeof(*out));
	cq_head = (cq_head + 1) % 16;
	if (!cq_head)
		phase ^= 1;
	wr32(ZKASIC_QREG(0, ZKASIC_Q_CQ_HEAD), cq_head);
	return 0;
}

static int run(const struct drm_zkasic_cmd *cmds, unsigned int n,
	       uint32_t *err_index)
{
	static uint32_t seq = 1;
	struct zkasic_cqe cqe;

	submit(cmds, n, ++seq, 0);
	if (wait_cqe(&cqe, 120000))
		return -1;
	if (err_index)
		*err_index = cqe.err_index;
	return cqe.seq == seq ? cqe.status : -2;
}

static void test_identity(void)
{
	uint32_t eng = rd32(ZKASIC_REG_CAP_ENGINES);

	ktap(rd32(ZKASIC_REG_ID) == ZKASIC_ID_MAGIC, "id register");
	ktap(rd32(ZKASIC_REG_VERSION) == ZKASIC_SPEC_VERSION, "version register");
	ktap(ZKASIC_CAP_ENGINES_QUEUES(eng) >= 4, "queues: %u",
	     ZKASIC_CAP_ENGINES_QUEUES(eng));
	ktap(rd64(ZKASIC_REG_ID) == (ZKASIC_ID_MAGIC |
				     (uint64_t)ZKASIC_SPEC_VERSION << 32),
	     "64-bit read of two registers");
	ktap(rd32(ZKASIC_REG_STATUS) & ZKASIC_STATUS_READY, "ready");
	wr32(ZKASIC_REG_SCRATCH, 0x5a4b0001);
	ktap(rd32(ZKASIC_REG_SCRATCH) == 0x5a4b0001, "scratch");
	/* Byte reads read 0 by the datasheet. */
	ktap(bar[ZKASIC_REG_ID] == 0, "byte access reads 0");
}

static void test_copy_fill_fence(void)
{
	struct drm_zkasic_cmd c[3] = {
		{ .opcode = DRM_ZKASIC_OP_FILL, .count = 3 * PAGE, .dst = DATA_VA,
		  .arg = 0x77 },
		{ .opcode = DRM_ZKASIC_OP_COPY, .count = 5000, .src0 = DATA_VA,
		  .dst = DATA_VA + 4 * PAGE + 8 },
		{ .opcode = DRM_ZKASIC_OP_FENCE, .flags = DRM_ZKASIC_FENCE_F_WRITE,
		  .dst = DATA_VA + 8 * PAGE, .arg = 0x1122334455667788ULL },
	};
	uint8_t *b = buf(DATA_VA);
	int ok = 1, st;
	unsigned int i;

	st = run(c, 3, NULL);
	for (i = 0; i < 3 * PAGE; i++)
		ok &= b[i] == 0x77;
	for (i = 0; i < 5000; i++)
		ok &= b[4 * PAGE + 8 + i] == 0x77;
	ok &= b[4 * PAGE + 7] == 0 && b[4 * PAGE + 8 + 5000] == 0;
	ok &= *(uint64_t *)(b + 8 * PAGE) == 0x1122334455667788ULL;
	ktap(st == 0 && ok, "fill, copy and fence write through DMA (status %d)",
	     st);
}

static void test_math(void)
{
	const uint64_t bases = DATA_VA + 0x100000, scalars = DATA_VA + 0x200000;
	const uint64_t out = DATA_VA + 0x300000, ntt = DATA_VA + 0x400000;
	uint8_t gen[64], want[64], *w;
	struct drm_zkasic_cmd c[2] = {
		{ .opcode = DRM_ZKASIC_OP_MSM, .kind = ZKM_BN254_G1, .count = 64,
		  .src0 = bases, .src1 = scalars, .dst = out },
		{ .opcode = DRM_ZKASIC_OP_NTT, .kind = ZKM_GOLDILOCKS,
		  .count = 1024, .src0 = ntt, .dst = ntt, .arg = 2 },
	};
	unsigned int i;
	int st;

	if (zk_curve_generator(ZKM_BN254_G1, gen))
		die("generator");
	for (i = 0; i < 64; i++) {
		uint8_t k[32] = { (uint8_t)(i + 3), (uint8_t)i };

		if (zkm_msm(ZKM_BN254_G1, gen, k, 1, 0, buf(bases) + i * 64, NULL))
			die("k * G");
		memset(buf(scalars) + i * 32, 0, 32);
		buf(scalars)[i * 32] = (uint8_t)(7 * i + 1);
		buf(scalars)[i * 32 + 20] = (uint8_t)i;
	}
	for (i = 0; i < 2048; i++)
		((uint64_t *)buf(ntt))[i] = i * 0x9e3779b97f4a7c15ULL >> 1;
	w = malloc(2048 * 8);
	memcpy(w, buf(ntt), 2048 * 8);
	if (zkm_msm(ZKM_BN254_G1, buf(bases), buf(scalars), 64, 0, want, NULL) ||
	    zkm_ntt(ZKM_GOLDILOCKS, w, 10, 2, 0, NULL, NULL))
		die("math core");
	st = run(c, 2, NULL);
	ktap(st == 0 && !memcmp(buf(out), want, 64) &&
	     !memcmp(buf(ntt), w, 2048 * 8),
	     "MSM and NTT equal the math core (status %d)", st);
	free(w);
}

/* DMA at MMIO or at nothing: DMA_ERROR, and QEMU keeps going (no BQL). */
static void test_dma_errors(uint64_t mmio)
{
	const uint64_t va = DATA_VA + 0x800000;
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_COPY, .count = 64, .src0 = va,
		.dst = DATA_VA,
	};
	struct zkasic_cqe cqe;
	uint32_t idx = 0;
	int st;

	map_page(va, mmio, ZKASIC_PTE_WRITE);
	st = run(&c, 1, &idx);
	ktap(st == DRM_ZKASIC_STATUS_DMA_ERROR && idx == 0,
	     "DMA read from MMIO fails cleanly (status %d)", st);
	c.src0 = DATA_VA;
	c.dst = va;
	st = run(&c, 1, NULL);
	ktap(st == DRM_ZKASIC_STATUS_DMA_ERROR &&
	     rd64(ZKASIC_REG_ERR_ADDR) == va,
	     "DMA write to MMIO fails cleanly (status %d)", st);
	map_page(va, 1ULL << 45, ZKASIC_PTE_WRITE);
	st = run(&c, 1, NULL);
	ktap(st == DRM_ZKASIC_STATUS_DMA_ERROR,
	     "DMA beyond RAM fails cleanly (status %d)", st);
	submit(&c, 1, 99, mmio);
	st = wait_cqe(&cqe, 10000) ? -1 : cqe.status;
	ktap(st == DRM_ZKASIC_STATUS_DMA_ERROR,
	     "command array in MMIO fails cleanly (status %d)", st);
	ktap(rd32(ZKASIC_REG_ID) == ZKASIC_ID_MAGIC, "device still answers");
}

static int wait_ready(unsigned int ms)
{
	uint64_t end = now_ms() + ms;

	while (!(rd32(ZKASIC_REG_STATUS) & ZKASIC_STATUS_READY))
		if (now_ms() > end)
			return 0;
	return 1;
}

/*
 * A long MSM interrupted by an FLR: nothing written back, device usable.
 * 2^20 points, from one page of bases and one of scalars mapped over and
 * over (the device MMU allows aliases).
 */
static void test_flr(void)
{
	const uint32_t n = 1U << 20;
	const uint64_t bases = DATA_VA + 0x10000000ULL;
	const uint64_t scalars = bases + (uint64_t)n * 64;
	const uint64_t out = DATA_VA + 0x300000;
	uint32_t resets = rd32(ZKASIC_REG_RESET_COUNT);
	struct drm_zkasic_cmd c = {
		.opcode = DRM_ZKASIC_OP_MSM, .kind = ZKM_BN254_G1, .count = n,
		.src0 = bases, .src1 = scalars, .dst = out,
	};
	struct drm_zkasic_cmd nop = { .opcode = DRM_ZKASIC_OP_NOP };
	volatile struct zkasic_cqe *cq = pa_to_va(cq_pa);
	uint64_t bases_pa, scalars_pa, i;
	uint8_t gen[64], *bp, *sp;
	int busy = 0, st;

	if (zk_curve_generator(ZKM_BN254_G1, gen))
		die("generator");
	bases_pa = page_alloc((void **)&bp);
	scalars_pa = page_alloc((void **)&sp);
	for (i = 0; i < 64; i++)
		memcpy(bp + i * 64, gen, 64);
	for (i = 0; i < 128; i++)
		sp[i * 32] = (uint8_t)(2 * i + 1);
	for (i = 0; i < (uint64_t)n * 64 / PAGE; i++)
		map_page(bases + i * PAGE, bases_pa, 0);
	for (i = 0; i < (uint64_t)n * 32 / PAGE; i++)
		map_page(scalars + i * PAGE, scalars_pa, 0);
	memset(buf(out), 0xa5, 64);
	submit(&c, 1, 1234, 0);
	for (i = 0; i < 2000 && !busy; i++) {
		busy = rd32(ZKASIC_QREG(0, ZKASIC_Q_STATUS)) & ZKASIC_QSTATUS_BUSY;
		usleep(1000);
	}
	sysfs_write("reset", "1");
	ktap(busy, "long MSM was running at FLR");
	ktap(rd32(ZKASIC_REG_RESET_COUNT) == resets + 1, "FLR reset the device");
	ktap(wait_ready(60000), "ready after FLR");
	ktap(rd32(ZKASIC_QREG(0, ZKASIC_Q_STATUS)) == 0 &&
	     rd64(ZKASIC_REG_CTX_TABLE) == 0, "FLR disabled queues, table");
	sleep(1);
	ktap(buf(out)[0] == 0xa5 && buf(out)[63] == 0xa5 &&
	     (cq[cq_head].flags & ZKASIC_CQE_F_PHASE) != phase,
	     "aborted MSM wrote nothing");
	device_setup();
	st = run(&nop, 1, NULL);
	ktap(st == 0, "device works after FLR (status %d)", st);
}

int main(void)
{
	uint64_t mmio;

	printf("TAP version 13\n1..20\n");
	if (geteuid())
		die("must run as root (pagemap, sysfs)");
	find_device();
	enable_device();
	map_bar();
	mmio = bar0_phys();
	pool_init();
	test_identity();
	device_setup();
	buffer_create(DATA_VA, 0x500000);
	test_copy_fill_fence();
	test_math();
	test_dma_errors(mmio);
	test_flr();
	printf("# %d failed\n", failures);
	return failures ? 1 : 0;
}
