// SPDX-License-Identifier: MIT
/*
 * The prover pool: one thread per worker, each bound to one device of the
 * host (or to the CPU backend). A worker claims a job from the store,
 * proves it with the circuit's prover for its device (resident bases),
 * verifies the proof, and stores the result fenced by the attempt number:
 * if its lease was lost meanwhile (another worker took the job, or it was
 * cancelled), the result is discarded and counted. In cluster mode a lease
 * thread renews the leases of the jobs in flight every lease/3 seconds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proverd.h"

static pthread_t lease_thread;
static int lease_started;
static pthread_mutex_t lease_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lease_cond = PTHREAD_COND_INITIALIZER;

/*
 * The one place a proof is verified before it is stored: libzkasic's
 * pairing check against the circuit's verification key and the witness's
 * public inputs (0 valid, -EBADMSG not).
 */
static int proof_verify(const struct pd_circuit *c, const struct zk_wtns *w,
			const struct zk_groth16_proof *proof)
{
	return zk_groth16_verify(c->zkey, w, proof);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* snarkjs's proof.json and public.json as strings. */
static int render_files(const struct pd_circuit *c, const struct zk_wtns *w,
			const struct zk_groth16_proof *proof, char **proof_file,
			char **public_file)
{
	size_t len;
	FILE *f;
	int ret;

	*proof_file = *public_file = NULL;
	f = open_memstream(proof_file, &len);
	if (!f)
		return -ENOMEM;
	ret = zk_groth16_write_proof_json(f, proof);
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	if (ret)
		return ret;
	f = open_memstream(public_file, &len);
	if (!f)
		return -ENOMEM;
	ret = zk_groth16_write_public_json(f, c->zkey, w);
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	return ret;
}

static int job_begin(struct pd_worker *w, struct claimed_job *job, int *running)
{
	pthread_mutex_lock(&g.lock);
	if (g.abandoning) {
		pthread_mutex_unlock(&g.lock);
		return -ECANCELED;
	}
	w->current = job;
	w->pending[0] = 0;
	*running = ++w->dev->running;
	pthread_mutex_unlock(&g.lock);
	return 0;
}

static void job_end(struct pd_worker *w, int *running)
{
	pthread_mutex_lock(&g.lock);
	*running = w->dev->running--;
	w->current = NULL;
	pthread_mutex_unlock(&g.lock);
}

/* Store @r, retrying while the store is unreachable; the lease decides. */
static int store_result(struct pd_worker *w, struct claimed_job *job, const struct job_result *r)
{
	double give_up = pd_now_ms() + 1000.0 * (g.cfg.lease * 4 + 30);
	long backoff = 200;
	int ret;

	for (;;) {
		ret = g.store->ops->finish(g.store, w, job, r);
		if (ret != -EIO)
			return ret;
		if (pd_now_ms() > give_up)
			return -EIO;
		pd_log("job %lld: cannot store the result yet, retrying in %ld ms",
		       (long long)job->id, backoff);
		sleep_ms(backoff);
		backoff = backoff < 5000 ? backoff * 2 : 5000;
	}
}

static void run_job(struct pd_worker *w, struct claimed_job *job)
{
	const struct pd_circuit *c = circuit_find(job->circuit);
	struct job_result r = { .joules = -1 };
	struct zk_groth16_proof proof;
	struct zk_groth16_stats st;
	struct zk_wtns *wtns = NULL;
	char *proof_file = NULL, *public_file = NULL, msg[600];
	double t0 = pd_now_ms(), t1, e0 = -1, e1;
	int ret, n0 = 0, n1 = 0;

	pd_debug("worker %d: job %lld (%s, attempt %d)", w->index, (long long)job->id,
		 job->circuit, job->attempt);
	if (job_begin(w, job, &n0)) {
		/* Claimed as the jobs in flight were given back: give it back too. */
		if (g.store->ops->release(g.store, w, job))
			pd_log("job %lld: could not be released; its lease will expire",
			       (long long)job->id);
		return;
	}
	if (!c) {
		r.error = "circuit not loaded on this worker";
		goto done;
	}
	if (zk_wtns_open_mem(&wtns, job->witness, job->witness_len) ||
	    zk_wtns_check(c->zkey, wtns)) {
		snprintf(msg, sizeof(msg), "bad witness: %s", zk_last_error());
		r.error = msg;
		goto done;
	}
	e0 = device_energy_j(w->dev);
	ret = zk_groth16_prover_prove(c->prover[w->dev_slot], wtns, &proof, &st);
	t1 = pd_now_ms();
	r.prove_ms = t1 - t0;
	if (ret) {
		snprintf(msg, sizeof(msg), "prove: %s", zk_last_error());
		r.error = msg;
		r.retry = 1;
		goto done;
	}
	ret = proof_verify(c, wtns, &proof);
	r.verify_ms = pd_now_ms() - t1;
	if (ret) {
		snprintf(msg, sizeof(msg), "the proof did not verify (%s)",
			 ret == -EBADMSG ? "pairing check failed" : zk_last_error());
		r.error = msg;
		r.retry = 1;
		goto done;
	}
	r.verified = 1;
	if (render_files(c, wtns, &proof, &proof_file, &public_file)) {
		r.error = "cannot render the proof";
		r.retry = 1;
		goto done;
	}
	r.ok = 1;
	r.proof_file = proof_file;
	r.public_file = public_file;
done:
	e1 = device_energy_j(w->dev);
	/* Logged while the job still counts against its tenant's cap. */
	pd_debug("worker %d: job %lld ends", w->index, (long long)job->id);
	job_end(w, &n1);
	/*
	 * Joules: the device's energy counter over this job's interval, shared
	 * equally among the jobs running on the device (the mean of their
	 * number at the start and at the end).
	 */
	if (e0 >= 0 && e1 >= e0)
		r.joules = (e1 - e0) / ((n0 + n1) / 2.0 > 1 ? (n0 + n1) / 2.0 : 1);
	if (!r.ok)
		pd_log("job %lld attempt %d: %s", (long long)job->id, job->attempt, r.error);
	if (job->lost) {
		ret = -ESTALE;
	} else {
		ret = store_result(w, job, &r);
	}
	if (ret == -ESTALE) {
		pd_log("job %lld attempt %d: lease lost (requeued, cancelled or taken over): result discarded",
		       (long long)job->id, job->attempt);
		metrics_result_discarded();
	} else if (ret) {
		pd_log("job %lld attempt %d: result could not be stored: discarded",
		       (long long)job->id, job->attempt);
		metrics_result_discarded();
	} else {
		int state = r.ok ? JOB_DONE : r.retry && job->attempt < g.cfg.max_attempts ?
			    JOB_QUEUED : JOB_FAILED;

		if (state != JOB_QUEUED)
			metrics_job_finished(job->circuit, state,
					     job->queued_ms + pd_now_ms() - t0, r.joules);
		pd_debug("job %lld: %s in %.1f ms", (long long)job->id, job_state_name(state),
			 pd_now_ms() - t0);
		pd_job_changed(job->id);
	}
	pthread_mutex_lock(&g.lock);
	g.finished++;
	if (g.cfg.exit_after && g.finished >= g.cfg.exit_after && !g.stopping) {
		pd_log("finished %ld jobs (--exit-after): stopping", g.finished);
		g.stopping = 1;
	}
	pthread_mutex_unlock(&g.lock);
	if (g.stopping)
		g.store->ops->wake(g.store);
	free(proof_file);
	free(public_file);
	zk_wtns_close(wtns);
}

static void *worker_main(void *arg)
{
	struct pd_worker *w = arg;
	long backoff = 200;

	while (!g.stopping) {
		struct claimed_job job;
		int r;

		memset(&job, 0, sizeof(job));
		r = g.store->ops->claim(g.store, w, &job, g.cfg.poll);
		if (r < 0) {
			sleep_ms(backoff);
			backoff = backoff < 5000 ? backoff * 2 : 5000;
			continue;
		}
		backoff = 200;
		if (r == 0)
			continue;
		if (g.stopping) {
			/* Claimed as we were told to stop: give it back at once. */
			if (g.store->ops->release(g.store, w, &job))
				pd_log("job %lld: could not be released; its lease will expire",
				       (long long)job.id);
		} else {
			run_job(w, &job);
		}
		pthread_mutex_lock(&g.lock);
		w->pending[0] = 0;
		pthread_mutex_unlock(&g.lock);
		free(job.witness);
	}
	return NULL;
}

int pool_abandon(void)
{
	struct claimed_job jobs[PD_MAX_WORKERS];
	int n = 0, i;

	if (!g.store->ops->abandon)
		return 0;
	pthread_mutex_lock(&g.lock);
	g.stopping = 1;
	g.abandoning = 1;
	for (i = 0; i < g.nworkers; i++) {
		struct claimed_job *cur = g.workers[i].current;

		if (!cur)
			continue;
		/* Its worker discards the proof it is computing. */
		cur->lost = 1;
		jobs[n] = *cur;
		jobs[n].witness = NULL;
		n++;
	}
	pthread_mutex_unlock(&g.lock);
	g.store->ops->wake(g.store);
	for (i = 0; i < n; i++) {
		int ret = g.store->ops->abandon(g.store, jobs[i].id, jobs[i].attempt);

		if (!ret)
			pd_log("job %lld attempt %d: given back to the queue", (long long)jobs[i].id,
			       jobs[i].attempt);
		else if (ret == -ESTALE)
			pd_log("job %lld attempt %d: already finished or taken over", (long long)jobs[i].id,
			       jobs[i].attempt);
		else
			pd_log("job %lld attempt %d: could not be given back; its lease will expire",
			       (long long)jobs[i].id, jobs[i].attempt);
	}
	return n;
}

static void *lease_main(void *arg)
{
	struct claimed_job jobs[PD_MAX_WORKERS];
	double period_ms = g.cfg.lease * 1000.0 / 3;

	(void)arg;
	pthread_mutex_lock(&lease_lock);
	while (!g.stopping) {
		struct timespec ts;
		int n = 0, i, k;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(period_ms / 1000);
		ts.tv_nsec += (long)(period_ms - (long)(period_ms / 1000) * 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&lease_cond, &lease_lock, &ts);
		pthread_mutex_unlock(&lease_lock);
		/* Leases stay renewed while the last jobs finish during shutdown. */
		pthread_mutex_lock(&g.lock);
		for (i = 0; i < g.nworkers; i++)
			if (g.workers[i].current) {
				jobs[n] = *g.workers[i].current;
				jobs[n].witness = NULL;
				n++;
			}
		pthread_mutex_unlock(&g.lock);
		if (n)
			g.store->ops->renew(g.store, jobs, n);
		pthread_mutex_lock(&g.lock);
		for (k = 0; k < n; k++) {
			if (!jobs[k].lost)
				continue;
			for (i = 0; i < g.nworkers; i++) {
				struct claimed_job *cur = g.workers[i].current;

				if (cur && cur->id == jobs[k].id && cur->attempt == jobs[k].attempt) {
					pd_log("job %lld attempt %d: lease lost", (long long)cur->id,
					       cur->attempt);
					cur->lost = 1;
				}
			}
		}
		pthread_mutex_unlock(&g.lock);
		pthread_mutex_lock(&lease_lock);
	}
	pthread_mutex_unlock(&lease_lock);
	return NULL;
}

int pool_start(void)
{
	int i;

	for (i = 0; i < g.nworkers; i++) {
		struct pd_worker *w = &g.workers[i];

		if (g.store->ops->worker_init && g.store->ops->worker_init(g.store, w))
			return -1;
		if (pthread_create(&w->thread, NULL, worker_main, w))
			return -1;
	}
	if (g.store->ops->renew) {
		if (pthread_create(&lease_thread, NULL, lease_main, NULL))
			return -1;
		lease_started = 1;
	}
	return 0;
}

void pool_stop(void)
{
	int i;

	g.stopping = 1;
	g.store->ops->wake(g.store);
	for (i = 0; i < g.nworkers; i++) {
		if (g.workers[i].thread)
			pthread_join(g.workers[i].thread, NULL);
		g.workers[i].thread = 0;
		if (g.store->ops->worker_fini)
			g.store->ops->worker_fini(g.store, &g.workers[i]);
	}
	if (lease_started) {
		pthread_mutex_lock(&lease_lock);
		pthread_cond_broadcast(&lease_cond);
		pthread_mutex_unlock(&lease_lock);
		pthread_join(lease_thread, NULL);
		lease_started = 0;
	}
}
