/* SPDX-License-Identifier: MIT */
/*
 * zkasic-proverd: a Groth16 proving service. The pieces, one file each:
 *
 *   main.c       command line, circuits loaded once, signals, shutdown
 *   http.c       the HTTP API (libmicrohttpd): rapidsnark's routes and /jobs
 *   witness.c    JSON circuit inputs to a .wtns through --witness-cmd
 *   store_mem.c  jobs in memory (standalone)
 *   store_pg.c   jobs in PostgreSQL (cluster mode): SKIP LOCKED claims,
 *                leases with the attempt number as a fencing token
 *   pool.c       the prover workers: claim, prove, verify, complete
 *   metrics.c    counters, latency quantiles, device telemetry, /metrics
 */
#ifndef ZKASIC_PROVERD_H
#define ZKASIC_PROVERD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <zkasic/groth16.h>
#include <zkasic/zkasic.h>

#define PD_MAX_CIRCUITS	64
#define PD_MAX_DEVICES	16
#define PD_MAX_WORKERS	64
#define PD_MAX_TENANTS	32
#define PD_NAME_MAX	64
#define PD_KEY_MAX	128		/* idempotency keys, with the NUL */

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED, JOB_NSTATES };

const char *job_state_name(int state);
int job_state_parse(const char *s);

/* One device of this host and what runs on it (or the CPU backend, dev -1). */
struct pd_device {
	int index;			/* zkasic device index, -1: CPU */
	int minor;			/* accel minor, -1: CPU */
	char pci[32];
	struct zk_ctx *ctx;
	int running;			/* jobs on it now, under pool lock */
};

struct pd_circuit {
	char name[PD_NAME_MAX];
	char zkey_path[4096];
	char wasm_path[4096];		/* "" if none */
	struct zk_zkey *zkey;
	int curve;
	uint32_t n_vars, n_public;
	unsigned int log_domain;
	struct zk_groth16_prover *prover[PD_MAX_DEVICES];	/* per pd_device */
};

/* --tenant-devices TENANT=0,1 (devices) or TENANT=N (CPU: worker cap). */
struct pd_tenant_rule {
	char tenant[PD_NAME_MAX];
	uint32_t device_mask;		/* devices backend: allowed pd_device slots */
	int max_workers;		/* CPU backend */
};

struct pd_config {
	const char *listen;
	int no_http;
	const char *witness_cmd;
	unsigned int witness_timeout;	/* seconds */
	enum zk_backend backend;
	unsigned int threads;
	int workers;			/* 0: default */
	const char *devices;
	const char *db;
	char worker_id[256];
	unsigned int lease;		/* seconds */
	double poll;			/* seconds */
	int max_attempts;
	size_t max_body;
	int init_db;
	long exit_after;
	int verbose;
	unsigned int max_connections;
	unsigned int http_threads;
	int ntenant_rules;
	struct pd_tenant_rule tenant_rules[PD_MAX_TENANTS];
};

/* A job as the API shows it. Strings are owned (free with job_view_free). */
struct job_view {
	int64_t id;
	char circuit[PD_NAME_MAX];
	char tenant[PD_NAME_MAX];
	int priority;
	int state;
	char *worker;
	int attempts;
	char *error;
	double queued_ms, prove_ms, verify_ms, total_ms;	/* < 0: not known */
	double joules;			/* < 0: not measured */
	int verified;
	char *proof_file;		/* snarkjs proof.json text, NULL if not done */
	char *public_file;		/* snarkjs public.json text */
};
void job_view_free(struct job_view *v);
json_t *job_view_json(const struct job_view *v);

/* A job a worker claimed. */
struct claimed_job {
	int64_t id;
	int attempt;			/* fencing token */
	char circuit[PD_NAME_MAX];
	char tenant[PD_NAME_MAX];
	int priority;
	uint8_t *witness;
	size_t witness_len;
	double queued_ms;		/* time it waited before this claim */
	volatile int lost;		/* lease renewal found it taken or cancelled */
};

struct job_result {
	int ok;				/* proof verified: store it */
	const char *error;		/* when !ok */
	int retry;			/* when !ok: requeue unless out of attempts */
	const char *proof_file, *public_file;
	double prove_ms, verify_ms, joules;	/* joules < 0: unknown */
	int verified;
};

struct pd_worker;

/* Where jobs live: memory (standalone) or PostgreSQL (cluster). */
struct store {
	const struct store_ops *ops;
};

struct store_ops {
	/*
	 * Returns 0 with *id, or -errno with @err filled. @key (NULL: none) is
	 * the client's idempotency key, unique per tenant: if @tenant already
	 * has a job of that key, nothing is queued and *id is that job's, with
	 * *existed set.
	 */
	int (*submit)(struct store *s, const char *circuit, const char *tenant, int priority,
		      const char *key, const void *witness, size_t len, int64_t *id,
		      int *existed, char *err, size_t errlen);
	/* 0, -ENOENT or -EIO. */
	int (*get)(struct store *s, int64_t id, struct job_view *v);
	/* A JSON array of {"id","state","circuit","tenant","priority"}. */
	int (*list)(struct store *s, int state, int limit, json_t **out);
	/* 0 cancelled, -ENOENT, -EALREADY (finished: *state says how), -EIO. */
	int (*cancel)(struct store *s, int64_t id, int *state);
	/* Per-worker setup and teardown (a PostgreSQL connection each). */
	int (*worker_init)(struct store *s, struct pd_worker *w);
	void (*worker_fini)(struct store *s, struct pd_worker *w);
	/*
	 * Claim the best job this worker may run, waiting up to @wait_s seconds
	 * for one. 1 with @job, 0 if none (timeout or woken), -EIO.
	 */
	int (*claim)(struct store *s, struct pd_worker *w, struct claimed_job *job,
		     double wait_s);
	/* Extend the leases of these jobs (copies); sets ->lost where gone. */
	void (*renew)(struct store *s, struct claimed_job *jobs, int n);
	/* Store a result (fenced by the attempt): 0 stored, -ESTALE lost, -EIO. */
	int (*finish)(struct store *s, struct pd_worker *w, struct claimed_job *job,
		      const struct job_result *r);
	/* Give a job back to the queue (shutdown): fenced like finish. */
	int (*release)(struct store *s, struct pd_worker *w, struct claimed_job *job);
	/*
	 * Give back a job in flight (SIGTERM in cluster mode) from any thread:
	 * queued again at once, lease cleared, the attempt counted; fenced by
	 * the attempt. NULL where jobs die with the process (memory).
	 */
	int (*abandon)(struct store *s, int64_t id, int attempt);
	/* Cluster-wide (or local) counts by state; -1 if unknown. */
	int (*counts)(struct store *s, long counts[JOB_NSTATES]);
	/* Wake every worker waiting in claim (shutdown). */
	void (*wake)(struct store *s);
	void (*destroy)(struct store *s);
};

struct store *store_mem_new(const struct pd_config *cfg);
struct store *store_pg_new(const struct pd_config *cfg, char *err, size_t errlen);
int store_pg_init_db(const char *conninfo, char *err, size_t errlen);

/* The prover pool. */
struct pd_worker {
	int index;
	struct pd_device *dev;
	int dev_slot;			/* index into g.devs */
	pthread_t thread;
	void *store_priv;		/* the store's per-worker state */
	struct claimed_job *current;	/* under pool lock */
	char pending[PD_NAME_MAX];	/* tenant of a job claimed, not yet begun; under pool lock */
};

/* Global daemon state. */
struct proverd {
	struct pd_config cfg;
	struct store *store;
	int ndevs;
	struct pd_device devs[PD_MAX_DEVICES];
	int ncircuits;
	struct pd_circuit circuits[PD_MAX_CIRCUITS];
	int nworkers;
	struct pd_worker workers[PD_MAX_WORKERS];
	pthread_mutex_t lock;		/* devices' running counts, workers' current */
	volatile int stopping;		/* stop claiming */
	int abandoning;			/* jobs in flight given back: start none, under lock */
	long finished;			/* jobs this process finished, under lock */
	int64_t last_input_id;		/* rapidsnark's /status, under lock */
};
extern struct proverd g;

const struct pd_circuit *circuit_find(const char *name);
/* May this worker run @tenant's jobs now? (tenant rules) */
int tenant_allowed(const struct pd_worker *w, const char *tenant);
/* The tenants this worker must not take now, for the store's claim. */
int tenants_excluded(const struct pd_worker *w, char names[][PD_NAME_MAX], int max);
/*
 * The store claimed a job of @tenant for @w: it counts against the
 * tenant's cap from now (called where the claim was decided, so that the
 * check and the claim are one step for this process's workers).
 */
void worker_claimed(struct pd_worker *w, const char *tenant);

int pool_start(void);
void pool_stop(void);		/* stop claiming, finish jobs in flight, join */
/* Stop claiming; give the jobs in flight back to the store (cluster). */
int pool_abandon(void);

int http_start(const char *listen, char *err, size_t errlen);
void http_stop(void);

/* Long polling (http_wait.c): GET /jobs/:id?wait=S, S at most this. */
#define PD_WAIT_MAX_S 30
struct MHD_Connection;
int http_wait_start(int recheck);	/* recheck: jobs may finish on other hosts */
void http_wait_stop(void);		/* resume every parked request */
unsigned long http_wait_changes(void);
/* Suspend @conn until @id changes or the deadline; -EAGAIN if a job changed since @seen. */
int http_wait_park(struct MHD_Connection *conn, int64_t id, double deadline_ms,
		   unsigned long seen);
long http_wait_parked(void);
/* A job's state changed in this process: wake the requests waiting on it. */
void pd_job_changed(int64_t id);

/* witness.c: run --witness-cmd on JSON inputs; 0 with a malloc'd .wtns. */
int witness_from_json(const struct pd_circuit *c, const char *json, size_t len,
		      uint8_t **wtns, size_t *wtns_len, char *err, size_t errlen);

/* metrics.c */
void metrics_init(void);
void metrics_job_finished(const char *circuit, int state, double total_ms, double joules);
void metrics_result_discarded(void);
void metrics_submitted(const char *circuit);
char *metrics_render(size_t *len);
/* Energy counter of a device in joules, -1 if unknown. */
double device_energy_j(const struct pd_device *d);

void pd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pd_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double pd_now_ms(void);		/* CLOCK_MONOTONIC */
double pd_wall_ms(void);	/* CLOCK_REALTIME */
/*
 * Whether @s is a name the daemon accepts (circuit, tenant, idempotency
 * key): shorter than @max, only letters, digits and the characters of
 * @extra; empty only if @empty_ok.
 */
int pd_name_ok(const char *s, size_t max, const char *extra, int empty_ok);

#endif
