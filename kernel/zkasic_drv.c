// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: PCI driver and DRM accel device of the zkasic ZK-proof accelerator.
 */
#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "zkasic_drv.h"

static int zkasic_open(struct drm_device *drm, struct drm_file *file)
{
	struct zkasic_device *zdev = to_zkasic(drm);
	struct zkasic_file *zfile;
	int idx;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	zfile = kzalloc(sizeof(*zfile), GFP_KERNEL);
	if (!zfile) {
		drm_dev_exit(idx);
		return -ENOMEM;
	}
	zfile->ctx = zkasic_ctx_create(zdev, false);
	drm_dev_exit(idx);
	if (IS_ERR(zfile->ctx)) {
		int ret = PTR_ERR(zfile->ctx);

		kfree(zfile);
		return ret;
	}
	file->driver_priv = zfile;
	return 0;
}

static void zkasic_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct zkasic_file *zfile = file->driver_priv;

	zkasic_ctx_close(zfile->ctx);
	zkasic_ctx_put(zfile->ctx);
	kfree(zfile);
}

static int zkasic_ioctl_get_param(struct drm_device *drm, void *data,
				  struct drm_file *file)
{
	struct zkasic_device *zdev = to_zkasic(drm);
	struct drm_zkasic_get_param *args = data;

	if (args->pad)
		return -EINVAL;

	switch (args->param) {
	case DRM_ZKASIC_PARAM_SPEC_VERSION:
		args->value = zdev->version;
		break;
	case DRM_ZKASIC_PARAM_SKU:
		args->value = zdev->sku;
		break;
	case DRM_ZKASIC_PARAM_CURVES:
		args->value = zdev->curves;
		break;
	case DRM_ZKASIC_PARAM_FIELDS:
		args->value = zdev->fields;
		break;
	case DRM_ZKASIC_PARAM_NUM_QUEUES:
		args->value = zdev->num_queues;
		break;
	case DRM_ZKASIC_PARAM_MSM_ENGINES:
		args->value = ZKASIC_CAP_ENGINES_MSM(zdev->engines);
		break;
	case DRM_ZKASIC_PARAM_NTT_ENGINES:
		args->value = ZKASIC_CAP_ENGINES_NTT(zdev->engines);
		break;
	case DRM_ZKASIC_PARAM_VEC_ENGINES:
		args->value = ZKASIC_CAP_ENGINES_VEC(zdev->engines);
		break;
	case DRM_ZKASIC_PARAM_MAX_MSM_LOG2:
		args->value = ZKASIC_CAP_LIMITS_MSM_LOG2(zdev->limits);
		break;
	case DRM_ZKASIC_PARAM_MAX_NTT_LOG2:
		args->value = ZKASIC_CAP_LIMITS_NTT_LOG2(zdev->limits);
		break;
	case DRM_ZKASIC_PARAM_MAX_BATCH:
		args->value = zdev->max_batch;
		break;
	case DRM_ZKASIC_PARAM_DEVMEM_SIZE:
		args->value = zdev->devmem_size;
		break;
	case DRM_ZKASIC_PARAM_VA_BITS:
		args->value = ZKASIC_VA_BITS;
		break;
	case DRM_ZKASIC_PARAM_PCI_ID:
		args->value = ((u64)zdev->pdev->vendor << 16) | zdev->pdev->device;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const struct drm_ioctl_desc zkasic_ioctls[] = {
	DRM_IOCTL_DEF_DRV(ZKASIC_GET_PARAM, zkasic_ioctl_get_param, 0),
	DRM_IOCTL_DEF_DRV(ZKASIC_BO_CREATE, zkasic_ioctl_bo_create, 0),
	DRM_IOCTL_DEF_DRV(ZKASIC_BO_INFO, zkasic_ioctl_bo_info, 0),
	DRM_IOCTL_DEF_DRV(ZKASIC_SUBMIT, zkasic_ioctl_submit, 0),
	DRM_IOCTL_DEF_DRV(ZKASIC_WAIT, zkasic_ioctl_wait, 0),
};

/*
 * fdinfo (Documentation/gpu/drm-usage-stats.rst): after the core's
 * drm-driver, drm-client-id and drm-pdev, the device time of the file's
 * completed jobs per queue and its buffers per memory region.
 */
static void zkasic_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct zkasic_device *zdev = to_zkasic(file->minor->dev);
	struct zkasic_file *zfile = file->driver_priv;
	unsigned int i;

	for (i = 0; i < zdev->num_queues; i++)
		drm_printf(p, "drm-engine-queue%u:\t%llu ns\n", i,
			   (u64)atomic64_read(&zfile->ctx->engine_ns[i]));
	zkasic_gem_show_memory_stats(p, file);
}

static const struct file_operations zkasic_accel_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver zkasic_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM | DRIVER_SYNCOBJ,
	.open = zkasic_open,
	.postclose = zkasic_postclose,
	.show_fdinfo = zkasic_show_fdinfo,
	.gem_create_object = zkasic_gem_create_object,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.ioctls = zkasic_ioctls,
	.num_ioctls = ARRAY_SIZE(zkasic_ioctls),
	.fops = &zkasic_accel_fops,
	.name = ZKASIC_DRIVER_NAME,
	.desc = "zkasic ZK-proof accelerator",
	.date = "20261123",
	.major = 1,
	.minor = 0,
};

static int zkasic_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct zkasic_device *zdev;
	int ret;

	zdev = devm_drm_dev_alloc(&pdev->dev, &zkasic_drm_driver,
				  struct zkasic_device, drm);
	if (IS_ERR(zdev))
		return PTR_ERR(zdev);
	zdev->pdev = pdev;
	pci_set_drvdata(pdev, zdev);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	/* Page table entries and the context table hold 52-bit addresses. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(ZKASIC_DMA_BITS));
	if (ret)
		return ret;
	zdev->regs = pcim_iomap_region(pdev, ZKASIC_BAR_REGS, ZKASIC_DRIVER_NAME);
	if (IS_ERR(zdev->regs))
		return PTR_ERR(zdev->regs);

	ret = zkasic_device_init(zdev);
	if (ret)
		return ret;
	ret = zkasic_hwmon_init(zdev);
	if (ret) {
		zkasic_device_fini(zdev);
		return ret;
	}
	zkasic_debugfs_init(zdev);
	ret = drm_dev_register(&zdev->drm, 0);
	if (ret) {
		zkasic_device_fini(zdev);
		return ret;
	}
	zkasic_debugfs_register(zdev);
	drm_info(&zdev->drm, "%s SKU, %u queues, %u MSM / %u NTT engines, spec %u.%u\n",
		 zdev->sku == ZKASIC_SKU_PRO ? "pro" : "air", zdev->num_queues,
		 ZKASIC_CAP_ENGINES_MSM(zdev->engines),
		 ZKASIC_CAP_ENGINES_NTT(zdev->engines),
		 zdev->version >> 16, zdev->version & 0xffff);
	return 0;
}

/*
 * Unbind or hot-unplug. Open files stay valid: their ioctls fail with
 * -ENODEV, their contexts and the schedulers go with the last of them.
 */
static void zkasic_remove(struct pci_dev *pdev)
{
	struct zkasic_device *zdev = pci_get_drvdata(pdev);

	drm_dev_unplug(&zdev->drm);
	zkasic_device_fini(zdev);
}

static void zkasic_shutdown(struct pci_dev *pdev)
{
	struct zkasic_device *zdev = pci_get_drvdata(pdev);
	int idx;

	if (drm_dev_enter(&zdev->drm, &idx)) {
		zkasic_device_shutdown(zdev);
		drm_dev_exit(idx);
	}
}

static void zkasic_reset_prepare(struct pci_dev *pdev)
{
	zkasic_device_flr_prepare(pci_get_drvdata(pdev));
}

static void zkasic_reset_done(struct pci_dev *pdev)
{
	zkasic_device_flr_done(pci_get_drvdata(pdev));
}

static const struct pci_error_handlers zkasic_err_handlers = {
	.reset_prepare = zkasic_reset_prepare,
	.reset_done = zkasic_reset_done,
};

static const struct pci_device_id zkasic_pci_ids[] = {
	{ PCI_DEVICE(ZKASIC_PCI_VENDOR_ID, ZKASIC_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, zkasic_pci_ids);

static struct pci_driver zkasic_pci_driver = {
	.name = ZKASIC_DRIVER_NAME,
	.id_table = zkasic_pci_ids,
	.probe = zkasic_probe,
	.remove = zkasic_remove,
	.shutdown = zkasic_shutdown,
	.err_handler = &zkasic_err_handlers,
	.dev_groups = zkasic_attr_groups,
};
module_pci_driver(zkasic_pci_driver);

MODULE_DESCRIPTION("zkasic ZK-proof accelerator driver");
MODULE_LICENSE("GPL");
