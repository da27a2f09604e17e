// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: debugfs (/sys/kernel/debug/accel/<pci slot>/): the state of every
 * hardware queue, as the driver and the device each see it, for diagnosing
 * stuck or slow queues; the live object counts; the operator's reset and
 * the device's fault injection.
 */
#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_accel.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "zkasic_drv.h"

static int zkasic_debugfs_queues(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct zkasic_device *zdev = to_zkasic(entry->dev);
	unsigned int i;
	int idx;

	if (!drm_dev_enter(&zdev->drm, &idx))
		return -ENODEV;
	seq_puts(m, "queue sq_tail cq_head phase dev_sq_head dev_cq_tail status inflight progress\n");
	for (i = 0; i < zdev->num_queues; i++) {
		struct zkasic_queue *q = &zdev->queues[i];
		unsigned int inflight = 0;
		unsigned long flags;
		u32 j, sq_tail, cq_head, phase;

		spin_lock_irqsave(&q->lock, flags);
		for (j = 0; j < q->entries; j++)
			inflight += !!q->inflight[j];
		sq_tail = q->sq_tail;
		cq_head = q->cq_head;
		phase = q->cq_phase;
		spin_unlock_irqrestore(&q->lock, flags);
		seq_printf(m, "%5u %7u %7u %5u %11u %11u %#6x %8u %llu\n", i, sq_tail,
			   cq_head, phase,
			   zk_read(zdev, ZKASIC_QREG(i, ZKASIC_Q_SQ_HEAD)),
			   zk_read(zdev, ZKASIC_QREG(i, ZKASIC_Q_CQ_TAIL)),
			   zk_read(zdev, ZKASIC_QREG(i, ZKASIC_Q_STATUS)), inflight,
			   zk_read64(zdev, ZKASIC_QREG(i, ZKASIC_Q_PROGRESS)));
	}
	seq_printf(m, "status %#x int_status %#x errors %u last_error %#x\n",
		   zk_read(zdev, ZKASIC_REG_STATUS), zk_read(zdev, ZKASIC_REG_INT_STATUS),
		   zk_read(zdev, ZKASIC_REG_ERR_COUNT), zk_read(zdev, ZKASIC_REG_ERR_STATUS));
	drm_dev_exit(idx);
	return 0;
}

/*
 * fault_inject: "MODE COUNT STATUS" arms the device's fault injection
 * (docs/hardware.md 3.5) for tests of the driver's error and recovery
 * paths. The device only honours it when it was built with the capability.
 */
static ssize_t zkasic_fault_inject_write(struct file *file, const char __user *ubuf,
					 size_t len, loff_t *pos)
{
	struct zkasic_device *zdev = file_inode(file)->i_private;
	u32 mode, count, status;
	char buf[64];
	int idx;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%u %u %u", &mode, &count, &status) != 3 ||
	    mode > ZKASIC_FI_MODE_CORRUPT || status > 0xff)
		return -EINVAL;
	if (!(zdev->cap_flags & ZKASIC_CAP_F_FAULT_INJECT))
		return -EOPNOTSUPP;
	if (!drm_dev_enter(&zdev->drm, &idx))
		return -ENODEV;
	zk_write(zdev, ZKASIC_REG_FI_STATUS, status);
	zk_write(zdev, ZKASIC_REG_FI_COUNT, count);
	zk_write(zdev, ZKASIC_REG_FI_MODE, mode);
	drm_dev_exit(idx);
	return len;
}

static const struct file_operations zkasic_fault_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = zkasic_fault_inject_write,
	.llseek = noop_llseek,
};

/*
 * reset: writing 1 resets the device through its CTRL register, as the
 * driver does for a hung job (and on the same ordered queue); jobs on the
 * hardware fail with ABORTED and device memory is lost. The write returns
 * once the device is back. (PCI's own sysfs "reset" does an FLR.)
 */
static ssize_t zkasic_reset_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *pos)
{
	struct zkasic_device *zdev = file_inode(file)->i_private;
	bool val;
	int ret;

	ret = kstrtobool_from_user(ubuf, len, &val);
	if (ret)
		return ret;
	if (!val)
		return -EINVAL;
	ret = zkasic_device_request_reset(zdev);
	return ret ?: len;
}

static const struct file_operations zkasic_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = zkasic_reset_write,
	.llseek = noop_llseek,
};

/* Live driver objects: a leak check compares them before and after. */
static int zkasic_debugfs_objects(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct zkasic_device *zdev = to_zkasic(entry->dev);

	seq_printf(m, "contexts %d\nbuffers %d\nmappings %d\njobs %d\n",
		   atomic_read(&zdev->live_ctxs), atomic_read(&zdev->live_bos),
		   atomic_read(&zdev->live_mappings), atomic_read(&zdev->live_jobs));
	return 0;
}

void zkasic_debugfs_init(struct zkasic_device *zdev)
{
	drm_debugfs_add_file(&zdev->drm, "queues", zkasic_debugfs_queues, NULL);
	drm_debugfs_add_file(&zdev->drm, "objects", zkasic_debugfs_objects, NULL);
}

/* Called once the DRM device (and so its debugfs directory) exists. */
void zkasic_debugfs_register(struct zkasic_device *zdev)
{
	struct dentry *root = zdev->drm.accel ? zdev->drm.accel->debugfs_root : NULL;

	if (!root)
		return;
	debugfs_create_file("fault_inject", 0200, root, zdev, &zkasic_fault_inject_fops);
	debugfs_create_file("reset", 0200, root, zdev, &zkasic_reset_fops);
}
