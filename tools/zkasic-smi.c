// SPDX-License-Identifier: MIT
/*
 * zkasic-smi: list zkasic devices, their telemetry and who uses them, or
 * reset one. Everything comes from the driver's sysfs, hwmon and debugfs
 * files, so it shows the device's real state.
 *
 *   zkasic-smi [--json] [--interval MS]   table (or JSON) of every device
 *   zkasic-smi --reset N                  reset device N (accelN; root,
 *                                         through debugfs)
 *
 * Utilisation is each engine's busy time over the sampling interval.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zkasic/zkasic.h>

#define MAX_DEVICES	64
#define MAX_ENGINES	32
#define MAX_PROCS	64

struct dev_state {
	int minor;
	char pci[32], sku[16], spec[16], driver[32];
	int numa_node;
	unsigned int msm, ntt, vec, queues;
	unsigned long long devmem, resets, commands, errors;
	long long temp_mc, power_uw, energy_uj;
	unsigned int nengines;
	unsigned long long busy0[MAX_ENGINES], busy1[MAX_ENGINES];
	double util[MAX_ENGINES];
	int inflight;		/* jobs on the hardware, -1 if unknown */
	int nprocs;
	int pids[MAX_PROCS];
	char comms[MAX_PROCS][32];
};

static int read_str(const char *path, char *buf, size_t len)
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

static long long read_ll(const char *path, long long dflt)
{
	char buf[64];

	if (read_str(path, buf, sizeof(buf)))
		return dflt;
	return strtoll(buf, NULL, 0);
}

static void devpath(char *out, size_t len, int minor, const char *file)
{
	snprintf(out, len, "/sys/class/accel/accel%d/device/%s", minor, file);
}

/* Engine busy times and the hwmon values, through the runtime's reader. */
static void read_busy(struct dev_state *d, unsigned long long *busy)
{
	struct zk_device_telemetry t;

	d->nengines = 0;
	if (zk_device_telemetry_read(d->minor, &t))
		return;
	d->nengines = t.nengines < MAX_ENGINES ? t.nengines : MAX_ENGINES;
	memcpy(busy, t.busy_ns, d->nengines * sizeof(*busy));
}

static void read_hwmon(struct dev_state *d)
{
	struct zk_device_telemetry t;

	d->temp_mc = d->power_uw = d->energy_uj = -1;
	if (zk_device_telemetry_read(d->minor, &t))
		return;
	d->temp_mc = t.temp_mc;
	d->power_uw = t.power_uw;
	d->energy_uj = t.energy_uj;
}

/* Jobs on the hardware, summed from debugfs (root only), named by PCI slot. */
static int read_inflight(const char *pci)
{
	char path[128], line[256];
	int total = 0, seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/queues", pci);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned int q, a, b, c, e, g, st, infl;

		if (sscanf(line, "%u %u %u %u %u %u %x %u", &q, &a, &b, &c, &e, &g, &st,
			   &infl) == 8) {
			total += (int)infl;
			seen = 1;
		}
	}
	fclose(f);
	return seen ? total : -1;
}

/* Processes holding the accel node open. */
static void read_procs(struct dev_state *d)
{
	char node[64], path[PATH_MAX], link[PATH_MAX];
	struct dirent *pe;
	DIR *proc;

	snprintf(node, sizeof(node), "/dev/accel/accel%d", d->minor);
	proc = opendir("/proc");
	if (!proc)
		return;
	while ((pe = readdir(proc)) && d->nprocs < MAX_PROCS) {
		struct dirent *fe;
		DIR *fds;
		int pid = atoi(pe->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fe = readdir(fds))) {
			char fdpath[PATH_MAX + 300];
			ssize_t n;

			snprintf(fdpath, sizeof(fdpath), "%s/%s", path, fe->d_name);
			n = readlink(fdpath, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = 0;
			if (!strcmp(link, node)) {
				char comm_path[64];

				d->pids[d->nprocs] = pid;
				snprintf(comm_path, sizeof(comm_path), "/proc/%d/comm", pid);
				if (read_str(comm_path, d->comms[d->nprocs],
					     sizeof(d->comms[0])))
					strcpy(d->comms[d->nprocs], "?");
				d->nprocs++;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
}

static int is_zkasic(int minor, char *driver, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	devpath(path, sizeof(path), minor, "driver");
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = 0;
	snprintf(driver, len, "%.31s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	return !strcmp(driver, "zkasic");
}

static void read_static(struct dev_state *d)
{
	char path[PATH_MAX], link[PATH_MAX], buf[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device", d->minor);
	n = readlink(path, link, sizeof(link) - 1);
	strcpy(d->pci, "?");
	if (n > 0) {
		link[n] = 0;
		snprintf(d->pci, sizeof(d->pci), "%.31s",
			 strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	}
	devpath(path, sizeof(path), d->minor, "sku");
	if (read_str(path, d->sku, sizeof(d->sku)))
		strcpy(d->sku, "?");
	devpath(path, sizeof(path), d->minor, "spec_version");
	if (read_str(path, d->spec, sizeof(d->spec)))
		strcpy(d->spec, "?");
	devpath(path, sizeof(path), d->minor, "numa_node");
	d->numa_node = (int)read_ll(path, -1);
	devpath(path, sizeof(path), d->minor, "engines");
	if (!read_str(path, buf, sizeof(buf)))
		sscanf(buf, "msm %u ntt %u vec %u queues %u", &d->msm, &d->ntt, &d->vec,
		       &d->queues);
	devpath(path, sizeof(path), d->minor, "devmem_size");
	d->devmem = (unsigned long long)read_ll(path, 0);
}

static void read_counters(struct dev_state *d)
{
	char path[PATH_MAX];

	devpath(path, sizeof(path), d->minor, "reset_count");
	d->resets = (unsigned long long)read_ll(path, 0);
	devpath(path, sizeof(path), d->minor, "commands_completed");
	d->commands = (unsigned long long)read_ll(path, 0);
	devpath(path, sizeof(path), d->minor, "errors");
	d->errors = (unsigned long long)read_ll(path, 0);
	read_hwmon(d);
	d->inflight = read_inflight(d->pci);
	read_procs(d);
}

static int find_devices(struct dev_state *devs)
{
	struct dirent *de;
	int n = 0;
	DIR *dh = opendir("/sys/class/accel");

	if (!dh)
		return 0;
	while ((de = readdir(dh)) && n < MAX_DEVICES) {
		char driver[32];
		int minor;

		if (sscanf(de->d_name, "accel%d", &minor) != 1)
			continue;
		if (!is_zkasic(minor, driver, sizeof(driver)))
			continue;
		memset(&devs[n], 0, sizeof(devs[n]));
		devs[n].minor = minor;
		strcpy(devs[n].driver, driver);
		n++;
	}
	closedir(dh);
	return n;
}

static const char *engine_name(const struct dev_state *d, unsigned int e, unsigned int *idx)
{
	if (e < d->msm) {
		*idx = e;
		return "msm";
	}
	if (e < d->msm + d->ntt) {
		*idx = e - d->msm;
		return "ntt";
	}
	if (e < d->msm + d->ntt + d->vec) {
		*idx = e - d->msm - d->ntt;
		return "vec";
	}
	*idx = e - d->msm - d->ntt - d->vec;
	return "dma";
}

static void print_table(struct dev_state *devs, int n)
{
	printf("%-7s %-12s %-4s %-4s %-6s %-4s %8s %9s %11s %7s %8s %6s\n", "DEVICE", "PCI",
	       "SKU", "NUMA", "DRIVER", "SPEC", "TEMP(C)", "POWER(W)", "ENERGY(J)",
	       "RESETS", "INFLIGHT", "ERRORS");
	for (int i = 0; i < n; i++) {
		struct dev_state *d = &devs[i];

		printf("accel%-2d %-12s %-4s %-4d %-6s %-4s %8.1f %9.3f %11.3f %7llu %8d %6llu\n",
		       d->minor, d->pci, d->sku, d->numa_node, d->driver, d->spec,
		       d->temp_mc / 1000.0, d->power_uw / 1e6, d->energy_uj / 1e6,
		       d->resets, d->inflight, d->errors);
		printf("        engines:");
		for (unsigned int e = 0; e < d->nengines; e++) {
			unsigned int idx;
			const char *name = engine_name(d, e, &idx);

			printf(" %s%u %3.0f%%", name, idx, d->util[e]);
		}
		printf("\n        processes:");
		if (!d->nprocs)
			printf(" none");
		for (int p = 0; p < d->nprocs; p++)
			printf(" %d(%s)", d->pids[p], d->comms[p]);
		printf("\n");
	}
	if (!n)
		printf("no zkasic devices\n");
}

static void print_json(struct dev_state *devs, int n)
{
	printf("{\"devices\":[");
	for (int i = 0; i < n; i++) {
		struct dev_state *d = &devs[i];

		printf("%s{\"device\":\"accel%d\",\"pci\":\"%s\",\"sku\":\"%s\",\"numa_node\":%d,"
		       "\"driver\":\"%s\",\"spec_version\":\"%s\",\"queues\":%u,"
		       "\"devmem_bytes\":%llu,\"temp_mc\":%lld,\"power_uw\":%lld,"
		       "\"energy_uj\":%lld,\"reset_count\":%llu,\"commands_completed\":%llu,"
		       "\"errors\":%llu,\"inflight\":%d,\"engines\":[",
		       i ? "," : "", d->minor, d->pci, d->sku, d->numa_node, d->driver, d->spec,
		       d->queues, d->devmem, d->temp_mc, d->power_uw, d->energy_uj, d->resets,
		       d->commands, d->errors, d->inflight);
		for (unsigned int e = 0; e < d->nengines; e++) {
			unsigned int idx;
			const char *name = engine_name(d, e, &idx);

			printf("%s{\"engine\":\"%s%u\",\"busy_ns\":%llu,\"utilization\":%.1f}",
			       e ? "," : "", name, idx, d->busy1[e], d->util[e]);
		}
		printf("],\"processes\":[");
		for (int p = 0; p < d->nprocs; p++)
			printf("%s{\"pid\":%d,\"comm\":\"%s\"}", p ? "," : "", d->pids[p],
			       d->comms[p]);
		printf("]}");
	}
	printf("]}\n");
}

/* The driver's debugfs reset file (root, debugfs mounted), by PCI slot. */
static int do_reset(int minor)
{
	char path[PATH_MAX], driver[32];
	struct dev_state d = { .minor = minor };
	FILE *f;

	if (!is_zkasic(minor, driver, sizeof(driver))) {
		fprintf(stderr, "zkasic-smi: accel%d is not a zkasic device\n", minor);
		return 1;
	}
	read_static(&d);
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/reset", d.pci);
	f = fopen(path, "w");
	if (!f || fputs("1\n", f) < 0 || fclose(f)) {
		fprintf(stderr, "zkasic-smi: cannot reset accel%d: %s\n", minor, strerror(errno));
		return 1;
	}
	printf("accel%d reset\n", minor);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "reset", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct dev_state devs[MAX_DEVICES];
	int json = 0, interval_ms = 200, c, n;

	while ((c = getopt_long(argc, argv, "ji:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'i': interval_ms = atoi(optarg); break;
		case 'r': return do_reset(atoi(optarg));
		default:
			fprintf(stderr, "usage: zkasic-smi [--json] [--interval MS] | --reset N\n");
			return 2;
		}
	}
	if (interval_ms < 1 || interval_ms > 60000) {
		fprintf(stderr, "zkasic-smi: --interval must be 1..60000 ms\n");
		return 2;
	}
	n = find_devices(devs);
	for (int i = 0; i < n; i++) {
		read_static(&devs[i]);
		read_busy(&devs[i], devs[i].busy0);
	}
	if (n) {
		struct timespec ts = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < n; i++) {
		read_busy(&devs[i], devs[i].busy1);
		for (unsigned int e = 0; e < devs[i].nengines; e++) {
			double d = (double)(devs[i].busy1[e] - devs[i].busy0[e]);

			devs[i].util[e] = d / (interval_ms * 1e6) * 100.0;
			if (devs[i].util[e] > 100.0)
				devs[i].util[e] = 100.0;
		}
		read_counters(&devs[i]);
	}
	if (json)
		print_json(devs, n);
	else
		print_table(devs, n);
	return 0;
}
