// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zkasic device model core: hardware queues. One worker thread per queue
 * fetches SQEs (one batch each), runs the batch's commands in order and
 * posts a CQE, NVMe style:
 *  - a ring of 2^log2 entries holds at most 2^log2 - 1 of them: the SQ is
 *    empty when SQ_HEAD == SQ_TAIL, the CQ full when CQ_TAIL + 1 == CQ_HEAD;
 *  - the device never overwrites an unconsumed CQE: with the CQ full it
 *    waits for a CQ_HEAD doorbell and fetches nothing meanwhile;
 *  - a CQE carries the queue's phase, which starts at 1 and flips on wrap,
 *    and its phase word is written last, so a CQE whose phase matches is
 *    complete.
 * A batch's status is that of its first failing command (which stops the
 * batch; err_index is its index) or OK with err_index ~0. Batch-level
 * problems complete with err_index ~0: BAD_SQE (opcode not EXEC, nonzero
 * flags or reserved words, cmd_count not in 1..MAX_BATCH, cmd_addr not
 * 64-byte aligned, ctx >= NUM_CTX), CTX_FAULT (no context table, or the slot
 * is not VALID), DMA_ERROR (context entry or command array unreadable;
 * ERR_ADDR has the bus address).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <endian.h>

#include "zkasic_internal.h"

/*
 * A guest-supplied range that runs past 2^64 would wrap to low addresses in
 * a host's "addr + len <= end" check: no device access ever wraps.
 */
static bool zk_bus_range_wraps(uint64_t addr, size_t len)
{
	return len && addr > UINT64_MAX - (len - 1);
}

int zk_bus_read(struct zk_job *j, uint64_t addr, void *buf, size_t len)
{
	int ret = 0;

	pthread_mutex_lock(&j->q->io_lock);
	if (!zk_job_live(j))
		ret = ZK_ABORT;
	else if (zk_bus_range_wraps(addr, len) ||
		 j->dev->host.dma_read(j->dev->opaque, addr, buf, len))
		ret = DRM_ZKASIC_STATUS_DMA_ERROR;
	pthread_mutex_unlock(&j->q->io_lock);
	return ret;
}

int zk_bus_write(struct zk_job *j, uint64_t addr, const void *buf, size_t len)
{
	int ret = 0;

	pthread_mutex_lock(&j->q->io_lock);
	if (!zk_job_live(j))
		ret = ZK_ABORT;
	else if (zk_bus_range_wraps(addr, len) ||
		 j->dev->host.dma_write(j->dev->opaque, addr, buf, len))
		ret = DRM_ZKASIC_STATUS_DMA_ERROR;
	pthread_mutex_unlock(&j->q->io_lock);
	return ret;
}

static bool zk_queue_has_work(struct zkasic_dev *d, struct zk_queue *q)
{
	return (d->ctrl & ZKASIC_CTRL_ENABLE) && !d->fatal && q->enabled &&
	       !q->error && q->sq_head != q->sq_tail;
}

static bool zk_cq_full(struct zk_queue *q)
{
	return ((q->cq_tail + 1) & ((1U << q->cq_log2) - 1)) == q->cq_head;
}

/* As zk_ring_error in zkasic_regs.c, from the worker. dev->lock held. */
static void zk_worker_ring_error(struct zk_job *j, uint32_t status,
				 uint64_t addr, uint32_t seq, bool *notify)
{
	struct zkasic_dev *d = j->dev;
	struct zk_queue *q = j->q;

	if (!zk_job_live(j))
		return;
	q->error = true;
	zk_queue_abort_locked(q);
	zk_log_error(d, status, q->id, ~0U, seq, addr);
	zk_raise_queue_irq(d, q, notify);
}

static int zk_sqe_check(const struct zkasic_sqe *sqe)
{
	unsigned int i;

	if (sqe->opcode != ZKASIC_SQE_OP_EXEC || sqe->flags ||
	    le32toh(sqe->reserved0))
		return DRM_ZKASIC_STATUS_BAD_SQE;
	for (i = 0; i < 5; i++)
		if (sqe->reserved[i])
			return DRM_ZKASIC_STATUS_BAD_SQE;
	if (le32toh(sqe->cmd_count) < 1 || le32toh(sqe->cmd_count) > ZK_MAX_BATCH ||
	    le64toh(sqe->cmd_addr) & 63 || le16toh(sqe->ctx) >= ZK_NUM_CTX)
		return DRM_ZKASIC_STATUS_BAD_SQE;
	return 0;
}

static void zk_cmd_from_le(struct drm_zkasic_cmd *c)
{
	unsigned int i;

	c->flags = le16toh(c->flags);
	c->count = le32toh(c->count);
	c->src0 = le64toh(c->src0);
	c->src1 = le64toh(c->src1);
	c->dst = le64toh(c->dst);
	c->arg = le64toh(c->arg);
	for (i = 0; i < 3; i++)
		c->reserved[i] = le64toh(c->reserved[i]);
}

/* Fault injection before a command. dev->lock not held. */
static int zk_fi_command(struct zkasic_dev *d)
{
	int status = 0;

	pthread_mutex_lock(&d->lock);
	if (d->fi_mode == ZKASIC_FI_MODE_FAIL_CMD && d->fi_count) {
		d->fi_count--;
		status = d->fi_status;
	}
	pthread_mutex_unlock(&d->lock);
	return status;
}

/*
 * Fault injection after a command that succeeded: CORRUPT flips the lowest
 * bit of the first byte it wrote, as a failing DRAM or datapath might.
 */
static void zk_fi_corrupt(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	struct zkasic_dev *d = j->dev;
	bool hit = false;
	uint8_t b;

	if (c->opcode != DRM_ZKASIC_OP_MSM && c->opcode != DRM_ZKASIC_OP_NTT &&
	    c->opcode != DRM_ZKASIC_OP_VEC && c->opcode != DRM_ZKASIC_OP_COPY)
		return;
	pthread_mutex_lock(&d->lock);
	if (d->fi_mode == ZKASIC_FI_MODE_CORRUPT && d->fi_count) {
		d->fi_count--;
		hit = true;
	}
	pthread_mutex_unlock(&d->lock);
	if (hit && c->count && !zk_mmu_read(j, c->dst, &b, 1)) {
		b ^= 1;
		zk_mmu_write(j, c->dst, &b, 1);
	}
}

/*
 * Run the batch of @sqe. Returns OK, a status (with *err_index the failing
 * command or ~0) or ZK_ABORT.
 */
static int zk_run_batch(struct zk_job *j, const struct zkasic_sqe *sqe,
			uint32_t *err_index)
{
	struct zkasic_dev *d = j->dev;
	struct drm_zkasic_cmd *cmds;
	uint64_t ctx_entry, addr;
	uint32_t count, i;
	int ret;

	*err_index = ~0U;
	ret = zk_sqe_check(sqe);
	if (ret)
		return ret;
	j->ctx = le16toh(sqe->ctx);

	/* The context: a VALID slot of the context table. */
	pthread_mutex_lock(&d->lock);
	addr = d->ctx_table;
	pthread_mutex_unlock(&d->lock);
	if (!addr)
		return DRM_ZKASIC_STATUS_CTX_FAULT;
	addr += (uint64_t)j->ctx * sizeof(ctx_entry);
	ret = zk_bus_read(j, addr, &ctx_entry, sizeof(ctx_entry));
	if (ret) {
		j->fault_addr = addr;
		return ret;
	}
	ctx_entry = le64toh(ctx_entry);
	if (!(ctx_entry & ZKASIC_CTX_VALID))
		return DRM_ZKASIC_STATUS_CTX_FAULT;
	j->root = ctx_entry & ZKASIC_CTX_ADDR_MASK;

	/* The command array: at most 4096 * 64 bytes, validated above. */
	count = le32toh(sqe->cmd_count);
	cmds = malloc((size_t)count * sizeof(*cmds));
	if (!cmds)
		return DRM_ZKASIC_STATUS_INTERNAL;
	addr = le64toh(sqe->cmd_addr);
	ret = zk_bus_read(j, addr, cmds, (size_t)count * sizeof(*cmds));
	if (ret) {
		j->fault_addr = addr;
		free(cmds);
		return ret;
	}

	for (i = 0; i < count; i++) {
		zk_cmd_from_le(&cmds[i]);
		j->fault_addr = 0;
		ret = zk_fi_command(d);
		if (!ret)
			ret = zk_cmd_validate(j, &cmds[i]);
		if (!ret)
			ret = zk_cmd_execute(j, &cmds[i]);
		if (!ret)
			zk_fi_corrupt(j, &cmds[i]);
		if (ret) {
			if (ret != ZK_ABORT)
				*err_index = i;
			break;
		}
		__atomic_fetch_add(&j->q->progress, 1, __ATOMIC_RELAXED);
		pthread_mutex_lock(&d->lock);
		d->cmd_count++;
		pthread_mutex_unlock(&d->lock);
	}
	free(cmds);
	return ret;
}

/*
 * Post the batch's CQE, waiting for CQ space first. Returns with the
 * queue's vector due in *notify, or with nothing done if the batch was
 * aborted meanwhile.
 */
static void zk_post_cqe(struct zk_job *j, struct zkasic_cqe *cqe,
			bool *notify)
{
	struct zkasic_dev *d = j->dev;
	struct zk_queue *q = j->q;
	uint64_t addr;
	uint32_t phase;
	bool drop_irq = false;
	int ret;

	pthread_mutex_lock(&d->lock);
	while (zk_job_live(j) && zk_cq_full(q))
		pthread_cond_wait(&q->cond, &d->lock);
	if (!zk_job_live(j)) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	addr = q->cq_base + (uint64_t)q->cq_tail * ZKASIC_CQE_SIZE;
	phase = q->cq_phase;
	pthread_mutex_unlock(&d->lock);

	/* Everything but the phase word, then the phase word. */
	cqe->flags = 0;
	ret = zk_bus_write(j, addr, cqe, offsetof(struct zkasic_cqe, flags));
	if (!ret)
		ret = zk_bus_write(j, addr + offsetof(struct zkasic_cqe, start_ns),
				   &cqe->start_ns,
				   ZKASIC_CQE_SIZE -
				   offsetof(struct zkasic_cqe, start_ns));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	cqe->flags = htole32(phase ? ZKASIC_CQE_F_PHASE : 0);
	if (!ret)
		ret = zk_bus_write(j, addr + offsetof(struct zkasic_cqe, flags),
				   &cqe->flags, sizeof(cqe->flags));

	pthread_mutex_lock(&d->lock);
	if (ret == DRM_ZKASIC_STATUS_DMA_ERROR) {
		zk_worker_ring_error(j, ret, addr, le32toh(cqe->seq), notify);
	} else if (!ret && zk_job_live(j)) {
		q->cq_tail = (q->cq_tail + 1) & ((1U << q->cq_log2) - 1);
		if (!q->cq_tail)
			q->cq_phase ^= 1;
		if (d->fi_mode == ZKASIC_FI_MODE_DROP_IRQ && d->fi_count) {
			d->fi_count--;
			drop_irq = true;
		}
		if (!drop_irq)
			zk_raise_queue_irq(d, q, notify);
	}
	pthread_mutex_unlock(&d->lock);
}

/* Fetch, run and complete the SQE at @head. dev->lock not held. */
static void zk_process_sqe(struct zk_job *j, uint32_t head, uint64_t sqe_addr,
			   bool *notify)
{
	struct zkasic_dev *d = j->dev;
	struct zk_queue *q = j->q;
	struct zkasic_sqe sqe;
	struct zkasic_cqe cqe;
	uint32_t err_index;
	bool hang = false;
	int ret;

	ret = zk_bus_read(j, sqe_addr, &sqe, sizeof(sqe));
	if (ret) {
		if (ret != ZK_ABORT) {
			pthread_mutex_lock(&d->lock);
			zk_worker_ring_error(j, ret, sqe_addr, 0, notify);
			pthread_mutex_unlock(&d->lock);
		}
		return;
	}

	memset(&cqe, 0, sizeof(cqe));
	cqe.seq = sqe.seq;	/* echoed, already little-endian */
	pthread_mutex_lock(&d->lock);
	if (!zk_job_live(j)) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	q->sq_head = (head + 1) & ((1U << q->sq_log2) - 1);
	cqe.sq_head = htole16((uint16_t)q->sq_head);
	if (d->fi_mode == ZKASIC_FI_MODE_HANG && d->fi_count) {
		d->fi_count--;
		hang = true;
	}
	/* An injected hang: nothing happens until reset or queue disable. */
	while (hang && zk_job_live(j))
		pthread_cond_wait(&q->cond, &d->lock);
	pthread_mutex_unlock(&d->lock);
	if (hang)
		return;

	cqe.start_ns = htole64(zk_now(d));
	ret = zk_run_batch(j, &sqe, &err_index);
	cqe.end_ns = htole64(zk_now(d));
	if (ret == ZK_ABORT)
		return;

	pthread_mutex_lock(&d->lock);
	zk_tel_update(d);
	zk_tel_charge(d, zk_energy_bytes(j->bytes_moved));
	if (ret && zk_job_live(j))
		zk_log_error(d, ret, q->id, err_index, le32toh(sqe.seq),
			     j->fault_addr);
	pthread_mutex_unlock(&d->lock);

	cqe.status = htole16((uint16_t)ret);
	cqe.err_index = htole32(err_index);
	zk_post_cqe(j, &cqe, notify);
}

static void *zk_queue_thread(void *arg)
{
	struct zk_queue *q = arg;
	struct zkasic_dev *d = q->dev;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		struct zk_job job = { .dev = d, .q = q };
		uint64_t sqe_addr;
		uint32_t head;
		bool notify = false;

		while (!d->stopping && !zk_queue_has_work(d, q))
			pthread_cond_wait(&q->cond, &d->lock);
		if (d->stopping)
			break;
		job.gen = q->gen;
		head = q->sq_head;
		sqe_addr = q->sq_base + (uint64_t)head * ZKASIC_SQE_SIZE;
		q->busy = true;
		zk_store(&q->abort, 0);
		pthread_mutex_unlock(&d->lock);

		zk_process_sqe(&job, head, sqe_addr, &notify);
		if (notify)
			d->host.notify(d->opaque, q->id);

		pthread_mutex_lock(&d->lock);
		q->busy = false;
		if (q->stale) {
			q->stale = false;
			d->draining--;
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int zk_queues_start(struct zkasic_dev *d, char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	for (i = 0; i < d->nqueues; i++) {
		ret = pthread_create(&d->q[i].thread, NULL, zk_queue_thread,
				     &d->q[i]);
		if (ret) {
			snprintf(err, errlen, "cannot start queue thread: %s",
				 strerror(ret));
			return -1;
		}
		d->q[i].thread_started = true;
	}
	return 0;
}

void zk_queues_stop(struct zkasic_dev *d)
{
	unsigned int i;

	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	for (i = 0; i < d->nqueues; i++)
		zk_queue_abort_locked(&d->q[i]);
	pthread_mutex_unlock(&d->lock);
	for (i = 0; i < d->nqueues; i++) {
		if (d->q[i].thread_started)
			pthread_join(d->q[i].thread, NULL);
		d->q[i].thread_started = false;
	}
}
