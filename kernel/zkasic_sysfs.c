// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: what operators read through sysfs and hwmon: the device's
 * identity, engines, counters and telemetry (power, energy, temperature);
 * docs/ABI/sysfs-driver-zkasic describes every file. Attributes live on the
 * PCI device, so they are found through /sys/class/accel/accelN/device/.
 * The operator's reset is in debugfs (zkasic_debugfs.c).
 */
#include <drm/drm_print.h>
#include <linux/hwmon.h>
#include <linux/sysfs.h>

#include "zkasic_drv.h"

/* Registers are only read while the device is bound and not unplugged. */
static ssize_t zkasic_show_reg64(struct device *dev, char *buf, u32 reg)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);
	ssize_t ret;
	int idx;

	if (!drm_dev_enter(&zdev->drm, &idx))
		return -ENODEV;
	ret = sysfs_emit(buf, "%llu\n", zk_read64(zdev, reg));
	drm_dev_exit(idx);
	return ret;
}

static ssize_t sku_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", zdev->sku == ZKASIC_SKU_PRO ? "pro" : "air");
}
static DEVICE_ATTR_RO(sku);

static ssize_t spec_version_show(struct device *dev, struct device_attribute *attr,
				 char *buf)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u.%u\n", zdev->version >> 16, zdev->version & 0xffff);
}
static DEVICE_ATTR_RO(spec_version);

static ssize_t engines_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "msm %u ntt %u vec %u queues %u\n",
			  ZKASIC_CAP_ENGINES_MSM(zdev->engines),
			  ZKASIC_CAP_ENGINES_NTT(zdev->engines),
			  ZKASIC_CAP_ENGINES_VEC(zdev->engines), zdev->num_queues);
}
static DEVICE_ATTR_RO(engines);

static ssize_t devmem_size_show(struct device *dev, struct device_attribute *attr,
				char *buf)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", zdev->devmem_size);
}
static DEVICE_ATTR_RO(devmem_size);

static ssize_t reset_count_show(struct device *dev, struct device_attribute *attr,
				char *buf)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", atomic_read(&zdev->reset_count));
}
static DEVICE_ATTR_RO(reset_count);

static ssize_t commands_completed_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	return zkasic_show_reg64(dev, buf, ZKASIC_REG_CMD_COUNT);
}
static DEVICE_ATTR_RO(commands_completed);

static ssize_t errors_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);
	ssize_t ret;
	int idx;

	if (!drm_dev_enter(&zdev->drm, &idx))
		return -ENODEV;
	ret = sysfs_emit(buf, "%u\n", zk_read(zdev, ZKASIC_REG_ERR_COUNT));
	drm_dev_exit(idx);
	return ret;
}
static DEVICE_ATTR_RO(errors);

/* Busy nanoseconds of every engine: MSM, then NTT, then VEC engines. */
static ssize_t engine_busy_ns_show(struct device *dev, struct device_attribute *attr,
				   char *buf)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);
	unsigned int e, n = ZKASIC_CAP_ENGINES_MSM(zdev->engines) +
			    ZKASIC_CAP_ENGINES_NTT(zdev->engines) +
			    ZKASIC_CAP_ENGINES_VEC(zdev->engines);
	ssize_t len = 0;
	int idx;

	if (!drm_dev_enter(&zdev->drm, &idx))
		return -ENODEV;
	for (e = 0; e < min_t(unsigned int, n, ZKASIC_MAX_ENGINES); e++)
		len += sysfs_emit_at(buf, len, "%s%llu", e ? " " : "",
				     zk_read64(zdev, ZKASIC_REG_BUSY_NS(e)));
	len += sysfs_emit_at(buf, len, "\n");
	drm_dev_exit(idx);
	return len;
}
static DEVICE_ATTR_RO(engine_busy_ns);

static struct attribute *zkasic_attrs[] = {
	&dev_attr_sku.attr,
	&dev_attr_spec_version.attr,
	&dev_attr_engines.attr,
	&dev_attr_devmem_size.attr,
	&dev_attr_reset_count.attr,
	&dev_attr_commands_completed.attr,
	&dev_attr_errors.attr,
	&dev_attr_engine_busy_ns.attr,
	NULL,
};

static const struct attribute_group zkasic_attr_group = {
	.attrs = zkasic_attrs,
};

const struct attribute_group *zkasic_attr_groups[] = {
	&zkasic_attr_group,
	NULL,
};

static umode_t zkasic_hwmon_is_visible(const void *data, enum hwmon_sensor_types type,
				       u32 attr, int channel)
{
	return 0444;
}

static int zkasic_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			     u32 attr, int channel, long *val)
{
	struct zkasic_device *zdev = dev_get_drvdata(dev);
	int idx, ret = 0;

	if (!drm_dev_enter(&zdev->drm, &idx))
		return -ENODEV;
	switch (type) {
	case hwmon_temp:	/* millidegrees Celsius, as the register */
		*val = (s32)zk_read(zdev, ZKASIC_REG_TEMP_MC);
		break;
	case hwmon_power:	/* microwatts */
		*val = (long)zk_read(zdev, ZKASIC_REG_POWER_MW) * 1000;
		break;
	case hwmon_energy:	/* microjoules */
		*val = (long)zk_read64(zdev, ZKASIC_REG_ENERGY_UJ);
		break;
	default:
		ret = -EOPNOTSUPP;
	}
	drm_dev_exit(idx);
	return ret;
}

static const struct hwmon_ops zkasic_hwmon_ops = {
	.is_visible = zkasic_hwmon_is_visible,
	.read = zkasic_hwmon_read,
};

static const struct hwmon_channel_info *const zkasic_hwmon_info[] = {
	HWMON_CHANNEL_INFO(temp, HWMON_T_INPUT),
	HWMON_CHANNEL_INFO(power, HWMON_P_INPUT),
	HWMON_CHANNEL_INFO(energy, HWMON_E_INPUT),
	NULL,
};

static const struct hwmon_chip_info zkasic_hwmon_chip = {
	.ops = &zkasic_hwmon_ops,
	.info = zkasic_hwmon_info,
};

int zkasic_hwmon_init(struct zkasic_device *zdev)
{
	struct device *hwmon;

	/* A kernel without hwmon: no sensors, the rest of the driver works. */
	if (!IS_REACHABLE(CONFIG_HWMON))
		return 0;
	hwmon = devm_hwmon_device_register_with_info(&zdev->pdev->dev, "zkasic", zdev,
						     &zkasic_hwmon_chip, NULL);
	return PTR_ERR_OR_ZERO(hwmon);
}
