// SPDX-License-Identifier: MIT
/*
 * Jobs in memory (standalone mode): every job of this process's life in an
 * array indexed by id, under one lock; workers wait on a condition
 * variable. Claims follow the cluster's order: tenants with fewer running
 * jobs first, then higher priority, then older. A witness is freed once
 * its job is finished.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proverd.h"

struct mem_job {
	struct job_view v;
	uint8_t *witness;
	size_t witness_len;
	double created_ms, started_ms;	/* pd_now_ms() */
	char key[PD_KEY_MAX];		/* idempotency key, "" if none */
};

struct store_mem {
	struct store base;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct mem_job **jobs;		/* jobs[id - 1] */
	size_t njobs, cap;
	long nstate[JOB_NSTATES];
	int max_attempts;
	char worker_id[256];
	/* When each tenant last had a job started (claims' sequence numbers). */
	struct {
		char tenant[PD_NAME_MAX];
		uint64_t seq;
	} served[256];
	int nserved;
	uint64_t seq;
};

#define SM(s) ((struct store_mem *)(s))

static void set_state(struct store_mem *m, struct mem_job *j, int state)
{
	m->nstate[j->v.state]--;
	j->v.state = state;
	m->nstate[state]++;
}

static int mem_submit(struct store *s, const char *circuit, const char *tenant, int priority,
		      const char *key, const void *witness, size_t len, int64_t *id,
		      int *existed, char *err, size_t errlen)
{
	struct store_mem *m = SM(s);
	struct mem_job *j;
	size_t i;

	*existed = 0;
	if (key) {
		pthread_mutex_lock(&m->lock);
		for (i = m->njobs; i-- > 0;)
			if (!strcmp(m->jobs[i]->key, key) && !strcmp(m->jobs[i]->v.tenant, tenant)) {
				*id = m->jobs[i]->v.id;
				*existed = 1;
				pthread_mutex_unlock(&m->lock);
				return 0;
			}
		pthread_mutex_unlock(&m->lock);
	}
	j = calloc(1, sizeof(*j));

	if (!j || !(j->witness = malloc(len ? len : 1))) {
		free(j);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(j->witness, witness, len);
	j->witness_len = len;
	snprintf(j->v.circuit, sizeof(j->v.circuit), "%s", circuit);
	snprintf(j->v.tenant, sizeof(j->v.tenant), "%s", tenant);
	j->v.priority = priority;
	j->v.state = JOB_QUEUED;
	j->v.queued_ms = j->v.prove_ms = j->v.verify_ms = j->v.total_ms = j->v.joules = -1;
	j->created_ms = pd_now_ms();
	pthread_mutex_lock(&m->lock);
	if (m->njobs == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct mem_job **n = realloc(m->jobs, cap * sizeof(*n));

		if (!n) {
			pthread_mutex_unlock(&m->lock);
			free(j->witness);
			free(j);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		m->jobs = n;
		m->cap = cap;
	}
	/* The same key may have come in meanwhile: look again under the lock. */
	for (i = m->njobs; key && i-- > 0;)
		if (!strcmp(m->jobs[i]->key, key) && !strcmp(m->jobs[i]->v.tenant, tenant)) {
			*id = m->jobs[i]->v.id;
			*existed = 1;
			pthread_mutex_unlock(&m->lock);
			free(j->witness);
			free(j);
			return 0;
		}
	snprintf(j->key, sizeof(j->key), "%s", key ? key : "");
	m->jobs[m->njobs++] = j;
	j->v.id = (int64_t)m->njobs;
	m->nstate[JOB_QUEUED]++;
	*id = j->v.id;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	metrics_submitted(circuit);
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int mem_get(struct store *s, int64_t id, struct job_view *v)
{
	struct store_mem *m = SM(s);
	struct mem_job *j;

	pthread_mutex_lock(&m->lock);
	if (id < 1 || (size_t)id > m->njobs) {
		pthread_mutex_unlock(&m->lock);
		return -ENOENT;
	}
	j = m->jobs[id - 1];
	*v = j->v;
	v->worker = dup_or_null(j->v.worker);
	v->error = dup_or_null(j->v.error);
	v->proof_file = dup_or_null(j->v.proof_file);
	v->public_file = dup_or_null(j->v.public_file);
	if (j->v.state == JOB_QUEUED)
		v->queued_ms = pd_now_ms() - j->created_ms;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static int mem_list(struct store *s, int state, int limit, json_t **out)
{
	struct store_mem *m = SM(s);
	json_t *arr = json_array();
	size_t i;
	int n = 0;

	pthread_mutex_lock(&m->lock);
	/* Newest first. */
	for (i = m->njobs; i > 0 && n < limit; i--) {
		struct mem_job *j = m->jobs[i - 1];

		if (state >= 0 && j->v.state != state)
			continue;
		json_array_append_new(arr, json_pack("{s:o, s:s, s:s, s:s, s:i}",
			"id", json_sprintf("%lld", (long long)j->v.id),
			"state", job_state_name(j->v.state), "circuit", j->v.circuit,
			"tenant", j->v.tenant, "priority", j->v.priority));
		n++;
	}
	pthread_mutex_unlock(&m->lock);
	*out = arr;
	return 0;
}

static void free_witness(struct mem_job *j)
{
	free(j->witness);
	j->witness = NULL;
	j->witness_len = 0;
}

static int mem_cancel(struct store *s, int64_t id, int *state)
{
	struct store_mem *m = SM(s);
	struct mem_job *j;
	int ret = 0;

	pthread_mutex_lock(&m->lock);
	if (id < 1 || (size_t)id > m->njobs) {
		pthread_mutex_unlock(&m->lock);
		return -ENOENT;
	}
	j = m->jobs[id - 1];
	if (j->v.state == JOB_QUEUED || j->v.state == JOB_RUNNING) {
		/* A running proof finishes, and its result is dropped (fenced). */
		set_state(m, j, JOB_CANCELLED);
		j->v.total_ms = pd_now_ms() - j->created_ms;
		free_witness(j);
	} else {
		ret = -EALREADY;
	}
	*state = j->v.state;
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/* The order claims take: fewer running jobs of the tenant, priority, round robin, age. */
static int running_of(struct store_mem *m, const char *tenant)
{
	size_t i;
	int n = 0;

	for (i = 0; i < m->njobs; i++)
		if (m->jobs[i]->v.state == JOB_RUNNING && !strcmp(m->jobs[i]->v.tenant, tenant))
			n++;
	return n;
}

static uint64_t last_served(struct store_mem *m, const char *tenant)
{
	int i;

	for (i = 0; i < m->nserved; i++)
		if (!strcmp(m->served[i].tenant, tenant))
			return m->served[i].seq;
	return 0;
}

static void mark_served(struct store_mem *m, const char *tenant)
{
	int i, old = 0;

	for (i = 0; i < m->nserved; i++) {
		if (!strcmp(m->served[i].tenant, tenant))
			break;
		if (m->served[i].seq < m->served[old].seq)
			old = i;
	}
	if (i == m->nserved) {
		/* Full: forget the tenant served longest ago. */
		if (m->nserved < (int)(sizeof(m->served) / sizeof(m->served[0])))
			m->nserved++;
		else
			i = old;
		snprintf(m->served[i].tenant, sizeof(m->served[i].tenant), "%s", tenant);
	}
	m->served[i].seq = ++m->seq;
}

static int mem_claim(struct store *s, struct pd_worker *w, struct claimed_job *job,
		     double wait_s)
{
	struct store_mem *m = SM(s);
	struct timespec until;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)wait_s;
	until.tv_nsec += (long)((wait_s - (time_t)wait_s) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&m->lock);
	while (!g.stopping) {
		struct mem_job *best = NULL;
		uint64_t best_last = 0;
		int best_run = 0;
		size_t i;

		if (m->nstate[JOB_QUEUED]) {
			for (i = 0; i < m->njobs; i++) {
				struct mem_job *j = m->jobs[i];
				uint64_t last;
				int run;

				if (j->v.state != JOB_QUEUED || !circuit_find(j->v.circuit) ||
				    !tenant_allowed(w, j->v.tenant))
					continue;
				run = running_of(m, j->v.tenant);
				last = last_served(m, j->v.tenant);
				/*
				 * Fewer running jobs of its tenant, higher priority,
				 * then the tenant served longest ago (round robin
				 * among tenants, even with one worker), then age.
				 */
				if (!best || run < best_run ||
				    (run == best_run && (j->v.priority > best->v.priority ||
				     (j->v.priority == best->v.priority && last < best_last)))) {
					best = j;
					best_run = run;
					best_last = last;
				}
			}
		}
		if (best) {
			set_state(m, best, JOB_RUNNING);
			mark_served(m, best->v.tenant);
			worker_claimed(w, best->v.tenant);
			best->v.attempts++;
			best->started_ms = pd_now_ms();
			best->v.queued_ms = best->started_ms - best->created_ms;
			free(best->v.worker);
			best->v.worker = strdup(m->worker_id);
			job->id = best->v.id;
			job->attempt = best->v.attempts;
			snprintf(job->circuit, sizeof(job->circuit), "%s", best->v.circuit);
			snprintf(job->tenant, sizeof(job->tenant), "%s", best->v.tenant);
			job->priority = best->v.priority;
			job->witness = malloc(best->witness_len);
			if (job->witness)
				memcpy(job->witness, best->witness, best->witness_len);
			job->witness_len = best->witness_len;
			job->queued_ms = best->v.queued_ms;
			ret = 1;
			break;
		}
		if (pthread_cond_timedwait(&m->cond, &m->lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

static int mem_finish(struct store *s, struct pd_worker *w, struct claimed_job *job,
		      const struct job_result *r)
{
	struct store_mem *m = SM(s);
	struct mem_job *j;

	(void)w;
	pthread_mutex_lock(&m->lock);
	j = m->jobs[job->id - 1];
	if (j->v.state != JOB_RUNNING || j->v.attempts != job->attempt) {
		pthread_mutex_unlock(&m->lock);
		return -ESTALE;
	}
	j->v.prove_ms = r->prove_ms;
	j->v.verify_ms = r->verify_ms;
	j->v.joules = r->joules;
	free(j->v.error);
	j->v.error = NULL;
	if (r->ok) {
		set_state(m, j, JOB_DONE);
		j->v.verified = r->verified;
		j->v.proof_file = strdup(r->proof_file);
		j->v.public_file = strdup(r->public_file);
	} else {
		j->v.error = strdup(r->error);
		set_state(m, j, r->retry && j->v.attempts < m->max_attempts ? JOB_QUEUED :
			  JOB_FAILED);
	}
	if (j->v.state != JOB_QUEUED) {
		j->v.total_ms = pd_now_ms() - j->created_ms;
		free_witness(j);
	} else {
		pthread_cond_broadcast(&m->cond);
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static int mem_release(struct store *s, struct pd_worker *w, struct claimed_job *job)
{
	struct store_mem *m = SM(s);
	struct mem_job *j;

	(void)w;
	pthread_mutex_lock(&m->lock);
	j = m->jobs[job->id - 1];
	if (j->v.state == JOB_RUNNING && j->v.attempts == job->attempt) {
		set_state(m, j, JOB_QUEUED);
		j->v.attempts--;	/* not an attempt: never started */
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static int mem_counts(struct store *s, long counts[JOB_NSTATES])
{
	struct store_mem *m = SM(s);

	pthread_mutex_lock(&m->lock);
	memcpy(counts, m->nstate, sizeof(m->nstate));
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static void mem_wake(struct store *s)
{
	struct store_mem *m = SM(s);

	pthread_mutex_lock(&m->lock);
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void mem_destroy(struct store *s)
{
	struct store_mem *m = SM(s);
	size_t i;

	for (i = 0; i < m->njobs; i++) {
		struct mem_job *j = m->jobs[i];

		free(j->witness);
		job_view_free(&j->v);
		free(j);
	}
	free(m->jobs);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	free(m);
}

static const struct store_ops mem_ops = {
	.submit = mem_submit,
	.get = mem_get,
	.list = mem_list,
	.cancel = mem_cancel,
	.claim = mem_claim,
	.finish = mem_finish,
	.release = mem_release,
	.counts = mem_counts,
	.wake = mem_wake,
	.destroy = mem_destroy,
};

struct store *store_mem_new(const struct pd_config *cfg)
{
	struct store_mem *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->base.ops = &mem_ops;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	m->max_attempts = cfg->max_attempts;
	snprintf(m->worker_id, sizeof(m->worker_id), "%s", cfg->worker_id);
	return &m->base;
}
