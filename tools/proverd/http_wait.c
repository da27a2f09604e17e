// SPDX-License-Identifier: MIT
/*
 * Long polling: GET /jobs/:id?wait=S answers when the job is done, failed
 * or cancelled, or after S seconds, instead of making clients poll (each
 * poll a request, each request CPU the proofs could have had).
 *
 * A waiting request's connection is suspended (libmicrohttpd's
 * suspend/resume, so no HTTP thread is held) and parked here. It is
 * resumed, and its handler runs again and looks at the job afresh, when:
 *   - a job's state changes in this process (pool.c stores a result, a
 *     client cancels): pd_job_changed(id) resumes that job's waiters;
 *   - its deadline passes (the waker thread, every WAKE_MS);
 *   - in cluster mode, every RECHECK_MS: another host may have finished
 *     the job, and PostgreSQL tells only the worker that did;
 *   - the daemon stops.
 * A change between the handler's look at the job and its parking is not
 * lost: parking fails when the change counter moved since the look.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include <microhttpd.h>

#include "proverd.h"

#define WAKE_MS		100
#define RECHECK_MS	250

struct waiter {
	struct MHD_Connection *conn;
	int64_t id;
	double deadline_ms;	/* CLOCK_MONOTONIC */
	struct waiter *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stopping, recheck;
	unsigned long changes;	/* bumped by every pd_job_changed() */
	struct waiter *list;
	long parked;
} w = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* Resume and free every waiter @pick selects. Called with w.lock held. */
static void resume_where(int (*pick)(const struct waiter *, const void *), const void *arg)
{
	struct waiter **pp = &w.list, *x;

	while ((x = *pp)) {
		if (!pick(x, arg)) {
			pp = &x->next;
			continue;
		}
		*pp = x->next;
		w.parked--;
		MHD_resume_connection(x->conn);
		free(x);
	}
}

static int pick_id(const struct waiter *x, const void *arg)
{
	return x->id == *(const int64_t *)arg;
}

static int pick_due(const struct waiter *x, const void *arg)
{
	return x->deadline_ms <= *(const double *)arg;
}

static int pick_all(const struct waiter *x, const void *arg)
{
	(void)x;
	(void)arg;
	return 1;
}

static void *waker(void *arg)
{
	double next_recheck = pd_now_ms() + RECHECK_MS, now;
	struct timespec ts;

	(void)arg;
	pthread_mutex_lock(&w.lock);
	while (!w.stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WAKE_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w.cond, &w.lock, &ts);
		now = pd_now_ms();
		if (w.recheck && now >= next_recheck) {
			resume_where(pick_all, NULL);
			next_recheck = now + RECHECK_MS;
		} else {
			resume_where(pick_due, &now);
		}
	}
	resume_where(pick_all, NULL);
	pthread_mutex_unlock(&w.lock);
	return NULL;
}

int http_wait_start(int recheck)
{
	w.recheck = recheck;
	w.stopping = 0;
	if (pthread_create(&w.thread, NULL, waker, NULL))
		return -EAGAIN;
	w.running = 1;
	return 0;
}

void http_wait_stop(void)
{
	if (!w.running)
		return;
	pthread_mutex_lock(&w.lock);
	w.stopping = 1;
	pthread_cond_signal(&w.cond);
	pthread_mutex_unlock(&w.lock);
	pthread_join(w.thread, NULL);
	w.running = 0;
}

unsigned long http_wait_changes(void)
{
	unsigned long n;

	pthread_mutex_lock(&w.lock);
	n = w.changes;
	pthread_mutex_unlock(&w.lock);
	return n;
}

int http_wait_park(struct MHD_Connection *conn, int64_t id, double deadline_ms,
		   unsigned long seen)
{
	struct waiter *x;
	int ret = 0;

	pthread_mutex_lock(&w.lock);
	if (w.changes != seen || w.stopping || !w.running) {
		ret = -EAGAIN;
		goto out;
	}
	x = malloc(sizeof(*x));
	if (!x) {
		ret = -ENOMEM;
		goto out;
	}
	*x = (struct waiter){ .conn = conn, .id = id, .deadline_ms = deadline_ms, .next = w.list };
	/* Under the lock, so that nobody resumes it before it is suspended. */
	MHD_suspend_connection(conn);
	w.list = x;
	w.parked++;
out:
	pthread_mutex_unlock(&w.lock);
	return ret;
}

long http_wait_parked(void)
{
	long n;

	pthread_mutex_lock(&w.lock);
	n = w.parked;
	pthread_mutex_unlock(&w.lock);
	return n;
}

void pd_job_changed(int64_t id)
{
	pthread_mutex_lock(&w.lock);
	w.changes++;
	resume_where(pick_id, &id);
	pthread_mutex_unlock(&w.lock);
}
