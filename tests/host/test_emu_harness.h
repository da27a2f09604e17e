/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fake guest for the emulator core's host tests: a bounded byte array as
 * guest memory (DMA outside it fails), a little driver that builds the
 * context table and page tables, sets up queues, submits batches and
 * consumes completions, and counters for the device's notifications.
 */
#ifndef TEST_EMU_HARNESS_H
#define TEST_EMU_HARNESS_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>

#include <zkasic/zkmath.h>

#include "zkasic_core.h"
#include "zkasic_hw.h"
#include "zkasic_accel.h"

/* Guest memory sits at bus addresses [FG_BASE, FG_BASE + size). */
#define FG_BASE		0x100000ULL
#define FG_CTX		1		/* the context tests submit in */
#define FG_PAGE		4096ULL

struct fg_queue {
	uint64_t sq, cq;
	uint32_t sq_log2, cq_log2;
	uint32_t sq_tail, cq_head, phase;
};

struct fake_guest {
	uint8_t *mem;
	uint64_t size;
	uint64_t brk;			/* bump allocator, bus address */
	uint64_t ctx_table;
	uint64_t root[512];		/* per context slot */
	struct zkasic_dev *dev;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int notified[ZKASIC_MAX_QUEUES];
	uint32_t irqs_seen;		/* zkasic_irq_take() results, ORed */
	int forbid_writes;		/* tests: count writes from now on */
	unsigned int forbidden_writes;
	unsigned int wrapping_requests;	/* DMA ranges past 2^64 the core sent */
	struct fg_queue q[ZKASIC_MAX_QUEUES];
	/* The device's guest-error log (zkasic_host.guest_error). */
	unsigned int guest_errors;
	uint32_t last_guest_status;
	char last_guest_error[200];
};

static inline uint8_t *fg_ptr(struct fake_guest *g, uint64_t bus)
{
	return g->mem + (bus - FG_BASE);
}

static inline int fg_in_range(struct fake_guest *g, uint64_t addr, size_t len)
{
	/* The core promises never to ask for one (zkasic_core.h). */
	if (len && addr + (len - 1) < addr)
		__atomic_fetch_add(&g->wrapping_requests, 1, __ATOMIC_RELAXED);
	return addr >= FG_BASE && addr - FG_BASE <= g->size &&
	       len <= g->size - (addr - FG_BASE);
}

static int fg_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct fake_guest *g = opaque;

	if (!fg_in_range(g, addr, len))
		return -1;
	memcpy(buf, fg_ptr(g, addr), len);
	return 0;
}

static int fg_dma_write(void *opaque, uint64_t addr, const void *buf,
			size_t len)
{
	struct fake_guest *g = opaque;

	if (!fg_in_range(g, addr, len))
		return -1;
	if (__atomic_load_n(&g->forbid_writes, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&g->forbidden_writes, 1, __ATOMIC_RELAXED);
	memcpy(fg_ptr(g, addr), buf, len);
	return 0;
}

static void fg_notify(void *opaque, unsigned int queue)
{
	struct fake_guest *g = opaque;
	uint32_t pending = zkasic_irq_take(g->dev);

	pthread_mutex_lock(&g->lock);
	if (queue < ZKASIC_MAX_QUEUES)
		g->notified[queue]++;
	g->irqs_seen |= pending;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static uint64_t fg_clock(void *opaque)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Called with the core's mutex held: only our own lock here. */
static void fg_guest_error(void *opaque, uint32_t status, const char *msg)
{
	struct fake_guest *g = opaque;

	pthread_mutex_lock(&g->lock);
	g->guest_errors++;
	g->last_guest_status = status;
	snprintf(g->last_guest_error, sizeof(g->last_guest_error), "%s", msg);
	pthread_mutex_unlock(&g->lock);
}

static const struct zkasic_host fg_host = {
	.dma_read = fg_dma_read,
	.dma_write = fg_dma_write,
	.notify = fg_notify,
	.clock_ns = fg_clock,
	.guest_error = fg_guest_error,
};

static inline uint64_t fg_alloc(struct fake_guest *g, uint64_t bytes)
{
	uint64_t a = g->brk;

	bytes = (bytes + FG_PAGE - 1) & ~(FG_PAGE - 1);
	if (bytes > g->size - (a - FG_BASE)) {
		fprintf(stderr, "# fake guest out of memory\n");
		abort();
	}
	g->brk += bytes;
	memset(fg_ptr(g, a), 0, bytes);
	return a;
}

static inline uint32_t fg_rd32(struct fake_guest *g, uint64_t off)
{
	return (uint32_t)zkasic_reg_read(g->dev, off, 4);
}

static inline uint64_t fg_rd64(struct fake_guest *g, uint64_t off)
{
	return zkasic_reg_read(g->dev, off, 8);
}

static inline void fg_wr32(struct fake_guest *g, uint64_t off, uint32_t v)
{
	zkasic_reg_write(g->dev, off, v, 4);
}

static inline void fg_wr64(struct fake_guest *g, uint64_t off, uint64_t v)
{
	zkasic_reg_write(g->dev, off, v, 8);
}

static inline uint64_t *fg_pte_slot(struct fake_guest *g, uint64_t table,
				    uint64_t va, int level)
{
	return (uint64_t *)fg_ptr(g, table) + ZKASIC_PT_INDEX(va, level);
}

/* Point context @ctx at a fresh empty root table. */
static inline void fg_ctx_init(struct fake_guest *g, unsigned int ctx)
{
	uint64_t *slot = (uint64_t *)fg_ptr(g, g->ctx_table) + ctx;

	g->root[ctx] = fg_alloc(g, FG_PAGE);
	*slot = g->root[ctx] | ZKASIC_CTX_VALID;
}

/* The leaf PTE slot for @va in @ctx, creating intermediate tables. */
static inline uint64_t *fg_leaf(struct fake_guest *g, unsigned int ctx,
				uint64_t va)
{
	uint64_t table = g->root[ctx];
	int level;

	for (level = 2; level > 0; level--) {
		uint64_t *e = fg_pte_slot(g, table, va, level);

		if (!(*e & ZKASIC_PTE_VALID))
			*e = fg_alloc(g, FG_PAGE) | ZKASIC_PTE_VALID;
		table = *e & ZKASIC_PTE_ADDR_MASK;
	}
	return fg_pte_slot(g, table, va, 0);
}

/* Map @pages pages at @va to bus (or devmem) address @pa. */
static inline void fg_map(struct fake_guest *g, unsigned int ctx, uint64_t va,
			  uint64_t pa, uint64_t pages, uint64_t flags)
{
	uint64_t i;

	for (i = 0; i < pages; i++)
		*fg_leaf(g, ctx, va + i * FG_PAGE) =
			(pa + i * FG_PAGE) | flags | ZKASIC_PTE_VALID;
}

/* A buffer of @bytes in guest memory mapped writable at @va. */
static inline uint8_t *fg_buffer(struct fake_guest *g, uint64_t va,
				 uint64_t bytes)
{
	uint64_t pages = (bytes + FG_PAGE - 1) / FG_PAGE;
	uint64_t pa = fg_alloc(g, pages ? pages * FG_PAGE : FG_PAGE);

	fg_map(g, FG_CTX, va, pa, pages, ZKASIC_PTE_WRITE);
	return fg_ptr(g, pa);
}

/* Host pointer behind @va in @ctx (host-memory leaves only), or NULL. */
static inline uint8_t *fg_va_host(struct fake_guest *g, unsigned int ctx,
				  uint64_t va)
{
	uint64_t table = g->root[ctx], e = 0;
	int level;

	for (level = 2; level >= 0; level--) {
		e = *fg_pte_slot(g, table, va, level);
		if (!(e & ZKASIC_PTE_VALID))
			return NULL;
		table = e & ZKASIC_PTE_ADDR_MASK;
	}
	if ((e & ZKASIC_PTE_DEVMEM) || !fg_in_range(g, table, FG_PAGE))
		return NULL;
	return fg_ptr(g, table) + (va & (FG_PAGE - 1));
}

/* Copy between the test and a mapped iova range, page by page. */
static inline int fg_va_rw(struct fake_guest *g, uint64_t va, void *buf,
			   uint64_t len, int to_guest)
{
	uint8_t *b = buf;

	while (len) {
		uint64_t n = FG_PAGE - (va & (FG_PAGE - 1));
		uint8_t *h = fg_va_host(g, FG_CTX, va);

		if (!h)
			return -1;
		if (n > len)
			n = len;
		if (to_guest)
			memcpy(h, b, n);
		else
			memcpy(b, h, n);
		va += n;
		b += n;
		len -= n;
	}
	return 0;
}

static inline void fg_put(struct fake_guest *g, uint64_t va, const void *buf,
			  uint64_t len)
{
	if (fg_va_rw(g, va, (void *)buf, len, 1))
		abort();
}

static inline void fg_get(struct fake_guest *g, uint64_t va, void *buf,
			  uint64_t len)
{
	if (fg_va_rw(g, va, buf, len, 0))
		abort();
}

/* Like fg_buffer, but the pages lie in guest memory in reverse order. */
static inline void fg_buffer_scattered(struct fake_guest *g, uint64_t va,
				       uint64_t bytes)
{
	uint64_t pages = (bytes + FG_PAGE - 1) / FG_PAGE, i;
	uint64_t pa = fg_alloc(g, pages * FG_PAGE);

	for (i = 0; i < pages; i++)
		fg_map(g, FG_CTX, va + i * FG_PAGE,
		       pa + (pages - 1 - i) * FG_PAGE, 1, ZKASIC_PTE_WRITE);
}

static inline int fg_queue_setup(struct fake_guest *g, unsigned int q,
				 uint32_t sq_log2, uint32_t cq_log2)
{
	struct fg_queue *fq = &g->q[q];

	fq->sq = fg_alloc(g, ZKASIC_SQE_SIZE << sq_log2);
	fq->cq = fg_alloc(g, ZKASIC_CQE_SIZE << cq_log2);
	fq->sq_log2 = sq_log2;
	fq->cq_log2 = cq_log2;
	fq->sq_tail = fq->cq_head = 0;
	fq->phase = 1;
	fg_wr64(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_BASE), fq->sq);
	fg_wr64(g, ZKASIC_QREG(q, ZKASIC_Q_CQ_BASE), fq->cq);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_LOG2), sq_log2);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CQ_LOG2), cq_log2);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CTRL), ZKASIC_QCTRL_ENABLE);
	return fg_rd32(g, ZKASIC_QREG(q, ZKASIC_Q_STATUS)) ==
	       ZKASIC_QSTATUS_ENABLED ? 0 : -1;
}

/* Context table, context FG_CTX, device enabled. */
static inline void fg_device_setup(struct fake_guest *g)
{
	g->ctx_table = fg_alloc(g, FG_PAGE);
	fg_ctx_init(g, FG_CTX);
	fg_wr64(g, ZKASIC_REG_CTX_TABLE, g->ctx_table);
	fg_wr32(g, ZKASIC_REG_CTRL, ZKASIC_CTRL_ENABLE);
}

static inline struct fake_guest *fg_create_cfg(const struct zkasic_config *cfg,
					       uint64_t mem_size)
{
	struct fake_guest *g = calloc(1, sizeof(*g));
	char err[256];

	if (!g)
		return NULL;
	g->mem = calloc(1, mem_size);
	g->size = mem_size;
	g->brk = FG_BASE;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->dev = zkasic_create(cfg, &fg_host, g, err, sizeof(err));
	if (!g->mem || !g->dev) {
		fprintf(stderr, "# zkasic_create: %s\n", g->dev ? "" : err);
		exit(1);
	}
	return g;
}

static inline struct fake_guest *fg_create(unsigned int sku, bool fi)
{
	struct zkasic_config cfg = {
		.sku = sku, .fault_injection = fi, .engine_threads = 1,
	};

	return fg_create_cfg(&cfg, 64ULL << 20);
}

static inline void fg_destroy(struct fake_guest *g)
{
	zkasic_destroy(g->dev);
	free(g->mem);
	free(g);
}

/* Write an SQE for @n commands (copied to guest memory) and ring. */
static inline void fg_submit_sqe(struct fake_guest *g, unsigned int q,
				 const struct zkasic_sqe *sqe)
{
	struct fg_queue *fq = &g->q[q];

	memcpy(fg_ptr(g, fq->sq + (uint64_t)fq->sq_tail * ZKASIC_SQE_SIZE),
	       sqe, sizeof(*sqe));
	fq->sq_tail = (fq->sq_tail + 1) & ((1U << fq->sq_log2) - 1);
	fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_SQ_TAIL), fq->sq_tail);
}

static inline void fg_submit_ctx(struct fake_guest *g, unsigned int q,
				 unsigned int ctx,
				 const struct drm_zkasic_cmd *cmds,
				 uint32_t n, uint32_t seq)
{
	struct zkasic_sqe sqe = { 0 };
	uint64_t addr = fg_alloc(g, (uint64_t)n * sizeof(*cmds));

	memcpy(fg_ptr(g, addr), cmds, (size_t)n * sizeof(*cmds));
	sqe.opcode = ZKASIC_SQE_OP_EXEC;
	sqe.ctx = (uint16_t)ctx;
	sqe.seq = seq;
	sqe.cmd_addr = addr;
	sqe.cmd_count = n;
	fg_submit_sqe(g, q, &sqe);
}

static inline void fg_submit(struct fake_guest *g, unsigned int q,
			     const struct drm_zkasic_cmd *cmds, uint32_t n,
			     uint32_t seq)
{
	fg_submit_ctx(g, q, FG_CTX, cmds, n, seq);
}

static inline uint64_t fg_now_ms(void)
{
	return fg_clock(NULL) / 1000000;
}

/* Is there a new CQE at the driver's CQ head? */
static inline int fg_cqe_ready(struct fake_guest *g, unsigned int q)
{
	struct fg_queue *fq = &g->q[q];
	struct zkasic_cqe *c = (struct zkasic_cqe *)fg_ptr(g,
		fq->cq + (uint64_t)fq->cq_head * ZKASIC_CQE_SIZE);
	uint32_t flags = __atomic_load_n(&c->flags, __ATOMIC_ACQUIRE);

	return (flags & ZKASIC_CQE_F_PHASE) == fq->phase;
}

/*
 * Wait up to @ms for the next CQE of queue @q, copy it out and (if
 * @consume) give the slot back with a CQ_HEAD doorbell. 0 or -ETIMEDOUT.
 */
static inline int fg_wait_cqe_opt(struct fake_guest *g, unsigned int q,
				  struct zkasic_cqe *out, unsigned int ms,
				  int consume)
{
	struct fg_queue *fq = &g->q[q];
	uint64_t end = fg_now_ms() + ms;

	while (!fg_cqe_ready(g, q)) {
		if (fg_now_ms() > end)
			return -ETIMEDOUT;
		usleep(200);
	}
	memcpy(out, fg_ptr(g, fq->cq + (uint64_t)fq->cq_head * ZKASIC_CQE_SIZE),
	       sizeof(*out));
	fq->cq_head = (fq->cq_head + 1) & ((1U << fq->cq_log2) - 1);
	if (!fq->cq_head)
		fq->phase ^= 1;
	if (consume)
		fg_wr32(g, ZKASIC_QREG(q, ZKASIC_Q_CQ_HEAD), fq->cq_head);
	return 0;
}

static inline int fg_wait_cqe(struct fake_guest *g, unsigned int q,
			      struct zkasic_cqe *out)
{
	return fg_wait_cqe_opt(g, q, out, 20000, 1);
}

/* Submit @n commands as one batch and return the CQE's status (or -1). */
static inline int fg_run(struct fake_guest *g, unsigned int q,
			 const struct drm_zkasic_cmd *cmds, uint32_t n,
			 uint32_t *err_index)
{
	static uint32_t seq = 1000;
	struct zkasic_cqe cqe;

	fg_submit(g, q, cmds, n, ++seq);
	if (fg_wait_cqe(g, q, &cqe))
		return -1;
	if (cqe.seq != seq)
		return -2;
	if (err_index)
		*err_index = cqe.err_index;
	return cqe.status;
}

static inline int fg_run1(struct fake_guest *g, const struct drm_zkasic_cmd *c)
{
	return fg_run(g, 0, c, 1, NULL);
}

/* A NOP batch completes OK: the device still works. */
static inline int fg_alive(struct fake_guest *g, unsigned int q)
{
	struct drm_zkasic_cmd nop = { .opcode = DRM_ZKASIC_OP_NOP };

	return fg_run(g, q, &nop, 1, NULL) == DRM_ZKASIC_STATUS_OK;
}

/* Wait until notified[q] >= n (or @ms pass). */
static inline int fg_wait_notified(struct fake_guest *g, unsigned int q,
				   unsigned int n, unsigned int ms)
{
	uint64_t end = fg_now_ms() + ms;
	int ok;

	for (;;) {
		pthread_mutex_lock(&g->lock);
		ok = g->notified[q] >= n;
		pthread_mutex_unlock(&g->lock);
		if (ok || fg_now_ms() > end)
			return ok;
		usleep(200);
	}
}

/* Deterministic pseudo-random bytes. */
static inline uint64_t fg_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* @n canonical field elements (standard form) of @field. */
static inline void fg_field_elems(int field, void *out, size_t n, uint64_t seed)
{
	size_t fb = zkm_field_bytes(field), i, k;
	uint8_t *p = out;
	uint64_t s = seed | 1;

	for (i = 0; i < n; i++, p += fb) {
		for (k = 0; k < fb; k++)
			p[k] = (uint8_t)fg_rand(&s);
		/* Below the modulus: clear the top bits. */
		p[fb - 1] &= field == ZKM_GOLDILOCKS ? 0x7f : 0x0f;
	}
}

#endif /* TEST_EMU_HARNESS_H */
