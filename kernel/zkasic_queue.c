// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: hardware queues. Each queue is an SQ/CQ pair in coherent memory
 * with its own MSI-X vector and its own drm_sched scheduler, whose credit
 * limit keeps the SQ from overflowing: a job is one SQE and one CQE, and a
 * ring of 2^k entries holds at most 2^k - 1.
 */
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <linux/dma-fence.h>
#include <linux/interrupt.h>

#include "zkasic_drv.h"

static const char *zkasic_fence_driver_name(struct dma_fence *fence)
{
	return ZKASIC_DRIVER_NAME;
}

static const char *zkasic_fence_timeline_name(struct dma_fence *fence)
{
	return "zkasic-queue";
}

static const struct dma_fence_ops zkasic_fence_ops = {
	.get_driver_name = zkasic_fence_driver_name,
	.get_timeline_name = zkasic_fence_timeline_name,
};

/* Complete a job that left the hardware; called with q->lock held. */
static void zkasic_job_complete(struct zkasic_job *job, u32 status,
				u32 err_index, u64 device_ns)
{
	job->result->status = status;
	job->result->err_index = err_index;
	job->result->device_ns = device_ns;
	atomic64_add(device_ns, &job->ctx->engine_ns[job->queue->id]);
	if (status != DRM_ZKASIC_STATUS_OK)
		dma_fence_set_error(job->hw_fence,
				    status == DRM_ZKASIC_STATUS_TIMEOUT ? -ETIMEDOUT : -EIO);
	dma_fence_signal(job->hw_fence);
}

/*
 * Consume every new CQE (phase bit as expected), complete its job and give
 * the slots back with one CQ_HEAD write. Called with q->lock held.
 */
static bool zkasic_queue_drain_cq(struct zkasic_queue *q)
{
	struct zkasic_device *zdev = q->zdev;
	bool consumed = false;

	for (;;) {
		struct zkasic_cqe *cqe = &q->cq[q->cq_head];
		struct zkasic_job *job;
		u32 seq, slot;

		if ((le32_to_cpu(READ_ONCE(cqe->flags)) & ZKASIC_CQE_F_PHASE) != q->cq_phase)
			break;
		dma_rmb();	/* read the entry only after its phase bit */
		seq = le32_to_cpu(cqe->seq);
		slot = seq & (q->entries - 1);
		job = q->inflight[slot];
		if (job && job->seq == seq) {
			u64 start = le64_to_cpu(cqe->start_ns);
			u64 end = le64_to_cpu(cqe->end_ns);

			q->inflight[slot] = NULL;
			zkasic_job_complete(job, le16_to_cpu(cqe->status),
					    le32_to_cpu(cqe->err_index),
					    end > start ? end - start : 0);
		} else {
			drm_err_ratelimited(&zdev->drm, "queue %u: completion for unknown seq %u\n",
					    q->id, seq);
		}
		if (++q->cq_head == q->entries) {
			q->cq_head = 0;
			q->cq_phase ^= ZKASIC_CQE_F_PHASE;
		}
		consumed = true;
	}
	if (consumed)
		zk_write(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_CQ_HEAD), q->cq_head);
	return consumed;
}

static irqreturn_t zkasic_queue_irq(int irq, void *arg)
{
	struct zkasic_queue *q = arg;
	bool handled;

	/* Clear first: a completion posted while we drain raises it again. */
	zk_write(q->zdev, ZKASIC_REG_INT_STATUS, ZKASIC_INT_QUEUE(q->id));
	spin_lock(&q->lock);
	handled = zkasic_queue_drain_cq(q);
	spin_unlock(&q->lock);
	return handled ? IRQ_HANDLED : IRQ_NONE;
}

/* A dependency (in-syncobj fence) that failed cancels the job. */
static bool zkasic_job_deps_failed(struct zkasic_job *job)
{
	struct dma_fence *dep;
	unsigned long index;

	xa_for_each(&job->base.dependencies, index, dep)
		if (dma_fence_get_status(dep) < 0)
			return true;
	return false;
}

static struct dma_fence *zkasic_run_job(struct drm_sched_job *sched_job)
{
	struct zkasic_job *job = to_zkasic_job(sched_job);
	struct zkasic_queue *q = job->queue;
	struct zkasic_device *zdev = q->zdev;
	struct zkasic_sqe *sqe;
	struct dma_fence *fence;
	unsigned long flags;
	int idx;

	/* The scheduler cancelled it, or what it waited for failed. */
	if (unlikely(job->base.s_fence->finished.error))
		return NULL;
	if (zkasic_job_deps_failed(job))
		return ERR_PTR(-ECANCELED);
	/*
	 * Queued before a reset: its context was banned, or device memory it
	 * may read was zeroed. Running it would give wrong results silently.
	 */
	if (READ_ONCE(job->ctx->banned) ||
	    (job->uses_devmem &&
	     job->devmem_epoch != (u32)atomic_read(&zdev->devmem_epoch)))
		return ERR_PTR(-ECANCELED);
	if (!drm_dev_enter(&zdev->drm, &idx))
		return ERR_PTR(-ENODEV);

	fence = job->hw_fence_mem;
	job->hw_fence_mem = NULL;
	dma_fence_init(fence, &zkasic_fence_ops, &q->fence_lock,
		       q->fence_context, ++q->fence_seqno);
	job->hw_fence = dma_fence_get(fence);

	spin_lock_irqsave(&q->lock, flags);
	job->seq = q->next_seq++;
	q->inflight[job->seq & (q->entries - 1)] = job;
	sqe = &q->sq[q->sq_tail];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = ZKASIC_SQE_OP_EXEC;
	sqe->ctx = cpu_to_le16(job->ctx->slot);
	sqe->seq = cpu_to_le32(job->seq);
	sqe->cmd_addr = cpu_to_le64(job->cmds_dma);
	sqe->cmd_count = cpu_to_le32(job->cmd_count);
	q->sq_tail = (q->sq_tail + 1) & (q->entries - 1);
	/* writel orders the SQE and command writes before the doorbell. */
	zk_write(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_SQ_TAIL), q->sq_tail);
	spin_unlock_irqrestore(&q->lock, flags);

	drm_dev_exit(idx);
	return fence;
}

/*
 * Hangs are detected by progress, not by a deadline: a long MSM keeps
 * advancing the queue's PROGRESS counter and is left to run.
 */
static enum drm_gpu_sched_stat zkasic_timedout_job(struct drm_sched_job *sched_job)
{
	struct zkasic_job *job = to_zkasic_job(sched_job);
	struct zkasic_queue *q = job->queue;
	struct zkasic_device *zdev = q->zdev;
	unsigned long flags;
	u64 progress;
	bool fatal;
	int idx;

	if (!drm_dev_enter(&zdev->drm, &idx))
		return DRM_GPU_SCHED_STAT_ENODEV;

	/* A completion whose interrupt got lost is not a hang. */
	spin_lock_irqsave(&q->lock, flags);
	if (zkasic_queue_drain_cq(q))
		drm_warn_once(&zdev->drm, "queue %u: completion without interrupt\n",
			      q->id);
	spin_unlock_irqrestore(&q->lock, flags);
	if (!job->hw_fence || dma_fence_is_signaled(job->hw_fence))
		goto requeue;

	fatal = zk_read(zdev, ZKASIC_REG_STATUS) & ZKASIC_STATUS_FATAL;
	progress = zk_read64(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_PROGRESS));
	if (!fatal && progress != q->last_progress) {
		q->last_progress = progress;
		goto requeue;
	}
	drm_err(&zdev->drm, "queue %u: job %llu %s, resetting the device\n", q->id,
		job->result->seqno, fatal ? "hit a fatal device error" : "made no progress");
	if (!zkasic_device_recover(zdev, job))
		goto requeue;	/* it finished while we waited for the lock */
	drm_dev_exit(idx);
	return DRM_GPU_SCHED_STAT_NOMINAL;

requeue:
	drm_dev_exit(idx);
	/* The scheduler took the job off its pending list; put it back. */
	spin_lock(&sched_job->sched->job_list_lock);
	list_add(&sched_job->list, &sched_job->sched->pending_list);
	spin_unlock(&sched_job->sched->job_list_lock);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void zkasic_free_job(struct drm_sched_job *sched_job)
{
	zkasic_job_free(to_zkasic_job(sched_job));
}

static const struct drm_sched_backend_ops zkasic_sched_ops = {
	.run_job = zkasic_run_job,
	.timedout_job = zkasic_timedout_job,
	.free_job = zkasic_free_job,
};

/*
 * After a reset: every job the hardware held is gone. Fail it (TIMEOUT for
 * the guilty one, ABORTED for the others) so its waiters wake up.
 */
void zkasic_queue_fail_inflight(struct zkasic_queue *q, struct zkasic_job *guilty)
{
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&q->lock, flags);
	for (i = 0; i < q->entries; i++) {
		struct zkasic_job *job = q->inflight[i];

		if (!job)
			continue;
		q->inflight[i] = NULL;
		zkasic_job_complete(job, job == guilty ? DRM_ZKASIC_STATUS_TIMEOUT :
				    DRM_ZKASIC_STATUS_ABORTED, U32_MAX, 0);
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Program and enable the rings; the device resets its indexes on enable. */
void zkasic_queue_hw_start(struct zkasic_queue *q)
{
	struct zkasic_device *zdev = q->zdev;
	unsigned long flags;
	u32 status;

	spin_lock_irqsave(&q->lock, flags);
	/* No stale entry may carry the phase the device starts with. */
	memset(q->cq, 0, q->entries * sizeof(*q->cq));
	q->sq_tail = 0;
	q->cq_head = 0;
	q->cq_phase = ZKASIC_CQE_F_PHASE;
	spin_unlock_irqrestore(&q->lock, flags);

	zk_write(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_CTRL), 0);
	zk_write64(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_SQ_BASE), q->sq_dma);
	zk_write64(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_CQ_BASE), q->cq_dma);
	zk_write(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_SQ_LOG2), ZKASIC_RING_LOG2);
	zk_write(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_CQ_LOG2), ZKASIC_RING_LOG2);
	zk_write(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_CTRL), ZKASIC_QCTRL_ENABLE);
	status = zk_read(zdev, ZKASIC_QREG(q->id, ZKASIC_Q_STATUS));
	if (!(status & ZKASIC_QSTATUS_ENABLED) || (status & ZKASIC_QSTATUS_ERROR))
		drm_err(&zdev->drm, "queue %u did not start: status %#x, error %#x\n",
			q->id, status, zk_read(zdev, ZKASIC_REG_ERR_STATUS));
}

/* At the last reference to the DRM device: every context and job is gone. */
static void zkasic_sched_release(struct drm_device *drm, void *arg)
{
	struct zkasic_queue *q = arg;

	drm_sched_fini(&q->sched);
}

static int zkasic_sched_init(struct zkasic_queue *q)
{
	struct device *dev = q->zdev->drm.dev;
	long timeout = msecs_to_jiffies(ZKASIC_JOB_TIMEOUT_MS);
	u32 credits = q->entries - 1;
	int ret;

#ifdef HAVE_SCHED_INIT_ARGS
	const struct drm_sched_init_args args = {
		.ops = &zkasic_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = credits,
		.timeout = timeout,
		.timeout_wq = q->zdev->reset_wq,
		.name = q->name,
		.dev = dev,
	};

	ret = drm_sched_init(&q->sched, &args);
#else
	ret = drm_sched_init(&q->sched, &zkasic_sched_ops, NULL,
			     DRM_SCHED_PRIORITY_COUNT, credits, 0, timeout,
			     q->zdev->reset_wq, NULL, q->name, dev);
#endif
	if (ret)
		return ret;
	q->sched_ready = true;
	/*
	 * Open files keep entities on this scheduler after a hot-unplug, so
	 * it goes with the DRM device, not with the PCI binding.
	 */
	return drmm_add_action_or_reset(&q->zdev->drm, zkasic_sched_release, q);
}

static void zkasic_queue_free_rings(struct zkasic_queue *q)
{
	struct device *dev = &q->zdev->pdev->dev;

	if (q->cq)
		dma_free_coherent(dev, q->entries * sizeof(*q->cq), q->cq, q->cq_dma);
	if (q->sq)
		dma_free_coherent(dev, q->entries * sizeof(*q->sq), q->sq, q->sq_dma);
	kfree(q->inflight);
	q->cq = NULL;
	q->sq = NULL;
	q->inflight = NULL;
}

/* Rings, vector and scheduler of queue @id; the hardware is started later. */
int zkasic_queue_init(struct zkasic_device *zdev, unsigned int id)
{
	struct zkasic_queue *q = &zdev->queues[id];
	struct device *dev = &zdev->pdev->dev;
	int ret;

	q->zdev = zdev;
	q->id = id;
	q->entries = 1U << ZKASIC_RING_LOG2;
	snprintf(q->name, sizeof(q->name), "zkasic-q%u", id);
	spin_lock_init(&q->lock);
	spin_lock_init(&q->fence_lock);
	q->fence_context = dma_fence_context_alloc(1);

	q->inflight = kcalloc(q->entries, sizeof(*q->inflight), GFP_KERNEL);
	q->sq = dma_alloc_coherent(dev, q->entries * sizeof(*q->sq), &q->sq_dma,
				   GFP_KERNEL);
	q->cq = dma_alloc_coherent(dev, q->entries * sizeof(*q->cq), &q->cq_dma,
				   GFP_KERNEL);
	if (!q->inflight || !q->sq || !q->cq) {
		ret = -ENOMEM;
		goto err;
	}
	ret = zkasic_sched_init(q);
	if (ret)
		goto err;
	ret = request_irq(pci_irq_vector(zdev->pdev, id), zkasic_queue_irq, 0,
			  q->name, q);
	if (ret)
		goto err;
	q->irq_ready = true;
	return 0;

err:
	zkasic_queue_free_rings(q);
	return ret;
}

/*
 * The device is stopped (reset) and its in-flight jobs failed: release the
 * vector and the rings. The scheduler stays until the DRM device goes.
 */
void zkasic_queue_fini(struct zkasic_queue *q)
{
	if (q->irq_ready)
		free_irq(pci_irq_vector(q->zdev->pdev, q->id), q);
	q->irq_ready = false;
	zkasic_queue_free_rings(q);
}
