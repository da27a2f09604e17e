// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: device bring-up, reset and recovery.
 */
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <linux/delay.h>
#include <linux/iopoll.h>

#include "zkasic_drv.h"

#define ZKASIC_RESET_TIMEOUT_US	(1000 * 1000)

int zkasic_device_reset(struct zkasic_device *zdev)
{
	u32 status;
	int ret;

	zk_write(zdev, ZKASIC_REG_CTRL, ZKASIC_CTRL_RESET);
	ret = readl_poll_timeout(zdev->regs + ZKASIC_REG_STATUS, status,
				 status & ZKASIC_STATUS_READY, 100,
				 ZKASIC_RESET_TIMEOUT_US);
	if (ret)
		drm_err(&zdev->drm, "device did not come out of reset (status %#x)\n",
			status);
	return ret;
}

static int zkasic_read_caps(struct zkasic_device *zdev)
{
	u32 id = zk_read(zdev, ZKASIC_REG_ID);
	u32 version = zk_read(zdev, ZKASIC_REG_VERSION);

	if (id != ZKASIC_ID_MAGIC) {
		drm_err(&zdev->drm, "bad ID register %#x\n", id);
		return -ENODEV;
	}
	if ((version >> 16) != ZKASIC_SPEC_MAJOR) {
		drm_err(&zdev->drm, "unsupported spec version %u.%u\n",
			version >> 16, version & 0xffff);
		return -ENODEV;
	}
	zdev->curves = zk_read(zdev, ZKASIC_REG_CAP_CURVES);
	zdev->fields = zk_read(zdev, ZKASIC_REG_CAP_FIELDS);
	zdev->engines = zk_read(zdev, ZKASIC_REG_CAP_ENGINES);
	zdev->limits = zk_read(zdev, ZKASIC_REG_CAP_LIMITS);
	zdev->sku = zk_read(zdev, ZKASIC_REG_SKU);
	zdev->devmem_size = zk_read64(zdev, ZKASIC_REG_DEVMEM_SIZE);
	zdev->num_ctx = zk_read(zdev, ZKASIC_REG_NUM_CTX);
	zdev->max_batch = zk_read(zdev, ZKASIC_REG_MAX_BATCH);
	zdev->num_queues = min_t(u32, ZKASIC_CAP_ENGINES_QUEUES(zdev->engines),
				 ZKASIC_MAX_QUEUES);
	if (!zdev->num_queues || zdev->num_ctx < 2 || !zdev->max_batch ||
	    ZKASIC_CAP_LIMITS_SQ_LOG2(zdev->limits) < ZKASIC_RING_LOG2) {
		drm_err(&zdev->drm, "implausible capabilities\n");
		return -ENODEV;
	}
	return 0;
}

/* Program the context table and enable the device (after any reset). */
static void zkasic_device_hw_start(struct zkasic_device *zdev)
{
	unsigned int i;

	zk_write64(zdev, ZKASIC_REG_CTX_TABLE, zdev->ctx_table_dma);
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_hw_start(&zdev->queues[i]);
	zk_write(zdev, ZKASIC_REG_INT_MASK, 0);
	zk_write(zdev, ZKASIC_REG_CTRL, ZKASIC_CTRL_ENABLE);
}

/* At the last reference to the device: every buffer is gone by then. */
static void zkasic_devmem_fini(struct drm_device *drm, void *arg)
{
	struct zkasic_device *zdev = arg;

	drm_mm_takedown(&zdev->devmem_mm);
	mutex_destroy(&zdev->devmem_lock);
}

int zkasic_device_init(struct zkasic_device *zdev)
{
	struct pci_dev *pdev = zdev->pdev;
	unsigned int i;
	int ret, nvec;

	mutex_init(&zdev->reset_lock);
	ida_init(&zdev->ctx_ida);

	ret = zkasic_device_reset(zdev);
	if (ret)
		return ret;
	ret = zkasic_read_caps(zdev);
	if (ret)
		return ret;

	nvec = pci_alloc_irq_vectors(pdev, zdev->num_queues, zdev->num_queues,
				     PCI_IRQ_MSIX);
	if (nvec < 0) {
		drm_err(&zdev->drm, "cannot get %u MSI-X vectors\n", zdev->num_queues);
		return nvec;
	}

	zdev->ctx_table_size = max_t(size_t, PAGE_SIZE, zdev->num_ctx * sizeof(u64));
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
	zkasic_device_hw_start(zdev);

	mutex_init(&zdev->devmem_lock);
	drm_mm_init(&zdev->devmem_mm, 0, zdev->devmem_size);
	ret = drmm_add_action_or_reset(&zdev->drm, zkasic_devmem_fini, zdev);
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
	zkasic_device_reset(zdev);
	i = zdev->num_queues;
err_queues:
	while (i--)
		zkasic_queue_fini(&zdev->queues[i]);
	dma_free_coherent(&pdev->dev, zdev->ctx_table_size, zdev->ctx_table,
			  zdev->ctx_table_dma);
err_irq:
	pci_free_irq_vectors(pdev);
	return ret;
}

void zkasic_device_fini(struct zkasic_device *zdev)
{
	unsigned int i;

	if (zdev->kctx) {
		zkasic_ctx_close(zdev->kctx);
		zkasic_ctx_put(zdev->kctx);
		zdev->kctx = NULL;
	}
	/* Stop the device first: after the reset it does no more DMA. */
	zk_write(zdev, ZKASIC_REG_CTRL, 0);
	zkasic_device_reset(zdev);
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_fail_inflight(&zdev->queues[i], NULL);
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_fini(&zdev->queues[i]);
	pci_free_irq_vectors(zdev->pdev);
	/*
	 * Contexts may outlive the device (open files); they no longer reach
	 * the table, which the device can no longer read.
	 */
	dma_free_coherent(&zdev->pdev->dev, zdev->ctx_table_size, zdev->ctx_table,
			  zdev->ctx_table_dma);
	zdev->ctx_table = NULL;
}

/*
 * A job hung: reset the device, fail the guilty job with TIMEOUT and every
 * other job that was on the hardware with ABORTED (the reset dropped them),
 * restart the queues. Jobs still waiting in the scheduler run afterwards.
 */
void zkasic_device_recover(struct zkasic_device *zdev, struct zkasic_job *guilty)
{
	unsigned int i;

	mutex_lock(&zdev->reset_lock);
	for (i = 0; i < zdev->num_queues; i++)
		drm_sched_stop(&zdev->queues[i].sched,
			       guilty && guilty->queue == &zdev->queues[i] ?
			       &guilty->base : NULL);

	zkasic_device_reset(zdev);
	atomic_inc(&zdev->reset_count);
	for (i = 0; i < zdev->num_queues; i++)
		zkasic_queue_fail_inflight(&zdev->queues[i], guilty);
	zkasic_device_hw_start(zdev);

	for (i = 0; i < zdev->num_queues; i++)
		drm_sched_start(&zdev->queues[i].sched);
	mutex_unlock(&zdev->reset_lock);
	drm_warn(&zdev->drm, "device reset after a hung job (%d resets)\n",
		 atomic_read(&zdev->reset_count));
}
