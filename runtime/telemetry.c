// SPDX-License-Identifier: MIT
/*
 * A device's telemetry as its driver publishes it in sysfs: the hwmon node
 * (power1_input in microwatts, energy1_input in microjoules, temp1_input in
 * millidegrees) and engine_busy_ns (one cumulative busy time per engine).
 * zkasic-smi and zkasic-proverd read the same files through this.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static long long read_num(const char *path, long long dflt)
{
	char buf[64];

	if (read_line(path, buf, sizeof(buf)))
		return dflt;
	return strtoll(buf, NULL, 0);
}

int zk_device_telemetry_read(int minor, struct zk_device_telemetry *t)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], buf[1024], *p, *end;
	struct dirent *de;
	ssize_t n;
	DIR *dh;

	memset(t, 0, sizeof(*t));
	t->minor = minor;
	t->temp_mc = t->power_uw = t->energy_uj = -1;
	snprintf(dir, sizeof(dir), "/sys/class/accel/accel%d/device", minor);
	n = readlink(dir, path, sizeof(path) - 1);
	if (n <= 0)
		return zk_fail(-ENODEV, "accel%d: no such device", minor);
	path[n] = 0;
	snprintf(t->pci_slot, sizeof(t->pci_slot), "%.31s",
		 strrchr(path, '/') ? strrchr(path, '/') + 1 : path);

	snprintf(path, sizeof(path), "%s/engine_busy_ns", dir);
	if (!read_line(path, buf, sizeof(buf))) {
		for (p = buf; t->nengines < ZK_TELEMETRY_MAX_ENGINES; p = end) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			t->busy_ns[t->nengines++] = v;
		}
	}

	snprintf(path, sizeof(path), "%s/hwmon", dir);
	dh = opendir(path);
	if (!dh)
		return 0;
	while ((de = readdir(dh))) {
		if (strncmp(de->d_name, "hwmon", 5))
			continue;
		snprintf(path, sizeof(path), "%s/hwmon/%s/temp1_input", dir, de->d_name);
		t->temp_mc = read_num(path, -1);
		snprintf(path, sizeof(path), "%s/hwmon/%s/power1_input", dir, de->d_name);
		t->power_uw = read_num(path, -1);
		snprintf(path, sizeof(path), "%s/hwmon/%s/energy1_input", dir, de->d_name);
		t->energy_uj = read_num(path, -1);
	}
	closedir(dh);
	return 0;
}

int zk_device_minor(const struct zk_device *dev)
{
	const char *p = strrchr(dev->info.path, '/');

	if (!p || strncmp(p + 1, "accel", 5))
		return -1;
	return atoi(p + 6);
}
