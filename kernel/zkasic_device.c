// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: device bring-up, teardown, reset and recovery, following the
 * initialisation sequence of docs/hardware.md section 4.
 */
#include <drm/drm_file.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <linux/delay.h>
#include <linux/iopoll.h>
#include <linux/kobject.h>

#include "zkasic_drv.h"

#define ZKASIC_RESET_TIMEOUT_US	(1000 * 1000)

/* After a reset (ours, an FLR or power-on): wait until aborted work drained. */
static int zkasic_wait_ready(struct zkasic_device *zdev)
{
	u32 status;
	int ret;

	ret = readl_poll_timeout(zdev->regs + ZKASIC_REG_STATUS, status,
				 status & ZKASIC_STATUS_READY, 100,
				 ZKASIC_RESET_TIMEOUT_US);
	if (ret || (status & ZKASIC_STATUS_FATAL)) {
		drm_err(&zdev->drm, "device did not come out of reset (status %#x)\n",
			status);
		return ret ?: -EIO;
	}
	return 0;
}

/* Once this returns, the device does no DMA for work it had before. */
int zkasic_device_reset(struct zkasic_device *zdev)
{
	zk_write(zdev, ZKASIC_REG_CTRL, ZKASIC_CTRL_RESET);
	return zkasic_wait_ready(zdev);
}

static int zkasic_read_caps(struct zkasic_device *zdev)
{
	u32 id = zk_read(zdev, ZKASIC_REG_ID);

	zdev->version = zk_read(zdev, ZKASIC_REG_VERSION);
	if (id != ZKASIC_ID_MAGIC) {
		drm_err(&zdev->drm, "bad ID register %#x\n", id);
		return -ENODEV;
	}
	if ((zdev->version >> 16) != ZKASIC_SPEC_MAJOR) {
		drm_err(&zdev->drm, "unsupported spec version %u.%u\n",
			zdev->version >> 16, zdev->version & 0xffff);
		return -ENODEV;
	}
	zdev->curves = zk_read(zdev, ZKASIC_REG_CAP_CURVES);
	zdev->fields = zk_read(zdev, ZKASIC_REG_CAP_FIELDS);
	zdev->engines = zk_read(zdev, ZKASIC_REG_CAP_ENGINES);
	zdev->limits = zk_read(zdev, ZKASIC_REG_CAP_LIMITS);
	zdev->sku = zk_read(zdev, ZKASIC_REG_SKU);
	zdev->cap_flags = zk_read(zdev, ZKASIC_REG_CAP_FLAGS);
	zdev->devmem_size = zk_read64(zdev, ZKASIC_REG_DEVMEM_SIZE);
	zdev->num_ctx = zk_read(zdev, ZKASIC_REG_NUM_CTX);
	zdev->max_batch = zk_read(zdev, ZKASIC_REG_MAX_BATCH);
	zdev->num_queues = min_t(u32, ZKASIC_CAP_ENGINES_QUEUES(zdev->engines),
				 ZKASIC_MAX_QUEUES);
	/* Without the MMU nothing would confine a context's commands. */
	if (!(zdev->cap_flags & ZKASIC_CAP_F_MMU)) {
		drm_err(&zdev->drm, "device has no MMU\n");
		return -ENODEV;
	}
	if (!(zdev->cap_flags & ZKASIC_CAP_F_DEVMEM))
		zdev->devmem_size = 0;
	zdev->devmem_size = round_down(zdev->devmem_size, ZKASIC_PAGE_SIZE);
	if (!zdev->num_queues || zdev->num_ctx < 2 || !zdev->max_batch ||
	    ZKASIC_CAP_LIMITS_SQ_LOG2(zdev->limits) < ZKASIC_RING_LOG2) {
		drm_err(&zdev->drm, "implausible capabilities\n");
		return -ENODEV;
	}
	/* The table is one page of slots at most; more would be unused. */
	zdev->num_ctx = min_t(u32, zdev->num_ctx, PAGE_SIZE / sizeof(u64));
	return 0;
}

/* Program the context table and the queues and enable the device. */
static int zkasic_device_hw_start(struct zkasic_device *zdev)
{
	unsigned int i;
	u64 table;

	zk_write64(zdev, ZKASIC_REG_CTX_TABLE, zdev->ctx_table_dma);
	table = ((u64)zk_read(zdev, ZKASIC_REG_CTX_TABLE + 4) << 32) |
		zk_read(zdev, ZKASIC_REG_CTX_TABLE);
	if (table != zdev->ctx_table_dma) {
		drm_err(&zdev->drm, "context table address did not stick (%#llx)\n", table);
		return -EIO;
	}
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_hw_start(&zdev->queues[i]);
	zk_write(zdev, ZKASIC_REG_CTRL, ZKASIC_CTRL_ENABLE);
	zk_write(zdev, ZKASIC_REG_INT_STATUS, U32_MAX);
	zk_write(zdev, ZKASIC_REG_INT_MASK, 0);
	return 0;
}

/* Teardown order of the spec: no more vectors, then a reset stops all DMA. */
static void zkasic_device_stop(struct zkasic_device *zdev)
{
	zk_write(zdev, ZKASIC_REG_INT_MASK, U32_MAX);
	zkasic_device_reset(zdev);
}

/* The operator's reset, on the reset queue. */
static void zkasic_reset_work(struct work_struct *work)
{
	struct zkasic_device *zdev = container_of(work, struct zkasic_device, reset_work);
	int idx;

	if (!drm_dev_enter(&zdev->drm, &idx))
		return;
	zkasic_device_recover(zdev, NULL);
	drm_dev_exit(idx);
}

/*
 * Reset the device for the operator and wait until it is done. Requests
 * that arrive while one is queued share it.
 */
int zkasic_device_request_reset(struct zkasic_device *zdev)
{
	if (drm_dev_is_unplugged(&zdev->drm))
		return -ENODEV;
	queue_work(zdev->reset_wq, &zdev->reset_work);
	flush_work(&zdev->reset_work);
	return drm_dev_is_unplugged(&zdev->drm) ? -ENODEV : 0;
}

/* After the schedulers (added later, so released first) stopped using it. */
static void zkasic_reset_wq_release(struct drm_device *drm, void *arg)
{
	destroy_workqueue(arg);
}

/* At the last reference to the DRM device: every buffer and context is gone. */
static void zkasic_device_release(struct drm_device *drm, void *arg)
{
	struct zkasic_device *zdev = arg;

	drm_mm_takedown(&zdev->devmem_mm);
	ida_destroy(&zdev->ctx_ida);
	mutex_destroy(&zdev->devmem_lock);
	mutex_destroy(&zdev->map_lock);
	mutex_destroy(&zdev->reset_lock);
}

int zkasic_device_init(struct zkasic_device *zdev)
{
	struct pci_dev *pdev = zdev->pdev;
	unsigned int i;
	int ret, nvec;

	mutex_init(&zdev->reset_lock);
	mutex_init(&zdev->map_lock);
	mutex_init(&zdev->devmem_lock);
	ida_init(&zdev->ctx_ida);
	drm_mm_init(&zdev->devmem_mm, 0, 0);
	ret = drmm_add_action_or_reset(&zdev->drm, zkasic_device_release, zdev);
	if (ret)
		return ret;
	INIT_WORK(&zdev->reset_work, zkasic_reset_work);
	zdev->reset_wq = alloc_ordered_workqueue("zkasic-reset", 0);
	if (!zdev->reset_wq)
		return -ENOMEM;
	ret = drmm_add_action_or_reset(&zdev->drm, zkasic_reset_wq_release, zdev->reset_wq);
	if (ret)
		return ret;

	ret = zkasic_read_caps(zdev);
	if (ret)
		return ret;
	ret = zkasic_device_reset(zdev);
	if (ret)
		return ret;
	drm_mm_takedown(&zdev->devmem_mm);
	drm_mm_init(&zdev->devmem_mm, 0, zdev->devmem_size);

	nvec = pci_alloc_irq_vectors(pdev, zdev->num_queues, zdev->num_queues,
				     PCI_IRQ_MSIX);
	if (nvec < 0) {
		drm_err(&zdev->drm, "cannot get %u MSI-X vectors\n", zdev->num_queues);
		return nvec;
	}

	/* Zeroed: every slot starts invalid. */
	zdev->ctx_table_size = PAGE_SIZE;
	zdev->ctx_table = dma_alloc_coherent(&pdev->dev, zdev->ctx_table_size,
					     &zdev->ctx_table_dma, GFP_KERNEL);
	if (!zdev->ctx_table) {
		ret = -ENOMEM;
		goto err_irq;
	}

	for (i = 0; i < zdev->num_queues; i++) {
		ret = zkasic_queue_init(zdev, i);
		if (ret)
			goto err_queues;
	}
	ret = zkasic_device_hw_start(zdev);
	if (ret)
		goto err_stop;

	zdev->kctx = zkasic_ctx_create(zdev, true);
	if (IS_ERR(zdev->kctx)) {
		ret = PTR_ERR(zdev->kctx);
		zdev->kctx = NULL;
		goto err_stop;
	}
	return 0;

err_stop:
	zkasic_device_stop(zdev);
	i = zdev->num_queues;
err_queues:
	while (i--)
		zkasic_queue_fini(&zdev->queues[i]);
	dma_free_coherent(&pdev->dev, zdev->ctx_table_size, zdev->ctx_table,
			  zdev->ctx_table_dma);
	zdev->ctx_table = NULL;
err_irq:
	pci_free_irq_vectors(pdev);
	return ret;
}

/*
 * The PCI device is going away (after drm_dev_unplug(), so no ioctl, run_job
 * or recovery touches the hardware any more). Stop it, fail what it held and
 * free what the hardware used. Open files keep their contexts; their queued
 * jobs fail with -ENODEV in run_job.
 */
void zkasic_device_fini(struct zkasic_device *zdev)
{
	unsigned int i;

	zkasic_device_stop(zdev);
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_fail_inflight(&zdev->queues[i], NULL);
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_fini(&zdev->queues[i]);
	pci_free_irq_vectors(zdev->pdev);
	if (zdev->kctx) {
		zkasic_ctx_close(zdev->kctx);
		zkasic_ctx_put(zdev->kctx);
		zdev->kctx = NULL;
	}
	/* The device was reset: it no longer reads the table. */
	dma_free_coherent(&zdev->pdev->dev, zdev->ctx_table_size, zdev->ctx_table,
			  zdev->ctx_table_dma);
	zdev->ctx_table = NULL;
}

/* Power-off or kexec: leave no DMA running behind the next kernel's back. */
void zkasic_device_shutdown(struct zkasic_device *zdev)
{
	zkasic_device_stop(zdev);
}

/*
 * Tell userspace (udev, monitoring) about a reset with a change uevent on
 * the accel node: ZKASIC_RESET=<reason>, ZKASIC_RESET_COUNT=<n>.
 */
static void zkasic_reset_uevent(struct zkasic_device *zdev, const char *reason)
{
	char reason_env[40], count_env[40];
	char *envp[3];

	if (!zdev->drm.accel || !zdev->drm.accel->kdev)
		return;
	envp[0] = reason_env;
	envp[1] = count_env;
	envp[2] = NULL;
	snprintf(reason_env, sizeof(reason_env), "ZKASIC_RESET=%s", reason);
	snprintf(count_env, sizeof(count_env), "ZKASIC_RESET_COUNT=%d",
		 atomic_read(&zdev->reset_count));
	kobject_uevent_env(&zdev->drm.accel->kdev->kobj, KOBJ_CHANGE, envp);
}

/*
 * A job hung (or the operator asked): reset the device, fail the guilty
 * job with TIMEOUT and every other job that was on the hardware with
 * ABORTED (the reset dropped them), restart the queues. Jobs still waiting
 * in the scheduler run afterwards. Returns false, doing nothing, if the
 * guilty job completed meanwhile.
 */
bool zkasic_device_recover(struct zkasic_device *zdev, struct zkasic_job *guilty)
{
	unsigned int i;

	mutex_lock(&zdev->reset_lock);
	if (guilty && dma_fence_is_signaled(guilty->hw_fence)) {
		mutex_unlock(&zdev->reset_lock);
		return false;
	}
	for (i = 0; i < zdev->num_queues; i++)
		drm_sched_stop(&zdev->queues[i].sched,
			       guilty && guilty->queue == &zdev->queues[i] ?
			       &guilty->base : NULL);

	zkasic_device_reset(zdev);
	atomic_inc(&zdev->reset_count);
	atomic_inc(&zdev->devmem_epoch);
	/* The driver's own context is never banned: it only clears DRAM. */
	if (guilty && guilty->ctx != zdev->kctx)
		WRITE_ONCE(guilty->ctx->banned, true);
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_fail_inflight(&zdev->queues[i], guilty);
	zkasic_device_hw_start(zdev);

	for (i = 0; i < zdev->num_queues; i++)
		drm_sched_start(&zdev->queues[i].sched);
	mutex_unlock(&zdev->reset_lock);
	drm_warn(&zdev->drm, "device reset%s (%d resets)\n",
		 guilty ? " after a hung job" : "", atomic_read(&zdev->reset_count));
	zkasic_reset_uevent(zdev, guilty ? "hang" : "operator");
	return true;
}

/*
 * A function-level reset from the PCI core (sysfs "reset", VFIO, error
 * recovery): park the schedulers before, rebuild the device state after.
 * The PCI core calls both from the same task; reset_lock is held between.
 */
void zkasic_device_flr_prepare(struct zkasic_device *zdev)
{
	unsigned int i;

	mutex_lock(&zdev->reset_lock);
	for (i = 0; i < zdev->num_queues; i++)
		drm_sched_stop(&zdev->queues[i].sched, NULL);
}

void zkasic_device_flr_done(struct zkasic_device *zdev)
{
	unsigned int i;

	zkasic_wait_ready(zdev);
	atomic_inc(&zdev->reset_count);
	atomic_inc(&zdev->devmem_epoch);
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_fail_inflight(&zdev->queues[i], NULL);
	zkasic_device_hw_start(zdev);
	for (i = 0; i < zdev->num_queues; i++)
		drm_sched_start(&zdev->queues[i].sched);
	mutex_unlock(&zdev->reset_lock);
	drm_warn(&zdev->drm, "function-level reset (%d resets)\n",
		 atomic_read(&zdev->reset_count));
	zkasic_reset_uevent(zdev, "flr");
}
