// SPDX-License-Identifier: MIT
/*
 * /metrics in Prometheus's text format 0.0.4, names in the spirit of
 * NVIDIA's DCGM exporter with a zkasic_ prefix. Counters are this
 * process's; queue gauges come from the job store (cluster-wide in cluster
 * mode); device gauges from the driver's sysfs/hwmon files through
 * zk_device_telemetry_read() (absent on the CPU backend).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proverd.h"

#define LAT_WINDOW	1024	/* latencies kept for the quantiles */
#define RATE_WINDOW_S	60	/* proofs per second over this many seconds */

struct circuit_counts {
	char name[PD_NAME_MAX];
	unsigned long long submitted;
	unsigned long long by_state[JOB_NSTATES];
};

static struct {
	pthread_mutex_t lock;
	struct circuit_counts circuits[PD_MAX_CIRCUITS + 1];
	int ncircuits;
	double lat[LAT_WINDOW];		/* seconds */
	unsigned long long nlat;
	double lat_sum;
	double done_at[LAT_WINDOW];	/* pd_now_ms() of recent proofs */
	unsigned long long ndone;
	double joules[LAT_WINDOW];
	unsigned long long njoules;
	unsigned long long discarded;
	/* Utilisation: busy time since the previous scrape. */
	double util_t[PD_MAX_DEVICES];
	unsigned long long util_busy[PD_MAX_DEVICES];
} m = { .lock = PTHREAD_MUTEX_INITIALIZER };

void metrics_init(void)
{
}

static struct circuit_counts *counts_for(const char *circuit)
{
	int i;

	for (i = 0; i < m.ncircuits; i++)
		if (!strcmp(m.circuits[i].name, circuit))
			return &m.circuits[i];
	if (m.ncircuits == PD_MAX_CIRCUITS + 1)
		return NULL;
	snprintf(m.circuits[m.ncircuits].name, PD_NAME_MAX, "%s", circuit);
	return &m.circuits[m.ncircuits++];
}

void metrics_submitted(const char *circuit)
{
	struct circuit_counts *c;

	pthread_mutex_lock(&m.lock);
	c = counts_for(circuit);
	if (c)
		c->submitted++;
	pthread_mutex_unlock(&m.lock);
}

void metrics_job_finished(const char *circuit, int state, double total_ms, double joules)
{
	struct circuit_counts *c;

	pthread_mutex_lock(&m.lock);
	c = counts_for(circuit);
	if (c && state >= 0 && state < JOB_NSTATES)
		c->by_state[state]++;
	if (state == JOB_DONE) {
		m.lat[m.nlat++ % LAT_WINDOW] = total_ms / 1000;
		m.lat_sum += total_ms / 1000;
		m.done_at[m.ndone++ % LAT_WINDOW] = pd_now_ms();
		if (joules >= 0)
			m.joules[m.njoules++ % LAT_WINDOW] = joules;
	}
	pthread_mutex_unlock(&m.lock);
}

void metrics_result_discarded(void)
{
	pthread_mutex_lock(&m.lock);
	m.discarded++;
	pthread_mutex_unlock(&m.lock);
}

double device_energy_j(const struct pd_device *d)
{
	struct zk_device_telemetry t;

	if (d->minor < 0 || zk_device_telemetry_read(d->minor, &t) || t.energy_uj < 0)
		return -1;
	return t.energy_uj / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void device_metrics(FILE *f)
{
	struct zk_device_telemetry t[PD_MAX_DEVICES];
	int ok[PD_MAX_DEVICES], i;
	double now = pd_now_ms();

	if (g.devs[0].index < 0)
		return;
	for (i = 0; i < g.ndevs; i++)
		ok[i] = !zk_device_telemetry_read(g.devs[i].minor, &t[i]);
#define LABELS "device=\"accel%d\",pci=\"%s\""
	family(f, "zkasic_device_power_watts", "gauge", "Device power draw (hwmon power1_input).");
	for (i = 0; i < g.ndevs; i++)
		if (ok[i] && t[i].power_uw >= 0)
			fprintf(f, "zkasic_device_power_watts{" LABELS "} %.6f\n", g.devs[i].minor,
				g.devs[i].pci, t[i].power_uw / 1e6);
	family(f, "zkasic_device_energy_joules_total", "counter",
	       "Device energy since it appeared (hwmon energy1_input).");
	for (i = 0; i < g.ndevs; i++)
		if (ok[i] && t[i].energy_uj >= 0)
			fprintf(f, "zkasic_device_energy_joules_total{" LABELS "} %.6f\n",
				g.devs[i].minor, g.devs[i].pci, t[i].energy_uj / 1e6);
	family(f, "zkasic_device_temperature_celsius", "gauge", "Device temperature (hwmon temp1_input).");
	for (i = 0; i < g.ndevs; i++)
		if (ok[i] && t[i].temp_mc >= 0)
			fprintf(f, "zkasic_device_temperature_celsius{" LABELS "} %.3f\n",
				g.devs[i].minor, g.devs[i].pci, t[i].temp_mc / 1000.0);
	family(f, "zkasic_device_utilization_ratio", "gauge",
	       "Mean engine busy time over the time since the previous scrape (engine_busy_ns).");
	pthread_mutex_lock(&m.lock);
	for (i = 0; i < g.ndevs; i++) {
		unsigned long long busy = 0;
		unsigned int e;

		if (!ok[i] || !t[i].nengines)
			continue;
		for (e = 0; e < t[i].nengines; e++)
			busy += t[i].busy_ns[e];
		if (m.util_t[i] > 0 && now > m.util_t[i] && busy >= m.util_busy[i]) {
			double r = (double)(busy - m.util_busy[i]) /
				   ((now - m.util_t[i]) * 1e6 * t[i].nengines);

			fprintf(f, "zkasic_device_utilization_ratio{" LABELS "} %.4f\n",
				g.devs[i].minor, g.devs[i].pci, r > 1 ? 1 : r);
		}
		m.util_t[i] = now;
		m.util_busy[i] = busy;
	}
	pthread_mutex_unlock(&m.lock);
	family(f, "zkasic_device_jobs_running", "gauge", "Proofs in flight on the device from this process.");
	pthread_mutex_lock(&g.lock);
	for (i = 0; i < g.ndevs; i++)
		fprintf(f, "zkasic_device_jobs_running{" LABELS "} %d\n", g.devs[i].minor,
			g.devs[i].pci, g.devs[i].running);
	pthread_mutex_unlock(&g.lock);
#undef LABELS
}

char *metrics_render(size_t *len)
{
	long counts[JOB_NSTATES];
	double lat[LAT_WINDOW], now = pd_now_ms(), jsum = 0;
	char *buf = NULL;
	size_t n, recent = 0, i, nj;
	int k, s, running_here = 0;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	g.store->ops->counts(g.store, counts);
	pthread_mutex_lock(&g.lock);
	for (k = 0; k < g.nworkers; k++)
		running_here += g.workers[k].current != NULL;
	pthread_mutex_unlock(&g.lock);

	family(f, "zkasic_jobs", "gauge", "Jobs in the store by state (cluster-wide in cluster mode).");
	for (s = 0; s < JOB_NSTATES; s++)
		if (counts[s] >= 0)
			fprintf(f, "zkasic_jobs{state=\"%s\"} %ld\n", job_state_name(s), counts[s]);
	family(f, "zkasic_queue_depth", "gauge", "Jobs waiting for a worker.");
	if (counts[JOB_QUEUED] >= 0)
		fprintf(f, "zkasic_queue_depth %ld\n", counts[JOB_QUEUED]);
	family(f, "zkasic_http_requests_waiting", "gauge",
	       "GET /jobs/:id?wait= requests parked until their job finishes.");
	fprintf(f, "zkasic_http_requests_waiting %ld\n", http_wait_parked());
	family(f, "zkasic_jobs_running", "gauge", "Jobs being proved (cluster-wide in cluster mode).");
	if (counts[JOB_RUNNING] >= 0)
		fprintf(f, "zkasic_jobs_running %ld\n", counts[JOB_RUNNING]);
	family(f, "zkasic_worker_jobs_running", "gauge", "Jobs this process is proving.");
	fprintf(f, "zkasic_worker_jobs_running %d\n", running_here);
	family(f, "zkasic_workers", "gauge", "Prover workers in this process.");
	fprintf(f, "zkasic_workers %d\n", g.nworkers);

	pthread_mutex_lock(&m.lock);
	family(f, "zkasic_jobs_submitted_total", "counter", "Jobs submitted through this process's API.");
	for (k = 0; k < m.ncircuits; k++)
		fprintf(f, "zkasic_jobs_submitted_total{circuit=\"%s\"} %llu\n", m.circuits[k].name,
			m.circuits[k].submitted);
	family(f, "zkasic_proofs_total", "counter",
	       "Jobs this process finished, by circuit and final state (done: verified proof stored).");
	for (k = 0; k < g.ncircuits; k++) {
		struct circuit_counts *c = counts_for(g.circuits[k].name);

		for (s = JOB_DONE; c && s <= JOB_FAILED; s++)
			fprintf(f, "zkasic_proofs_total{circuit=\"%s\",state=\"%s\"} %llu\n", c->name,
				job_state_name(s), c->by_state[s]);
	}
	family(f, "zkasic_results_discarded_total", "counter",
	       "Results dropped because the job's lease was lost (taken over or cancelled).");
	fprintf(f, "zkasic_results_discarded_total %llu\n", m.discarded);

	n = m.ndone < LAT_WINDOW ? m.ndone : LAT_WINDOW;
	for (i = 0; i < n; i++)
		if (now - m.done_at[i] <= RATE_WINDOW_S * 1000.0)
			recent++;
	family(f, "zkasic_proofs_per_second", "gauge",
	       "Proofs this process completed per second over the last 60 s.");
	fprintf(f, "zkasic_proofs_per_second %.4f\n", (double)recent / RATE_WINDOW_S);

	n = m.nlat < LAT_WINDOW ? m.nlat : LAT_WINDOW;
	memcpy(lat, m.lat, n * sizeof(*lat));
	family(f, "zkasic_proof_latency_seconds", "summary",
	       "Submission to stored proof, over the last 1024 proofs of this process.");
	if (n) {
		qsort(lat, n, sizeof(*lat), cmp_double);
		fprintf(f, "zkasic_proof_latency_seconds{quantile=\"0.5\"} %.6f\n", lat[(n - 1) / 2]);
		fprintf(f, "zkasic_proof_latency_seconds{quantile=\"0.99\"} %.6f\n",
			lat[(size_t)((n - 1) * 0.99)]);
	}
	fprintf(f, "zkasic_proof_latency_seconds_sum %.6f\n", m.lat_sum);
	fprintf(f, "zkasic_proof_latency_seconds_count %llu\n", m.nlat);

	nj = m.njoules < LAT_WINDOW ? m.njoules : LAT_WINDOW;
	for (i = 0; i < nj; i++)
		jsum += m.joules[i];
	pthread_mutex_unlock(&m.lock);
	if (g.devs[0].index >= 0) {
		family(f, "zkasic_joules_per_proof", "gauge",
		       "Mean device energy per proof over the last 1024 proofs (shared among concurrent jobs).");
		if (nj)
			fprintf(f, "zkasic_joules_per_proof %.6f\n", jsum / nj);
	}
	device_metrics(f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
