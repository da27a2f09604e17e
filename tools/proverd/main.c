// SPDX-License-Identifier: MIT
/*
 * zkasic-proverd: command line, circuits (zkeys mapped once, their bases
 * resident on devices), devices and workers, signals and shutdown. See
 * tools/man/zkasic-proverd.8 for the options.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proverd.h"

struct proverd g;

static const char *const state_names[JOB_NSTATES] = {
	"queued", "running", "done", "failed", "cancelled",
};

const char *job_state_name(int s)
{
	return s >= 0 && s < JOB_NSTATES ? state_names[s] : "unknown";
}

int job_state_parse(const char *s)
{
	int i;

	for (i = 0; i < JOB_NSTATES; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

static void vlog(const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "zkasic-proverd: %s\n", buf);
}

void pd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void pd_debug(const char *fmt, ...)
{
	va_list ap;

	if (!g.cfg.verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

double pd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double pd_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void usage(int status)
{
	fputs("usage: zkasic-proverd [--listen ADDR:PORT | --no-http] [--circuit NAME=PATH.zkey]...\n"
	      "         [--circuits-dir DIR] [--witness-cmd TEMPLATE] [--witness-timeout S]\n"
	      "         [--backend auto|cpu|accel] [--threads N] [--workers N] [--devices 0,1]\n"
	      "         [--tenant-devices TENANT=0,1 | TENANT=N]... [--db CONNINFO] [--worker-id ID]\n"
	      "         [--lease S] [--poll S] [--max-attempts N] [--max-body BYTES]\n"
	      "         [--max-connections N] [--http-threads N] [--init-db] [--exit-after N]\n"
	      "         [--verbose]\n"
	      "see zkasic-proverd(8)\n", status ? stderr : stdout);
	exit(status);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	exit(1);
}

static long parse_num(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "zkasic-proverd: %s %s: expected a number from %ld to %ld\n",
			opt, s, min, max);
		exit(2);
	}
	return v;
}

int pd_name_ok(const char *s, size_t max, const char *extra, int empty_ok)
{
	size_t n = strlen(s);

	if ((!n && !empty_ok) || n >= max)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return 0;
	return 1;
}

static void add_circuit(const char *name, const char *zkey, const char *wasm)
{
	struct pd_circuit *c;
	int i;

	if (!pd_name_ok(name, PD_NAME_MAX, "_-.", 0))
		die("circuit name '%s': use letters, digits, '_', '-' or '.' (at most %d)", name,
		    PD_NAME_MAX - 1);
	for (i = 0; i < g.ncircuits; i++)
		if (!strcmp(g.circuits[i].name, name))
			die("circuit %s given twice", name);
	if (g.ncircuits == PD_MAX_CIRCUITS)
		die("at most %d circuits", PD_MAX_CIRCUITS);
	c = &g.circuits[g.ncircuits++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->zkey_path, sizeof(c->zkey_path), "%s", zkey);
	snprintf(c->wasm_path, sizeof(c->wasm_path), "%s", wasm ? wasm : "");
}

static int is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* DIR/NAME.zkey with DIR/NAME.wasm or DIR/NAME_js/NAME.wasm. */
static void add_circuits_dir(const char *dir)
{
	struct dirent **ents;
	int n, i;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		die("--circuits-dir %s: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		const char *f = ents[i]->d_name;
		size_t len = strlen(f);

		if (len > 5 && !strcmp(f + len - 5, ".zkey")) {
			char name[PD_NAME_MAX + 8], zkey[4096], wasm[4096];

			snprintf(name, sizeof(name), "%.*s", (int)(len - 5), f);
			snprintf(zkey, sizeof(zkey), "%s/%s", dir, f);
			snprintf(wasm, sizeof(wasm), "%s/%s.wasm", dir, name);
			if (!is_file(wasm))
				snprintf(wasm, sizeof(wasm), "%s/%s_js/%s.wasm", dir, name, name);
			add_circuit(name, zkey, is_file(wasm) ? wasm : NULL);
		}
		free(ents[i]);
	}
	free(ents);
}

const struct pd_circuit *circuit_find(const char *name)
{
	int i;

	for (i = 0; i < g.ncircuits; i++)
		if (!strcmp(g.circuits[i].name, name))
			return &g.circuits[i];
	return NULL;
}

static void add_tenant_rule(const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct pd_tenant_rule *r;
	char name[PD_NAME_MAX];

	if (!eq || eq == arg || (size_t)(eq - arg) >= PD_NAME_MAX || !eq[1])
		die("--tenant-devices %s: expected TENANT=0,1 (devices) or TENANT=N (CPU)", arg);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	if (g.cfg.ntenant_rules == PD_MAX_TENANTS)
		die("at most %d --tenant-devices", PD_MAX_TENANTS);
	r = &g.cfg.tenant_rules[g.cfg.ntenant_rules++];
	memcpy(r->tenant, name, sizeof(r->tenant));
	/* Interpreted once the backend is known: keep the value in max_workers/mask. */
	r->max_workers = -1;
	{
		const char *p = eq + 1;
		char *end;

		while (*p) {
			long v = strtol(p, &end, 10);

			if (end == p || v < 0 || v >= 32 || (*end && *end != ','))
				die("--tenant-devices %s: expected numbers separated by commas", arg);
			r->device_mask |= 1u << v;
			if (r->max_workers < 0)
				r->max_workers = (int)v;
			else
				r->max_workers = -2;	/* a list: not a CPU cap */
			p = *end ? end + 1 : end;
		}
	}
}

static const struct pd_tenant_rule *tenant_rule(const char *tenant)
{
	int i;

	for (i = 0; i < g.cfg.ntenant_rules; i++)
		if (!strcmp(g.cfg.tenant_rules[i].tenant, tenant))
			return &g.cfg.tenant_rules[i];
	return NULL;
}

/* Called with g.lock held. */
static int tenant_running_here(const char *tenant)
{
	int i, n = 0;

	for (i = 0; i < g.nworkers; i++)
		if ((g.workers[i].current && !strcmp(g.workers[i].current->tenant, tenant)) ||
		    (g.workers[i].pending[0] && !strcmp(g.workers[i].pending, tenant)))
			n++;
	return n;
}

void worker_claimed(struct pd_worker *w, const char *tenant)
{
	pthread_mutex_lock(&g.lock);
	snprintf(w->pending, sizeof(w->pending), "%s", tenant);
	pthread_mutex_unlock(&g.lock);
}

int tenant_allowed(const struct pd_worker *w, const char *tenant)
{
	const struct pd_tenant_rule *r = tenant_rule(tenant);
	int ok;

	if (!r)
		return 1;
	if (w->dev->index >= 0)
		return (r->device_mask >> w->dev_slot) & 1;
	pthread_mutex_lock(&g.lock);
	ok = tenant_running_here(tenant) < r->max_workers;
	pthread_mutex_unlock(&g.lock);
	return ok;
}

int tenants_excluded(const struct pd_worker *w, char names[][PD_NAME_MAX], int max)
{
	int i, n = 0;

	for (i = 0; i < g.cfg.ntenant_rules && n < max; i++)
		if (!tenant_allowed(w, g.cfg.tenant_rules[i].tenant))
			snprintf(names[n++], PD_NAME_MAX, "%s", g.cfg.tenant_rules[i].tenant);
	return n;
}

static void open_devices(void)
{
	int count, idx[PD_MAX_DEVICES], n = 0, i;
	enum zk_backend be = g.cfg.backend;

	count = zk_device_count();
	if (be == ZK_BACKEND_AUTO) {
		const char *env = getenv("ZKASIC_BACKEND");

		if (env && !strcasecmp(env, "cpu"))
			be = ZK_BACKEND_CPU;
		else if (env && !strcasecmp(env, "accel"))
			be = ZK_BACKEND_ACCEL;
		else
			be = count > 0 ? ZK_BACKEND_ACCEL : ZK_BACKEND_CPU;
	}
	if (be == ZK_BACKEND_ACCEL) {
		if (count <= 0)
			die("--backend accel: no zkasic device");
		if (g.cfg.devices) {
			const char *p = g.cfg.devices;
			char *end;

			while (*p && n < PD_MAX_DEVICES) {
				long v = strtol(p, &end, 10);

				if (end == p || v < 0 || v >= count || (*end && *end != ','))
					die("--devices %s: there are %d devices (0..%d)",
					    g.cfg.devices, count, count - 1);
				idx[n++] = (int)v;
				p = *end ? end + 1 : end;
			}
		} else {
			for (n = 0; n < count && n < PD_MAX_DEVICES; n++)
				idx[n] = n;
		}
		for (i = 0; i < n; i++) {
			struct pd_device *d = &g.devs[g.ndevs];
			char one[16];
			int ret;

			/* One context per device: zk_open takes its devices from here. */
			snprintf(one, sizeof(one), "%d", idx[i]);
			setenv("ZKASIC_DEVICES", one, 1);
			ret = zk_open(&d->ctx, ZK_BACKEND_ACCEL);
			unsetenv("ZKASIC_DEVICES");
			if (ret)
				die("device %d: %s", idx[i], zk_last_error());
			d->index = idx[i];
			d->minor = zk_device_minor(zk_ctx_device(d->ctx));
			snprintf(d->pci, sizeof(d->pci), "%s",
				 zk_device_info(zk_ctx_device(d->ctx))->pci_slot);
			g.ndevs++;
		}
	} else {
		struct pd_device *d = &g.devs[0];

		if (zk_open(&d->ctx, ZK_BACKEND_CPU))
			die("CPU backend: %s", zk_last_error());
		zk_ctx_set_threads(d->ctx, g.cfg.threads);
		d->index = -1;
		d->minor = -1;
		g.ndevs = 1;
	}
}

static void load_circuits(void)
{
	int i, k;

	if (!g.ncircuits)
		die("no circuits: give --circuit NAME=PATH.zkey or --circuits-dir DIR");
	for (i = 0; i < g.ncircuits; i++) {
		struct pd_circuit *c = &g.circuits[i];
		double t0 = pd_now_ms();

		if (zk_zkey_open(&c->zkey, c->zkey_path))
			die("circuit %s: %s", c->name, zk_last_error());
		c->curve = zk_zkey_curve(c->zkey);
		zk_zkey_sizes(c->zkey, &c->n_vars, &c->n_public, &c->log_domain);
		for (k = 0; k < g.ndevs; k++)
			if (zk_groth16_prover_new(g.devs[k].ctx, c->zkey, &c->prover[k]))
				die("circuit %s on %s: %s", c->name,
				    g.devs[k].index < 0 ? "the CPU" : g.devs[k].pci,
				    zk_last_error());
		pd_log("circuit %s: %s, %u variables, %u public, domain 2^%u%s%s (%.0f ms)",
		       c->name, c->curve == ZKM_BN254_G1 ? "BN254" : "BLS12-381", c->n_vars,
		       c->n_public, c->log_domain, c->wasm_path[0] ? ", witness program " : "",
		       c->wasm_path, pd_now_ms() - t0);
	}
}

static void check_tenant_rules(void)
{
	int i;

	for (i = 0; i < g.cfg.ntenant_rules; i++) {
		struct pd_tenant_rule *r = &g.cfg.tenant_rules[i];

		if (g.devs[0].index < 0) {
			if (r->max_workers < 0)
				die("--tenant-devices %s: on the CPU backend give a number of workers (TENANT=N)",
				    r->tenant);
		} else {
			uint32_t mask = 0;
			int k;

			/* Device numbers to this host's device slots. */
			for (k = 0; k < g.ndevs; k++)
				if (r->device_mask >> g.devs[k].index & 1)
					mask |= 1u << k;
			if (!mask)
				pd_log("tenant %s: none of its devices is used here, its jobs are left to other hosts",
				       r->tenant);
			r->device_mask = mask;
		}
	}
}

static void setup_workers(void)
{
	int n = g.cfg.workers, i;

	if (!n) {
		if (g.devs[0].index < 0) {
			n = 1;
		} else {
			/* One per hardware queue of each device, at most 4 each. */
			for (i = 0; i < g.ndevs; i++) {
				unsigned int q = zk_device_info(zk_ctx_device(g.devs[i].ctx))->num_queues;

				n += q < 1 ? 1 : q > 4 ? 4 : (int)q;
			}
		}
	}
	if (n > PD_MAX_WORKERS)
		n = PD_MAX_WORKERS;
	g.nworkers = n;
	for (i = 0; i < n; i++) {
		g.workers[i].index = i;
		g.workers[i].dev_slot = i % g.ndevs;
		g.workers[i].dev = &g.devs[i % g.ndevs];
	}
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	enum {
		O_LISTEN = 256, O_NO_HTTP, O_CIRCUIT, O_CIRCUITS_DIR, O_WITNESS_CMD,
		O_WITNESS_TIMEOUT, O_BACKEND, O_THREADS, O_WORKERS, O_DEVICES, O_TENANT,
		O_DB, O_WORKER_ID, O_LEASE, O_POLL, O_MAX_ATTEMPTS, O_MAX_BODY, O_INIT_DB,
		O_EXIT_AFTER, O_VERBOSE, O_MAX_CONN, O_HTTP_THREADS, O_HELP,
	};
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "no-http", no_argument, NULL, O_NO_HTTP },
		{ "circuit", required_argument, NULL, O_CIRCUIT },
		{ "circuits-dir", required_argument, NULL, O_CIRCUITS_DIR },
		{ "witness-cmd", required_argument, NULL, O_WITNESS_CMD },
		{ "witness-timeout", required_argument, NULL, O_WITNESS_TIMEOUT },
		{ "backend", required_argument, NULL, O_BACKEND },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "workers", required_argument, NULL, O_WORKERS },
		{ "devices", required_argument, NULL, O_DEVICES },
		{ "tenant-devices", required_argument, NULL, O_TENANT },
		{ "db", required_argument, NULL, O_DB },
		{ "worker-id", required_argument, NULL, O_WORKER_ID },
		{ "lease", required_argument, NULL, O_LEASE },
		{ "poll", required_argument, NULL, O_POLL },
		{ "max-attempts", required_argument, NULL, O_MAX_ATTEMPTS },
		{ "max-body", required_argument, NULL, O_MAX_BODY },
		{ "max-connections", required_argument, NULL, O_MAX_CONN },
		{ "http-threads", required_argument, NULL, O_HTTP_THREADS },
		{ "init-db", no_argument, NULL, O_INIT_DB },
		{ "exit-after", required_argument, NULL, O_EXIT_AFTER },
		{ "verbose", no_argument, NULL, O_VERBOSE },
		{ "help", no_argument, NULL, O_HELP },
		{ 0 }
	};
	struct pd_config *cfg = &g.cfg;
	char err[512], host[200];
	sigset_t sigs;
	int c, i;

	cfg->listen = "127.0.0.1:9080";
	cfg->witness_timeout = 60;
	cfg->lease = 30;
	cfg->poll = 2;
	cfg->max_attempts = 3;
	cfg->max_body = 64 << 20;
	cfg->max_connections = 1024;
	cfg->http_threads = 4;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case O_LISTEN: cfg->listen = optarg; break;
		case O_NO_HTTP: cfg->no_http = 1; break;
		case O_CIRCUIT: {
			char *eq = strchr(optarg, '=');

			if (!eq)
				die("--circuit %s: expected NAME=PATH.zkey", optarg);
			*eq = 0;
			add_circuit(optarg, eq + 1, NULL);
			break;
		}
		case O_CIRCUITS_DIR: add_circuits_dir(optarg); break;
		case O_WITNESS_CMD: cfg->witness_cmd = optarg; break;
		case O_WITNESS_TIMEOUT:
			cfg->witness_timeout = (unsigned int)parse_num("--witness-timeout", optarg, 1, 86400);
			break;
		case O_BACKEND:
			if (!strcasecmp(optarg, "cpu"))
				cfg->backend = ZK_BACKEND_CPU;
			else if (!strcasecmp(optarg, "accel"))
				cfg->backend = ZK_BACKEND_ACCEL;
			else if (!strcasecmp(optarg, "auto"))
				cfg->backend = ZK_BACKEND_AUTO;
			else
				die("--backend %s: use auto, cpu or accel", optarg);
			break;
		case O_THREADS: cfg->threads = (unsigned int)parse_num("--threads", optarg, 0, 4096); break;
		case O_WORKERS: cfg->workers = (int)parse_num("--workers", optarg, 1, PD_MAX_WORKERS); break;
		case O_DEVICES: cfg->devices = optarg; break;
		case O_TENANT: add_tenant_rule(optarg); break;
		case O_DB: cfg->db = optarg; break;
		case O_WORKER_ID:
			if (!*optarg || strlen(optarg) >= sizeof(cfg->worker_id))
				die("--worker-id: 1 to %zu characters", sizeof(cfg->worker_id) - 1);
			snprintf(cfg->worker_id, sizeof(cfg->worker_id), "%s", optarg);
			break;
		case O_LEASE: cfg->lease = (unsigned int)parse_num("--lease", optarg, 3, 86400); break;
		case O_POLL: {
			char *end;

			cfg->poll = strtod(optarg, &end);
			if (end == optarg || *end || !(cfg->poll >= 0.05 && cfg->poll <= 3600))
				die("--poll %s: seconds from 0.05 to 3600", optarg);
			break;
		}
		case O_MAX_ATTEMPTS:
			cfg->max_attempts = (int)parse_num("--max-attempts", optarg, 1, 1000);
			break;
		case O_MAX_BODY:
			cfg->max_body = (size_t)parse_num("--max-body", optarg, 1024, 1L << 34);
			break;
		case O_MAX_CONN:
			cfg->max_connections = (unsigned int)parse_num("--max-connections", optarg, 1, 100000);
			break;
		case O_HTTP_THREADS:
			cfg->http_threads = (unsigned int)parse_num("--http-threads", optarg, 1, 256);
			break;
		case O_INIT_DB: cfg->init_db = 1; break;
		case O_EXIT_AFTER: cfg->exit_after = parse_num("--exit-after", optarg, 1, 1L << 40); break;
		case 'v': case O_VERBOSE: cfg->verbose = 1; break;
		case 'h': case O_HELP: usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (!cfg->worker_id[0]) {
		if (gethostname(host, sizeof(host)))
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = 0;
		snprintf(cfg->worker_id, sizeof(cfg->worker_id), "%s:%d", host, (int)getpid());
	}
	if (cfg->init_db) {
		if (!cfg->db)
			die("--init-db needs --db CONNINFO");
		if (store_pg_init_db(cfg->db, err, sizeof(err)))
			die("%s", err);
		pd_log("schema ready");
		return 0;
	}
	if (cfg->no_http && !cfg->db)
		die("--no-http makes a pure worker: it needs --db (cluster mode)");

	/* Signals are taken by sigtimedwait below; every thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	pthread_mutex_init(&g.lock, NULL);
	metrics_init();

	open_devices();
	load_circuits();
	check_tenant_rules();
	setup_workers();
	if (cfg->db) {
		g.store = store_pg_new(cfg, err, sizeof(err));
		if (!g.store)
			die("%s", err);
	} else {
		g.store = store_mem_new(cfg);
	}
	if (g.devs[0].index < 0)
		pd_log("worker %s: %d worker%s on the CPU backend%s", cfg->worker_id, g.nworkers,
		       g.nworkers > 1 ? "s" : "", cfg->db ? ", cluster mode" : ", standalone");
	else
		pd_log("worker %s: %d workers on %d device%s%s", cfg->worker_id, g.nworkers, g.ndevs,
		       g.ndevs > 1 ? "s" : "", cfg->db ? ", cluster mode" : ", standalone");
	if (pool_start())
		die("cannot start the workers");
	if (!cfg->no_http && http_start(cfg->listen, err, sizeof(err))) {
		pd_log("%s", err);
		g.stopping = 1;
		pool_stop();
		return 1;
	}

	for (;;) {
		struct timespec ts = { 0, 200 * 1000000L };
		int sig = sigtimedwait(&sigs, NULL, &ts);

		if (sig == SIGTERM || sig == SIGINT) {
			int n;

			if (!g.store->ops->abandon) {
				pd_log("signal %d: finishing the jobs in flight", sig);
				break;
			}
			/*
			 * Cluster mode: the jobs in flight go back to the queue at
			 * once, for another worker, and their proofs are dropped.
			 */
			pd_log("signal %d: giving the jobs in flight back to the queue", sig);
			n = pool_abandon();
			if (n) {
				/* Their provers cannot be interrupted: leave without them. */
				pd_log("stopped after %ld job%s, %d given back", g.finished,
				       g.finished == 1 ? "" : "s", n);
				fflush(stderr);
				_exit(0);
			}
			break;
		}
		if (g.stopping)
			break;
	}
	g.stopping = 1;
	pool_stop();
	if (!cfg->no_http)
		http_stop();
	g.store->ops->destroy(g.store);
	for (i = 0; i < g.ncircuits; i++) {
		int k;

		for (k = 0; k < g.ndevs; k++)
			zk_groth16_prover_free(g.circuits[i].prover[k]);
		zk_zkey_close(g.circuits[i].zkey);
	}
	for (i = 0; i < g.ndevs; i++)
		zk_close(g.devs[i].ctx);
	pd_log("stopped after %ld job%s", g.finished, g.finished == 1 ? "" : "s");
	return 0;
}
