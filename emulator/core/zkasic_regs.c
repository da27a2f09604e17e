// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zkasic device model core: the BAR0 register file.
 *
 * 32-bit accesses reach one register (or one half of a 64-bit register);
 * 64-bit accesses reach a 64-bit register whole, or else the two 32-bit
 * registers at offset and offset + 4 in that order. Unaligned accesses and
 * other widths read 0 and are ignored, as are reserved offsets and the
 * register blocks of queues the SKU does not have.
 *
 * Register writes run under dev->lock; what must happen after it is
 * dropped (reset, fences, interrupt notifications) is collected in
 * struct zk_effects and done by zkasic_reg_write.
 */
#include "zkasic_internal.h"

struct zk_effects {
	bool reset;
	uint32_t fence;		/* queues to fence */
	uint32_t notify;	/* queues whose vector became due */
};

static uint32_t zk_ring_mask(uint32_t log2)
{
	return (1U << log2) - 1;
}

/* A 64-bit register at @off (8-aligned)? Then *val is its value. */
static bool zk_reg64_value(struct zkasic_dev *d, uint64_t off, uint64_t *val)
{
	if (off >= ZKASIC_QUEUE_BASE &&
	    off < ZKASIC_QUEUE_BASE + ZKASIC_MAX_QUEUES * ZKASIC_QUEUE_STRIDE) {
		unsigned int qi = (off - ZKASIC_QUEUE_BASE) / ZKASIC_QUEUE_STRIDE;
		uint64_t r = (off - ZKASIC_QUEUE_BASE) % ZKASIC_QUEUE_STRIDE;
		struct zk_queue *q = &d->q[qi];

		if (r != ZKASIC_Q_SQ_BASE && r != ZKASIC_Q_CQ_BASE &&
		    r != ZKASIC_Q_PROGRESS)
			return false;
		if (qi >= d->nqueues)
			*val = 0;
		else if (r == ZKASIC_Q_SQ_BASE)
			*val = q->sq_base;
		else if (r == ZKASIC_Q_CQ_BASE)
			*val = q->cq_base;
		else
			*val = zk_load(&q->progress);
		return true;
	}
	if (off >= ZKASIC_REG_BUSY_NS(0) &&
	    off < ZKASIC_REG_BUSY_NS(ZKASIC_MAX_ENGINES)) {
		*val = zk_tel_engine_busy(d, (off - ZKASIC_REG_BUSY_NS(0)) / 8);
		return true;
	}
	switch (off) {
	case ZKASIC_REG_DEVMEM_SIZE:
		*val = d->devmem_size;
		return true;
	case ZKASIC_REG_TIMESTAMP:
		*val = zk_now(d);
		return true;
	case ZKASIC_REG_CTX_TABLE:
		*val = d->ctx_table;
		return true;
	case ZKASIC_REG_ENERGY_UJ:
		zk_tel_update(d);
		*val = d->tel.energy_uj;
		return true;
	case ZKASIC_REG_CMD_COUNT:
		*val = d->cmd_count;
		return true;
	case ZKASIC_REG_ERR_ADDR:
		*val = d->err_addr;
		return true;
	}
	return false;
}

static uint32_t zk_queue_read32(struct zkasic_dev *d, struct zk_queue *q,
				uint64_t r)
{
	switch (r) {
	case ZKASIC_Q_SQ_LOG2:
		return q->sq_log2;
	case ZKASIC_Q_CQ_LOG2:
		return q->cq_log2;
	case ZKASIC_Q_CTRL:
		return q->enabled ? ZKASIC_QCTRL_ENABLE : 0;
	case ZKASIC_Q_STATUS:
		return (q->enabled ? ZKASIC_QSTATUS_ENABLED : 0) |
		       (q->error ? ZKASIC_QSTATUS_ERROR : 0) |
		       (q->busy ? ZKASIC_QSTATUS_BUSY : 0);
	case ZKASIC_Q_SQ_TAIL:
		return q->sq_tail;
	case ZKASIC_Q_CQ_HEAD:
		return q->cq_head;
	case ZKASIC_Q_SQ_HEAD:
		return q->sq_head;
	case ZKASIC_Q_CQ_TAIL:
		return q->cq_tail;
	}
	return 0;
}

uint32_t zk_reg_read32(struct zkasic_dev *d, uint64_t off)
{
	uint64_t v64;

	if (zk_reg64_value(d, off & ~7ULL, &v64))
		return (uint32_t)(off & 4 ? v64 >> 32 : v64);

	if (off >= ZKASIC_QUEUE_BASE &&
	    off < ZKASIC_QUEUE_BASE + ZKASIC_MAX_QUEUES * ZKASIC_QUEUE_STRIDE) {
		unsigned int qi = (off - ZKASIC_QUEUE_BASE) / ZKASIC_QUEUE_STRIDE;

		if (qi >= d->nqueues)
			return 0;
		return zk_queue_read32(d, &d->q[qi],
				       (off - ZKASIC_QUEUE_BASE) % ZKASIC_QUEUE_STRIDE);
	}

	switch (off) {
	case ZKASIC_REG_ID:
		return ZKASIC_ID_MAGIC;
	case ZKASIC_REG_VERSION:
		return ZKASIC_SPEC_VERSION;
	case ZKASIC_REG_CAP_CURVES:
		return d->cap_curves;
	case ZKASIC_REG_CAP_FIELDS:
		return d->cap_fields;
	case ZKASIC_REG_CAP_ENGINES:
		return d->n_msm | d->n_ntt << 8 | d->n_vec << 16 |
		       d->nqueues << 24;
	case ZKASIC_REG_CAP_LIMITS:
		return ZK_MAX_MSM_LOG2 | ZK_MAX_NTT_LOG2 << 8 |
		       ZK_MAX_SQ_LOG2 << 16;
	case ZKASIC_REG_SKU:
		return d->cfg.sku;
	case ZKASIC_REG_CAP_FLAGS:
		return ZKASIC_CAP_F_MMU | ZKASIC_CAP_F_DEVMEM |
		       ZKASIC_CAP_F_TELEMETRY |
		       (d->cfg.fault_injection ? ZKASIC_CAP_F_FAULT_INJECT : 0);
	case ZKASIC_REG_NUM_CTX:
		return ZK_NUM_CTX;
	case ZKASIC_REG_MAX_BATCH:
		return ZK_MAX_BATCH;
	case ZKASIC_REG_CTRL:
		return d->ctrl;
	case ZKASIC_REG_STATUS:
		return (d->draining ? 0 : ZKASIC_STATUS_READY) |
		       (d->fatal ? ZKASIC_STATUS_FATAL : 0) |
		       (d->ctrl & ZKASIC_CTRL_ENABLE ? ZKASIC_STATUS_ENABLED : 0);
	case ZKASIC_REG_INT_STATUS:
		return d->int_status;
	case ZKASIC_REG_INT_MASK:
		return d->int_mask;
	case ZKASIC_REG_SCRATCH:
		return d->scratch;
	case ZKASIC_REG_RESET_COUNT:
		return d->reset_count;
	case ZKASIC_REG_POWER_MW:
		zk_tel_update(d);
		return zk_tel_power_mw(d);
	case ZKASIC_REG_TEMP_MC:
		zk_tel_update(d);
		return zk_tel_temp_mc(d);
	case ZKASIC_REG_ERR_COUNT:
		return d->err_count;
	case ZKASIC_REG_ERR_STATUS:
		return d->err_status;
	case ZKASIC_REG_ERR_QUEUE:
		return d->err_queue;
	case ZKASIC_REG_ERR_INDEX:
		return d->err_index;
	case ZKASIC_REG_ERR_SEQ:
		return d->err_seq;
	}
	if (d->cfg.fault_injection) {
		switch (off) {
		case ZKASIC_REG_FI_MODE:
			return d->fi_mode;
		case ZKASIC_REG_FI_COUNT:
			return d->fi_count;
		case ZKASIC_REG_FI_STATUS:
			return d->fi_status;
		}
	}
	return 0;
}

uint64_t zk_reg_read64(struct zkasic_dev *d, uint64_t off)
{
	uint64_t v;

	if (zk_reg64_value(d, off, &v))
		return v;
	return zk_reg_read32(d, off) | (uint64_t)zk_reg_read32(d, off + 4) << 32;
}

/*
 * A ring misbehaved (bad doorbell, or the worker could not read the SQ or
 * write the CQ): the queue stops, its current batch is dropped, the error
 * is logged and the queue's vector tells the driver. Disabling the queue
 * clears the condition. dev->lock held.
 */
static void zk_ring_error(struct zkasic_dev *d, struct zk_queue *q,
			  uint32_t status, uint64_t addr, struct zk_effects *fx)
{
	bool notify = false;

	q->error = true;
	zk_queue_abort_locked(q);
	zk_log_error(d, status, q->id, ~0U, 0, addr);
	zk_raise_queue_irq(d, q, &notify);
	if (notify)
		fx->notify |= 1U << q->id;
	fx->fence |= 1U << q->id;
}

static void zk_queue_enable(struct zkasic_dev *d, struct zk_queue *q)
{
	uint32_t status = 0;
	uint64_t addr = 0;

	if (q->sq_log2 < 1 || q->sq_log2 > ZK_MAX_SQ_LOG2 ||
	    q->cq_log2 < 1 || q->cq_log2 > ZK_MAX_SQ_LOG2) {
		status = DRM_ZKASIC_STATUS_INVALID_SIZE;
	} else if (q->sq_base & (ZKASIC_PAGE_SIZE - 1)) {
		status = DRM_ZKASIC_STATUS_INVALID_ALIGN;
		addr = q->sq_base;
	} else if (q->cq_base & (ZKASIC_PAGE_SIZE - 1)) {
		status = DRM_ZKASIC_STATUS_INVALID_ALIGN;
		addr = q->cq_base;
	} else if (q->sq_base > UINT64_MAX -
				(ZKASIC_SQE_SIZE << q->sq_log2) ||
		   q->cq_base > UINT64_MAX -
				(ZKASIC_CQE_SIZE << q->cq_log2)) {
		status = DRM_ZKASIC_STATUS_INVALID_VALUE;
	}
	if (status) {
		q->error = true;
		zk_log_error(d, status, q->id, ~0U, 0, addr);
		return;
	}
	q->enabled = true;
	q->error = false;
	q->sq_head = q->sq_tail = 0;
	q->cq_head = q->cq_tail = 0;
	q->cq_phase = 1;
	pthread_cond_broadcast(&q->cond);
}

static void zk_queue_write32(struct zkasic_dev *d, struct zk_queue *q,
			     uint64_t r, uint32_t val, struct zk_effects *fx)
{
	uint32_t mask;

	switch (r) {
	case ZKASIC_Q_SQ_BASE:
	case ZKASIC_Q_SQ_BASE + 4:
	case ZKASIC_Q_CQ_BASE:
	case ZKASIC_Q_CQ_BASE + 4: {
		uint64_t *base = r < ZKASIC_Q_CQ_BASE ? &q->sq_base : &q->cq_base;

		if (q->enabled)
			return;	/* a running ring does not move */
		if (r & 4)
			*base = (*base & 0xffffffffULL) | (uint64_t)val << 32;
		else
			*base = (*base & ~0xffffffffULL) | val;
		return;
	}
	case ZKASIC_Q_SQ_LOG2:
		if (!q->enabled)
			q->sq_log2 = val;
		return;
	case ZKASIC_Q_CQ_LOG2:
		if (!q->enabled)
			q->cq_log2 = val;
		return;
	case ZKASIC_Q_CTRL:
		if (val & ZKASIC_QCTRL_ENABLE) {
			if (!q->enabled && !q->error)
				zk_queue_enable(d, q);
		} else if (q->enabled || q->error) {
			q->enabled = false;
			q->error = false;
			zk_queue_abort_locked(q);
			fx->fence |= 1U << q->id;
		}
		return;
	case ZKASIC_Q_SQ_TAIL:
		if (!q->enabled || q->error)
			return;
		if (val > zk_ring_mask(q->sq_log2)) {
			zk_ring_error(d, q, DRM_ZKASIC_STATUS_INVALID_VALUE, val,
				      fx);
			return;
		}
		q->sq_tail = val;
		pthread_cond_broadcast(&q->cond);
		return;
	case ZKASIC_Q_CQ_HEAD:
		if (!q->enabled || q->error)
			return;
		mask = zk_ring_mask(q->cq_log2);
		/* The driver may only give back entries the device posted. */
		if (val > mask ||
		    ((val - q->cq_head) & mask) > ((q->cq_tail - q->cq_head) & mask)) {
			zk_ring_error(d, q, DRM_ZKASIC_STATUS_INVALID_VALUE, val,
				      fx);
			return;
		}
		q->cq_head = val;
		pthread_cond_broadcast(&q->cond);
		return;
	}
}

static void zk_fi_write(struct zkasic_dev *d, uint64_t off, uint32_t val)
{
	unsigned int i;

	switch (off) {
	case ZKASIC_REG_FI_MODE:
		if (val > ZKASIC_FI_MODE_CORRUPT)
			return;
		d->fi_mode = val;
		if (val == ZKASIC_FI_MODE_FATAL && !d->fatal) {
			/* A dead chip: in-flight work is lost, nothing runs. */
			d->fatal = true;
			for (i = 0; i < d->nqueues; i++)
				zk_queue_abort_locked(&d->q[i]);
		}
		return;
	case ZKASIC_REG_FI_COUNT:
		d->fi_count = val;
		return;
	case ZKASIC_REG_FI_STATUS:
		val &= 0xff;
		d->fi_status = val ? val : DRM_ZKASIC_STATUS_INJECTED;
		return;
	}
}

static void zk_write32(struct zkasic_dev *d, uint64_t off, uint32_t val,
		       struct zk_effects *fx)
{
	unsigned int i;

	if (off >= ZKASIC_QUEUE_BASE &&
	    off < ZKASIC_QUEUE_BASE + ZKASIC_MAX_QUEUES * ZKASIC_QUEUE_STRIDE) {
		unsigned int qi = (off - ZKASIC_QUEUE_BASE) / ZKASIC_QUEUE_STRIDE;

		if (qi < d->nqueues)
			zk_queue_write32(d, &d->q[qi],
					 (off - ZKASIC_QUEUE_BASE) % ZKASIC_QUEUE_STRIDE,
					 val, fx);
		return;
	}

	switch (off) {
	case ZKASIC_REG_CTRL:
		if (val & ZKASIC_CTRL_RESET) {
			fx->reset = true;
			return;
		}
		d->ctrl = val & ZKASIC_CTRL_ENABLE;
		for (i = 0; i < d->nqueues; i++)
			pthread_cond_broadcast(&d->q[i].cond);
		return;
	case ZKASIC_REG_INT_STATUS:
		d->int_status &= ~val;
		return;
	case ZKASIC_REG_INT_MASK: {
		/* Unmasking a latched queue interrupt sends its vector. */
		uint32_t due = d->int_mask & ~val & d->int_status &
			       ((1U << d->nqueues) - 1);

		d->int_mask = val;
		d->irq_pending |= due;
		fx->notify |= due;
		return;
	}
	case ZKASIC_REG_SCRATCH:
		d->scratch = val;
		return;
	case ZKASIC_REG_CTX_TABLE:
		d->ctx_table = (d->ctx_table & ~0xffffffffULL) |
			       (val & (uint32_t)ZKASIC_CTX_ADDR_MASK);
		zk_store(&d->mmu_gen_all, d->mmu_gen_all + 1);
		return;
	case ZKASIC_REG_CTX_TABLE + 4:
		d->ctx_table = (d->ctx_table & 0xffffffffULL) |
			       (((uint64_t)val << 32) & ZKASIC_CTX_ADDR_MASK);
		zk_store(&d->mmu_gen_all, d->mmu_gen_all + 1);
		return;
	case ZKASIC_REG_MMU_INVAL:
		if (val == ~0U)
			zk_store(&d->mmu_gen_all, d->mmu_gen_all + 1);
		else if (val < ZK_NUM_CTX)
			zk_store(&d->mmu_gen_ctx[val], d->mmu_gen_ctx[val] + 1);
		return;
	}
	if (d->cfg.fault_injection)
		zk_fi_write(d, off, val);
}

/* Offsets (8-aligned) of 64-bit registers, without reading them. */
static bool zk_is_reg64(uint64_t off)
{
	if (off >= ZKASIC_QUEUE_BASE &&
	    off < ZKASIC_QUEUE_BASE + ZKASIC_MAX_QUEUES * ZKASIC_QUEUE_STRIDE) {
		uint64_t r = (off - ZKASIC_QUEUE_BASE) % ZKASIC_QUEUE_STRIDE;

		return r == ZKASIC_Q_SQ_BASE || r == ZKASIC_Q_CQ_BASE ||
		       r == ZKASIC_Q_PROGRESS;
	}
	if (off >= ZKASIC_REG_BUSY_NS(0) &&
	    off < ZKASIC_REG_BUSY_NS(ZKASIC_MAX_ENGINES))
		return true;
	return off == ZKASIC_REG_DEVMEM_SIZE || off == ZKASIC_REG_TIMESTAMP ||
	       off == ZKASIC_REG_CTX_TABLE || off == ZKASIC_REG_ENERGY_UJ ||
	       off == ZKASIC_REG_CMD_COUNT || off == ZKASIC_REG_ERR_ADDR;
}

static void zk_write(struct zkasic_dev *d, uint64_t off, uint64_t val,
		     unsigned int size, struct zk_effects *fx)
{
	if (size == 4) {
		zk_write32(d, off, (uint32_t)val, fx);
		return;
	}
	/* 64-bit: a 64-bit register whole, else the two 32-bit ones. */
	if (off == ZKASIC_REG_CTX_TABLE) {
		d->ctx_table = val & ZKASIC_CTX_ADDR_MASK;
		zk_store(&d->mmu_gen_all, d->mmu_gen_all + 1);
		return;
	}
	if (zk_is_reg64(off) && off < ZKASIC_QUEUE_BASE)
		return;	/* the other 64-bit registers are read-only */
	/*
	 * SQ_BASE/CQ_BASE take both halves (PROGRESS ignores them); pairs of
	 * 32-bit registers take the low word first.
	 */
	zk_write32(d, off, (uint32_t)val, fx);
	zk_write32(d, off + 4, (uint32_t)(val >> 32), fx);
}

uint64_t zkasic_reg_read(struct zkasic_dev *d, uint64_t off, unsigned int size)
{
	uint64_t v;

	if ((size != 4 && size != 8) || off % size ||
	    off > ZKASIC_BAR_REGS_SIZE - size)
		return 0;
	pthread_mutex_lock(&d->lock);
	v = size == 8 ? zk_reg_read64(d, off) : zk_reg_read32(d, off);
	pthread_mutex_unlock(&d->lock);
	return v;
}

void zkasic_reg_write(struct zkasic_dev *d, uint64_t off, uint64_t val,
		      unsigned int size)
{
	struct zk_effects fx = { 0 };
	unsigned int i;

	if ((size != 4 && size != 8) || off % size ||
	    off > ZKASIC_BAR_REGS_SIZE - size)
		return;
	pthread_mutex_lock(&d->lock);
	zk_write(d, off, val, size, &fx);
	pthread_mutex_unlock(&d->lock);

	if (fx.reset) {
		zkasic_reset(d);
		return;
	}
	for (i = 0; i < d->nqueues; i++) {
		if (fx.fence & (1U << i))
			zk_queue_fence(&d->q[i]);
		if (fx.notify & (1U << i))
			d->host.notify(d->opaque, i);
	}
}
