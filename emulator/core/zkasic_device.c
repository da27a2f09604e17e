// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zkasic device model core: device lifecycle (SKU profiles, creation,
 * reset, teardown), the error log and interrupt bookkeeping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zkasic_internal.h"
#include <zkasic/zkmath.h>

/*
 * The two products. Everything the driver may depend on is also readable
 * from the CAP_* registers. work_budget bounds the host memory engines use
 * for staging at any one time, whatever the guest asks for (one NTT of the
 * largest size needs 512 MiB).
 */
static const struct zk_sku zk_skus[] = {
	[ZKASIC_SKU_AIR] = {
		.name = ZKASIC_SKU_NAME_AIR,
		.queues = 4, .msm = 2, .ntt = 2, .vec = 1,
		.devmem_size = 1ULL << 30,
		.work_budget = 1ULL << 30,
		.idle_mw = 2000,
		.rth_mc_per_w = 3000,
		.thermal_tau_ns = 20ULL * 1000000000,
	},
	[ZKASIC_SKU_PRO] = {
		.name = ZKASIC_SKU_NAME_PRO,
		.queues = 16, .msm = 8, .ntt = 8, .vec = 4,
		.devmem_size = 16ULL << 30,
		.work_budget = 2ULL << 30,
		.idle_mw = 8000,
		.rth_mc_per_w = 800,
		.thermal_tau_ns = 30ULL * 1000000000,
	},
};

int zkasic_sku_from_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(zk_skus) / sizeof(zk_skus[0]); i++)
		if (name && !strcmp(name, zk_skus[i].name))
			return (int)i;
	return -1;
}

uint64_t zk_now(struct zkasic_dev *d)
{
	return d->host.clock_ns(d->opaque);
}

/*
 * The job's queue has not been disabled or reset since the job started
 * (device teardown aborts every queue too).
 */
bool zk_job_live(const struct zk_job *j)
{
	return zk_load(&j->q->gen) == j->gen;
}

const char *zk_status_name(uint32_t status)
{
	switch (status) {
	case DRM_ZKASIC_STATUS_OK: return "OK";
	case DRM_ZKASIC_STATUS_INVALID_OPCODE: return "INVALID_OPCODE";
	case DRM_ZKASIC_STATUS_INVALID_KIND: return "INVALID_KIND";
	case DRM_ZKASIC_STATUS_INVALID_FLAGS: return "INVALID_FLAGS";
	case DRM_ZKASIC_STATUS_INVALID_SIZE: return "INVALID_SIZE";
	case DRM_ZKASIC_STATUS_INVALID_ALIGN: return "INVALID_ALIGN";
	case DRM_ZKASIC_STATUS_RESERVED_NONZERO: return "RESERVED_NONZERO";
	case DRM_ZKASIC_STATUS_MMU_FAULT: return "MMU_FAULT";
	case DRM_ZKASIC_STATUS_DMA_ERROR: return "DMA_ERROR";
	case DRM_ZKASIC_STATUS_INVALID_VALUE: return "INVALID_VALUE";
	case DRM_ZKASIC_STATUS_ABORTED: return "ABORTED";
	case DRM_ZKASIC_STATUS_BAD_SQE: return "BAD_SQE";
	case DRM_ZKASIC_STATUS_CTX_FAULT: return "CTX_FAULT";
	case DRM_ZKASIC_STATUS_INTERNAL: return "INTERNAL";
	case DRM_ZKASIC_STATUS_INJECTED: return "INJECTED";
	default: return "UNKNOWN";
	}
}

/*
 * Latch the error in the ERR_* registers (the driver reads them) and
 * tell the embedder's guest-error log why. dev->lock held.
 */
void zk_log_error(struct zkasic_dev *d, uint32_t status, uint32_t queue,
		  uint32_t index, uint32_t seq, uint64_t addr)
{
	if (d->host.guest_error) {
		char msg[160];

		if (index == ~0U)
			snprintf(msg, sizeof(msg),
				 "queue %u: %s (0x%02x), seq %u, address 0x%llx",
				 queue, zk_status_name(status), status, seq,
				 (unsigned long long)addr);
		else
			snprintf(msg, sizeof(msg),
				 "queue %u: %s (0x%02x), seq %u, command %u, address 0x%llx",
				 queue, zk_status_name(status), status, seq,
				 index, (unsigned long long)addr);
		d->host.guest_error(d->opaque, status, msg);
	}
	d->err_count++;
	d->err_status = status;
	d->err_queue = queue;
	d->err_index = index;
	d->err_seq = seq;
	d->err_addr = addr;
	d->int_status |= ZKASIC_INT_ERROR;
}

/*
 * Latch the queue's interrupt; its vector becomes due unless masked.
 * *notify tells the caller to call host.notify once dev->lock is dropped.
 */
void zk_raise_queue_irq(struct zkasic_dev *d, struct zk_queue *q, bool *notify)
{
	uint32_t bit = ZKASIC_INT_QUEUE(q->id);

	d->int_status |= bit;
	if (!(d->int_mask & bit)) {
		d->irq_pending |= bit;
		*notify = true;
	}
}

uint32_t zkasic_irq_take(struct zkasic_dev *d)
{
	uint32_t pending;

	pthread_mutex_lock(&d->lock);
	pending = d->irq_pending;
	d->irq_pending = 0;
	pthread_mutex_unlock(&d->lock);
	return pending;
}

unsigned int zkasic_num_queues(const struct zkasic_dev *d)
{
	return d->nqueues;
}

/*
 * Abort whatever the queue's worker is doing: its generation no longer
 * matches, so it drops the batch at its next check and the math core sees
 * the abort flag. dev->lock held.
 */
void zk_queue_abort_locked(struct zk_queue *q)
{
	zk_store(&q->gen, q->gen + 1);
	zk_store(&q->abort, 1);
	pthread_cond_broadcast(&q->cond);
	pthread_cond_broadcast(&q->dev->res_cond);
}

/*
 * Wait out a DMA chunk the worker may be doing right now; after this no
 * DMA of an aborted batch can start (the worker re-checks the generation
 * under io_lock). dev->lock must not be held.
 */
void zk_queue_fence(struct zk_queue *q)
{
	pthread_mutex_lock(&q->io_lock);
	pthread_mutex_unlock(&q->io_lock);
}

static void zk_reset_locked(struct zkasic_dev *d)
{
	unsigned int i;

	for (i = 0; i < d->nqueues; i++) {
		struct zk_queue *q = &d->q[i];

		zk_queue_abort_locked(q);
		if (q->busy && !q->stale) {
			q->stale = true;
			d->draining++;
		}
		q->sq_base = q->cq_base = 0;
		q->sq_log2 = q->cq_log2 = 0;
		q->enabled = q->error = false;
		q->sq_tail = q->sq_head = q->cq_head = q->cq_tail = 0;
		q->cq_phase = 1;
	}
	d->ctrl = 0;
	d->fatal = false;
	d->int_status = 0;
	d->int_mask = 0;
	d->irq_pending = 0;
	d->scratch = 0;
	d->ctx_table = 0;
	zk_store(&d->mmu_gen_all, d->mmu_gen_all + 1);
	d->err_count = d->err_status = d->err_queue = 0;
	d->err_index = d->err_seq = 0;
	d->err_addr = 0;
	d->fi_mode = ZKASIC_FI_MODE_OFF;
	d->fi_count = 0;
	d->fi_status = DRM_ZKASIC_STATUS_INJECTED;
}

void zkasic_reset(struct zkasic_dev *d)
{
	unsigned int i;

	pthread_mutex_lock(&d->lock);
	zk_tel_update(d);
	zk_reset_locked(d);
	d->reset_count++;
	pthread_mutex_unlock(&d->lock);

	for (i = 0; i < d->nqueues; i++)
		zk_queue_fence(&d->q[i]);
	/* No queue is enabled now, so nothing can touch devmem meanwhile. */
	zk_devmem_clear(d);
}

static uint32_t zk_probe_curves(void)
{
	uint32_t caps = 0;
	int c;

	for (c = DRM_ZKASIC_CURVE_BN254_G1; c <= DRM_ZKASIC_CURVE_BLS12_381_G2;
	     c++)
		if (zkm_point_bytes(c) && zkm_scalar_bytes(c) == 32)
			caps |= 1U << c;
	return caps;
}

static uint32_t zk_probe_fields(void)
{
	uint32_t caps = 0;
	int f;

	for (f = DRM_ZKASIC_FIELD_BN254_FR; f <= DRM_ZKASIC_FIELD_GOLDILOCKS;
	     f++)
		if (zkm_field_bytes(f))
			caps |= 1U << f;
	return caps;
}

struct zkasic_dev *zkasic_create(const struct zkasic_config *cfg,
				 const struct zkasic_host *host, void *opaque,
				 char *err, size_t errlen)
{
	struct zkasic_dev *d;
	uint64_t devmem;
	unsigned int i;

	if (!host || !host->dma_read || !host->dma_write || !host->notify ||
	    !host->clock_ns) {
		snprintf(err, errlen, "incomplete host callbacks");
		return NULL;
	}
	if (cfg->sku >= sizeof(zk_skus) / sizeof(zk_skus[0])) {
		snprintf(err, errlen, "unknown SKU %u", cfg->sku);
		return NULL;
	}
	devmem = cfg->devmem_size ? cfg->devmem_size :
		 zk_skus[cfg->sku].devmem_size;
	if (devmem % ZKASIC_PAGE_SIZE ||
	    devmem > (ZKASIC_PTE_ADDR_MASK | (ZKASIC_PAGE_SIZE - 1)) + 1) {
		snprintf(err, errlen,
			 "devmem size must be a multiple of 4 KiB and at most 4 PiB");
		return NULL;
	}

	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->cfg = *cfg;
	d->host = *host;
	d->opaque = opaque;
	d->sku = &zk_skus[cfg->sku];
	d->nqueues = d->sku->queues;
	d->n_msm = d->sku->msm;
	d->n_ntt = d->sku->ntt;
	d->n_vec = d->sku->vec;
	d->dma_engine = d->n_msm + d->n_ntt + d->n_vec;
	d->work_budget = d->sku->work_budget;
	/* Between 64 KiB (bounds MSM partial results) and half the budget. */
	d->slice_bytes = cfg->slice_bytes ? cfg->slice_bytes : ZK_SLICE_BYTES;
	if (d->slice_bytes < (64 << 10))
		d->slice_bytes = 64 << 10;
	if (d->slice_bytes > d->work_budget / 2)
		d->slice_bytes = d->work_budget / 2;
	d->cap_curves = zk_probe_curves();
	d->cap_fields = zk_probe_fields();
	pthread_mutex_init(&d->lock, NULL);
	{
		pthread_condattr_t attr;

		/* Resource waits time out to tick Q_PROGRESS: monotonic. */
		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&d->res_cond, &attr);
		pthread_condattr_destroy(&attr);
	}
	for (i = 0; i < ZKASIC_MAX_QUEUES; i++) {
		d->q[i].dev = d;
		d->q[i].id = i;
		pthread_cond_init(&d->q[i].cond, NULL);
		pthread_mutex_init(&d->q[i].io_lock, NULL);
	}
	if (zk_devmem_init(d, devmem, err, errlen))
		goto fail;
	zk_reset_locked(d);
	zk_tel_init(d);
	if (zk_queues_start(d, err, errlen))
		goto fail;
	return d;

fail:
	zkasic_destroy(d);
	return NULL;
}

void zkasic_destroy(struct zkasic_dev *d)
{
	unsigned int i;

	if (!d)
		return;
	zk_queues_stop(d);
	zk_devmem_fini(d);
	for (i = 0; i < ZKASIC_MAX_QUEUES; i++) {
		pthread_cond_destroy(&d->q[i].cond);
		pthread_mutex_destroy(&d->q[i].io_lock);
	}
	pthread_cond_destroy(&d->res_cond);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
