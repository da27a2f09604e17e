// SPDX-License-Identifier: MIT
/*
 * Jobs in PostgreSQL (cluster mode): one table, zkasic_jobs. Any node's
 * HTTP API inserts a job and notifies zkasic_jobs; workers LISTEN and also
 * poll. A claim takes the best job this worker may run with
 * SELECT ... FOR UPDATE SKIP LOCKED (tenants with fewer running jobs first,
 * then priority, then the tenant served longest ago, a round robin even on
 * one worker, then age), sets a lease and increments the attempt
 * number, which is the fencing token: renewing, completing and releasing
 * all say WHERE id AND attempts AND state = 'running', so a worker whose
 * lease expired (and whose job someone else took) can never complete it.
 *
 * Connections: one per worker (it LISTENs), one for lease renewal, and a
 * pool for the HTTP threads. A lost connection is opened again on its next
 * use; workers back off while the server is away, jobs in flight go on and
 * their completion is retried.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "proverd.h"

#define POOL_MAX 32

static const char schema_sql[] =
	"SET client_min_messages = warning;"
	"BEGIN;"
	"SELECT pg_advisory_xact_lock(7021980112);"
	"CREATE TABLE IF NOT EXISTS zkasic_jobs ("
	" id bigserial PRIMARY KEY,"
	" circuit text NOT NULL,"
	" tenant text NOT NULL DEFAULT '',"
	" priority integer NOT NULL DEFAULT 0,"
	" state text NOT NULL DEFAULT 'queued'"
	"  CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),"
	" witness bytea,"
	" attempts integer NOT NULL DEFAULT 0,"
	" worker text,"
	" lease_until timestamptz,"
	" created_at timestamptz NOT NULL DEFAULT now(),"
	" started_at timestamptz,"
	" finished_at timestamptz,"
	" proof jsonb,"
	" public jsonb,"
	" proof_file text,"
	" public_file text,"
	" verified boolean,"
	" error text,"
	" prove_ms double precision,"
	" verify_ms double precision,"
	" joules double precision);"
	"CREATE INDEX IF NOT EXISTS zkasic_jobs_open ON zkasic_jobs (state, priority DESC, id)"
	" WHERE state IN ('queued', 'running');"
	"CREATE INDEX IF NOT EXISTS zkasic_jobs_tenant_running ON zkasic_jobs (tenant)"
	" WHERE state = 'running';"
	/* A tenant's last claim, for the round robin among tenants. */
	"CREATE INDEX IF NOT EXISTS zkasic_jobs_tenant_started ON zkasic_jobs (tenant, started_at);"
	/* Idempotency keys (a migration for databases made before them). */
	"ALTER TABLE zkasic_jobs ADD COLUMN IF NOT EXISTS idem_key text;"
	"CREATE UNIQUE INDEX IF NOT EXISTS zkasic_jobs_idem ON zkasic_jobs (tenant, idem_key)"
	" WHERE idem_key IS NOT NULL;"
	"COMMIT;";

struct store_pg {
	struct store base;
	char *conninfo;
	pthread_mutex_t pool_lock;
	PGconn *pool[POOL_MAX];
	int npool;
	PGconn *renew_conn;
	int wake_pipe[2];
	char circuits[PD_MAX_CIRCUITS * (PD_NAME_MAX + 3) + 4];	/* text[] literal */
	char lease[16];
	char max_attempts[16];
	char worker_id[256];
};

#define SP(s) ((struct store_pg *)(s))

struct pg_worker {
	PGconn *conn;
};

static PGconn *pg_connect(struct store_pg *p, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(p->conninfo);

	if (PQstatus(c) != CONNECTION_OK) {
		if (err)
			snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetnonblocking(c, 0);
	return c;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
}

/*
 * Run one statement on *@c, (re)connecting first if needed. Returns the
 * result (PGRES_TUPLES_OK or PGRES_COMMAND_OK) or NULL with @err set.
 * Binary parameters where @lens is given; text results.
 */
static PGresult *pg_run(struct store_pg *p, PGconn **c, const char *sql, int n,
			const char *const *vals, const int *lens, const int *fmts,
			char *err, size_t errlen)
{
	PGresult *r;
	ExecStatusType st;

	if (*c && PQstatus(*c) != CONNECTION_OK) {
		PQfinish(*c);
		*c = NULL;
	}
	if (!*c) {
		*c = pg_connect(p, err, errlen);
		if (!*c)
			return NULL;
	}
	r = PQexecParams(*c, sql, n, NULL, vals, lens, fmts, 0);
	st = PQresultStatus(r);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return r;
	if (err) {
		snprintf(err, errlen, "PostgreSQL: %s", r ? PQresultErrorMessage(r) :
			 PQerrorMessage(*c));
		chomp(err);
	}
	PQclear(r);
	return NULL;
}

static PGconn *pool_get(struct store_pg *p, char *err, size_t errlen)
{
	PGconn *c = NULL;

	pthread_mutex_lock(&p->pool_lock);
	if (p->npool)
		c = p->pool[--p->npool];
	pthread_mutex_unlock(&p->pool_lock);
	if (c && PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		c = NULL;
	}
	if (!c)
		c = pg_connect(p, err, errlen);
	return c;
}

static void pool_put(struct store_pg *p, PGconn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&p->pool_lock);
	if (p->npool < POOL_MAX && PQstatus(c) == CONNECTION_OK) {
		p->pool[p->npool++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&p->pool_lock);
	PQfinish(c);
}

/* A statement on a pooled connection; NULL and @err on failure. */
static PGresult *pg_pooled(struct store_pg *p, const char *sql, int n, const char *const *vals,
			   const int *lens, const int *fmts, char *err, size_t errlen)
{
	PGconn *c = pool_get(p, err, errlen);
	PGresult *r;

	if (!c)
		return NULL;
	r = pg_run(p, &c, sql, n, vals, lens, fmts, err, errlen);
	/*
	 * A pooled connection the server dropped (a restart) fails its first
	 * statement: open a fresh one and run it once more.
	 */
	if (!r && c && PQstatus(c) != CONNECTION_OK)
		r = pg_run(p, &c, sql, n, vals, lens, fmts, err, errlen);
	pool_put(p, c);
	return r;
}

static int pg_submit(struct store *s, const char *circuit, const char *tenant, int priority,
		     const char *key, const void *witness, size_t len, int64_t *id, int *existed,
		     char *err, size_t errlen)
{
	struct store_pg *p = SP(s);
	char prio[16];
	const char *vals[5] = { circuit, tenant, prio, witness, key };
	int lens[5] = { 0, 0, 0, (int)len, 0 }, fmts[5] = { 0, 0, 0, 1, 0 };
	PGresult *r;

	*existed = 0;
	if (len > 1u << 30) {
		snprintf(err, errlen, "witness of %zu bytes is larger than PostgreSQL takes", len);
		return -EFBIG;
	}
	snprintf(prio, sizeof(prio), "%d", priority);
	/*
	 * A key already used by the tenant inserts nothing (ON CONFLICT waits
	 * for a concurrent insert of the same key to commit); the job it names
	 * is then read with a fresh snapshot.
	 */
	r = pg_pooled(p, "WITH ins AS (INSERT INTO zkasic_jobs (circuit, tenant, priority, witness,"
		      " idem_key) VALUES ($1, $2, $3::integer, $4, $5)"
		      " ON CONFLICT (tenant, idem_key) WHERE idem_key IS NOT NULL DO NOTHING"
		      " RETURNING id)"
		      " SELECT id, pg_notify('zkasic_jobs', id::text) FROM ins",
		      5, vals, lens, fmts, err, errlen);
	if (!r)
		return -EIO;
	if (PQntuples(r) != 1 && key) {
		const char *kv[2] = { tenant, key };

		PQclear(r);
		r = pg_pooled(p, "SELECT id FROM zkasic_jobs WHERE tenant = $1 AND idem_key = $2", 2,
			      kv, NULL, NULL, err, errlen);
		if (!r)
			return -EIO;
		*existed = 1;
	}
	if (PQntuples(r) != 1) {
		snprintf(err, errlen, "the job was not inserted");
		PQclear(r);
		return -EIO;
	}
	*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (!*existed)
		metrics_submitted(circuit);
	return 0;
}

static char *val_dup(PGresult *r, int col)
{
	return PQgetisnull(r, 0, col) ? NULL : strdup(PQgetvalue(r, 0, col));
}

static double val_num(PGresult *r, int col)
{
	return PQgetisnull(r, 0, col) ? -1 : strtod(PQgetvalue(r, 0, col), NULL);
}

static int pg_get(struct store *s, int64_t id, struct job_view *v)
{
	struct store_pg *p = SP(s);
	char ids[24], err[512];
	const char *vals[1] = { ids };
	PGresult *r;

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	r = pg_pooled(p, "SELECT id, circuit, tenant, priority, state, worker, attempts, error,"
		      " extract(epoch from (coalesce(started_at, now()) - created_at)) * 1000,"
		      " prove_ms, verify_ms,"
		      " extract(epoch from (finished_at - created_at)) * 1000,"
		      " joules, verified, proof_file, public_file"
		      " FROM zkasic_jobs WHERE id = $1::bigint", 1, vals, NULL, NULL,
		      err, sizeof(err));
	if (!r) {
		pd_log("GET job %lld: %s", (long long)id, err);
		return -EIO;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		return -ENOENT;
	}
	memset(v, 0, sizeof(*v));
	v->id = id;
	snprintf(v->circuit, sizeof(v->circuit), "%s", PQgetvalue(r, 0, 1));
	snprintf(v->tenant, sizeof(v->tenant), "%s", PQgetvalue(r, 0, 2));
	v->priority = atoi(PQgetvalue(r, 0, 3));
	v->state = job_state_parse(PQgetvalue(r, 0, 4));
	v->worker = val_dup(r, 5);
	v->attempts = atoi(PQgetvalue(r, 0, 6));
	v->error = val_dup(r, 7);
	v->queued_ms = val_num(r, 8);
	v->prove_ms = val_num(r, 9);
	v->verify_ms = val_num(r, 10);
	v->total_ms = val_num(r, 11);
	v->joules = val_num(r, 12);
	v->verified = !PQgetisnull(r, 0, 13) && PQgetvalue(r, 0, 13)[0] == 't';
	v->proof_file = val_dup(r, 14);
	v->public_file = val_dup(r, 15);
	PQclear(r);
	return 0;
}

static int pg_list(struct store *s, int state, int limit, json_t **out)
{
	struct store_pg *p = SP(s);
	char lim[16], err[512];
	const char *vals[2] = { state >= 0 ? job_state_name(state) : NULL, lim };
	PGresult *r;
	json_t *arr;
	int i;

	snprintf(lim, sizeof(lim), "%d", limit);
	r = pg_pooled(p, "SELECT id, state, circuit, tenant, priority FROM zkasic_jobs"
		      " WHERE $1::text IS NULL OR state = $1 ORDER BY id DESC LIMIT $2::integer",
		      2, vals, NULL, NULL, err, sizeof(err));
	if (!r) {
		pd_log("list jobs: %s", err);
		return -EIO;
	}
	arr = json_array();
	for (i = 0; i < PQntuples(r); i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:i}",
			"id", PQgetvalue(r, i, 0), "state", PQgetvalue(r, i, 1),
			"circuit", PQgetvalue(r, i, 2), "tenant", PQgetvalue(r, i, 3),
			"priority", atoi(PQgetvalue(r, i, 4))));
	PQclear(r);
	*out = arr;
	return 0;
}

static int pg_cancel(struct store *s, int64_t id, int *state)
{
	struct store_pg *p = SP(s);
	char ids[24], err[512];
	const char *vals[1] = { ids };
	PGresult *r;
	int ret;

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	/* A running proof finishes on its worker; completion is fenced out. */
	r = pg_pooled(p, "WITH c AS (UPDATE zkasic_jobs SET state = 'cancelled',"
		      " finished_at = now(), witness = NULL, lease_until = NULL"
		      " WHERE id = $1::bigint AND state IN ('queued', 'running') RETURNING id)"
		      " SELECT (SELECT count(*) FROM c), state FROM zkasic_jobs WHERE id = $1::bigint",
		      1, vals, NULL, NULL, err, sizeof(err));
	if (!r) {
		pd_log("cancel job %lld: %s", (long long)id, err);
		return -EIO;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		return -ENOENT;
	}
	/* The row as it was before the statement: cancelled now if c has it. */
	ret = atoi(PQgetvalue(r, 0, 0)) ? 0 : -EALREADY;
	*state = ret ? job_state_parse(PQgetvalue(r, 0, 1)) : JOB_CANCELLED;
	PQclear(r);
	return ret;
}

static int listen_on(struct store_pg *p, struct pg_worker *pw)
{
	PGresult *r = pg_run(p, &pw->conn, "LISTEN zkasic_jobs", 0, NULL, NULL, NULL, NULL, 0);

	PQclear(r);
	return r ? 0 : -EIO;
}

static int pg_worker_init(struct store *s, struct pd_worker *w)
{
	struct pg_worker *pw = calloc(1, sizeof(*pw));

	if (!pw)
		return -ENOMEM;
	w->store_priv = pw;
	listen_on(SP(s), pw);	/* retried by claim if the server is away */
	return 0;
}

static void pg_worker_fini(struct store *s, struct pd_worker *w)
{
	struct pg_worker *pw = w->store_priv;

	(void)s;
	if (!pw)
		return;
	PQfinish(pw->conn);
	free(pw);
	w->store_priv = NULL;
}

/* Jobs whose lease expired on their last attempt fail. */
static void sweep_expired(struct store_pg *p, struct pg_worker *pw)
{
	const char *vals[1] = { p->max_attempts };
	PGresult *r;

	r = pg_run(p, &pw->conn, "UPDATE zkasic_jobs SET state = 'failed', finished_at = now(),"
		   " witness = NULL, lease_until = NULL,"
		   " error = 'lease expired on attempt ' || attempts || ' (worker ' ||"
		   " coalesce(worker, '?') || ' lost), no attempts left'"
		   " WHERE state = 'running' AND lease_until < now() AND attempts >= $1::integer",
		   1, vals, NULL, NULL, NULL, 0);
	if (r && atoi(PQcmdTuples(r)))
		pd_log("%s job(s) failed: lease expired on their last attempt", PQcmdTuples(r));
	PQclear(r);
}

/* Wait for a notification, the wake pipe or the timeout. */
static void wait_notify(struct store_pg *p, struct pg_worker *pw, double wait_s)
{
	struct pollfd fds[2] = {
		{ .fd = PQsocket(pw->conn), .events = POLLIN },
		{ .fd = p->wake_pipe[0], .events = POLLIN },
	};
	PGnotify *n;

	if (fds[0].fd < 0)
		return;
	/* Something may have arrived with the last result already. */
	PQconsumeInput(pw->conn);
	if ((n = PQnotifies(pw->conn))) {
		do
			PQfreemem(n);
		while ((n = PQnotifies(pw->conn)));
		return;
	}
	if (poll(fds, 2, (int)(wait_s * 1000)) > 0 && fds[0].revents) {
		PQconsumeInput(pw->conn);
		while ((n = PQnotifies(pw->conn)))
			PQfreemem(n);
	}
}

static void append_array(char *out, size_t len, char names[][PD_NAME_MAX], int n)
{
	size_t pos;
	int i;

	pos = (size_t)snprintf(out, len, "{");
	for (i = 0; i < n && pos < len; i++)
		pos += (size_t)snprintf(out + pos, len - pos, "%s\"%s\"", i ? "," : "", names[i]);
	if (pos < len)
		snprintf(out + pos, len - pos, "}");
}

static pthread_mutex_t claim_lock = PTHREAD_MUTEX_INITIALIZER;

static int pg_claim(struct store *s, struct pd_worker *w, struct claimed_job *job,
		    double wait_s)
{
	struct store_pg *p = SP(s);
	struct pg_worker *pw = w->store_priv;
	char excl_names[PD_MAX_TENANTS][PD_NAME_MAX];
	char excluded[PD_MAX_TENANTS * (PD_NAME_MAX + 3) + 4], ids[24], err[512];
	const char *vals[5] = { p->worker_id, p->lease, p->max_attempts, p->circuits, excluded };
	const char *wvals[1] = { ids };
	int wfmt[1] = { 0 };
	PGresult *r;
	int n;

	if (!pw->conn || PQstatus(pw->conn) != CONNECTION_OK) {
		if (listen_on(p, pw)) {
			static double last;

			if (pd_now_ms() - last > 5000) {
				pd_log("worker %d: PostgreSQL unreachable (%s), retrying",
				       w->index, pw->conn ? PQerrorMessage(pw->conn) : "no connection");
				last = pd_now_ms();
			}
			return -EIO;
		}
		pd_log("worker %d: connected to PostgreSQL", w->index);
	}
	/* This process's tenant caps: its workers check and claim one at a time. */
	pthread_mutex_lock(&claim_lock);
	n = tenants_excluded(w, excl_names, PD_MAX_TENANTS);
	append_array(excluded, sizeof(excluded), excl_names, n);
	r = pg_run(p, &pw->conn,
		   "UPDATE zkasic_jobs SET state = 'running', attempts = attempts + 1, worker = $1,"
		   " lease_until = now() + make_interval(secs => $2::integer), started_at = now()"
		   " WHERE id = (SELECT j.id FROM zkasic_jobs j"
		   "  WHERE (j.state = 'queued' OR (j.state = 'running' AND j.lease_until < now()"
		   "   AND j.attempts < $3::integer))"
		   "  AND j.circuit = ANY($4::text[]) AND NOT (j.tenant = ANY($5::text[]))"
		   "  ORDER BY (SELECT count(*) FROM zkasic_jobs r WHERE r.state = 'running'"
		   "   AND r.tenant = j.tenant AND r.lease_until >= now()), j.priority DESC,"
		   "  (SELECT max(s.started_at) FROM zkasic_jobs s WHERE s.tenant = j.tenant)"
		   "   NULLS FIRST, j.id"
		   "  FOR UPDATE SKIP LOCKED LIMIT 1)"
		   " RETURNING id, attempts, circuit, tenant, priority,"
		   " extract(epoch from (now() - created_at)) * 1000",
		   5, vals, NULL, NULL, err, sizeof(err));
	if (r && PQntuples(r) == 1)
		worker_claimed(w, PQgetvalue(r, 0, 3));
	pthread_mutex_unlock(&claim_lock);
	if (!r) {
		pd_log("worker %d: claim: %s", w->index, err);
		return -EIO;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		sweep_expired(p, pw);
		wait_notify(p, pw, wait_s);
		return 0;
	}
	job->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	job->attempt = atoi(PQgetvalue(r, 0, 1));
	snprintf(job->circuit, sizeof(job->circuit), "%s", PQgetvalue(r, 0, 2));
	snprintf(job->tenant, sizeof(job->tenant), "%s", PQgetvalue(r, 0, 3));
	job->priority = atoi(PQgetvalue(r, 0, 4));
	job->queued_ms = strtod(PQgetvalue(r, 0, 5), NULL);
	PQclear(r);
	/* The witness, in binary. */
	snprintf(ids, sizeof(ids), "%lld", (long long)job->id);
	r = PQexecParams(pw->conn, "SELECT witness FROM zkasic_jobs WHERE id = $1::bigint", 1,
			 NULL, wvals, NULL, wfmt, 1);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		job->witness_len = (size_t)PQgetlength(r, 0, 0);
		job->witness = malloc(job->witness_len ? job->witness_len : 1);
		if (job->witness)
			memcpy(job->witness, PQgetvalue(r, 0, 0), job->witness_len);
	}
	PQclear(r);
	/* No witness (lost connection, or cancelled meanwhile): an empty one fails cleanly. */
	return 1;
}

static void pg_renew(struct store *s, struct claimed_job *jobs, int n)
{
	struct store_pg *p = SP(s);
	char ids[24], att[16], err[512];
	const char *vals[3] = { ids, att, p->lease };
	int i;

	for (i = 0; i < n; i++) {
		PGresult *r;

		snprintf(ids, sizeof(ids), "%lld", (long long)jobs[i].id);
		snprintf(att, sizeof(att), "%d", jobs[i].attempt);
		r = pg_run(p, &p->renew_conn,
			   "UPDATE zkasic_jobs SET lease_until = now() + make_interval(secs => $3::integer)"
			   " WHERE id = $1::bigint AND attempts = $2::integer AND state = 'running'",
			   3, vals, NULL, NULL, err, sizeof(err));
		if (!r) {
			/* Unreachable: not lost; the completion decides. */
			pd_debug("renew job %lld: %s", (long long)jobs[i].id, err);
			continue;
		}
		if (!atoi(PQcmdTuples(r)))
			jobs[i].lost = 1;
		PQclear(r);
	}
}

static int pg_finish(struct store *s, struct pd_worker *w, struct claimed_job *job,
		     const struct job_result *res)
{
	struct store_pg *p = SP(s);
	struct pg_worker *pw = w->store_priv;
	char ids[24], att[16], pms[32], vms[32], jl[32], err[512];
	PGresult *r;
	int stored;

	snprintf(ids, sizeof(ids), "%lld", (long long)job->id);
	snprintf(att, sizeof(att), "%d", job->attempt);
	snprintf(pms, sizeof(pms), "%.3f", res->prove_ms);
	snprintf(vms, sizeof(vms), "%.3f", res->verify_ms);
	snprintf(jl, sizeof(jl), "%.6f", res->joules);
	if (res->ok) {
		const char *vals[8] = { ids, att, res->proof_file, res->public_file, pms, vms,
					res->joules >= 0 ? jl : NULL,
					res->verified ? "true" : "false" };

		r = pg_run(p, &pw->conn,
			   "UPDATE zkasic_jobs SET state = 'done', proof = $3::text::jsonb,"
			   " public = $4::text::jsonb, proof_file = $3::text, public_file = $4::text,"
			   " prove_ms = $5::double precision, verify_ms = $6::double precision,"
			   " joules = $7::double precision, verified = $8::boolean, error = NULL,"
			   " finished_at = now(), witness = NULL, lease_until = NULL"
			   " WHERE id = $1::bigint AND attempts = $2::integer AND state = 'running'",
			   8, vals, NULL, NULL, err, sizeof(err));
	} else {
		const char *vals[7] = { ids, att, res->retry ? "true" : "false", p->max_attempts,
					res->error, pms, vms };

		r = pg_run(p, &pw->conn,
			   "WITH u AS (UPDATE zkasic_jobs SET"
			   " state = CASE WHEN $3::boolean AND attempts < $4::integer"
			   "  THEN 'queued' ELSE 'failed' END,"
			   " error = $5, prove_ms = $6::double precision, verify_ms = $7::double precision,"
			   " lease_until = NULL,"
			   " finished_at = CASE WHEN $3::boolean AND attempts < $4::integer"
			   "  THEN NULL ELSE now() END,"
			   " witness = CASE WHEN $3::boolean AND attempts < $4::integer"
			   "  THEN witness ELSE NULL END"
			   " WHERE id = $1::bigint AND attempts = $2::integer AND state = 'running'"
			   " RETURNING id, state)"
			   " SELECT state, CASE WHEN state = 'queued'"
			   "  THEN pg_notify('zkasic_jobs', id::text) END FROM u",
			   7, vals, NULL, NULL, err, sizeof(err));
	}
	if (!r) {
		pd_log("job %lld: storing the result: %s", (long long)job->id, err);
		return -EIO;
	}
	stored = res->ok ? atoi(PQcmdTuples(r)) : PQntuples(r);
	PQclear(r);
	return stored ? 0 : -ESTALE;
}

static int pg_release(struct store *s, struct pd_worker *w, struct claimed_job *job)
{
	struct store_pg *p = SP(s);
	struct pg_worker *pw = w->store_priv;
	char ids[24], att[16];
	const char *vals[2] = { ids, att };
	PGresult *r;

	snprintf(ids, sizeof(ids), "%lld", (long long)job->id);
	snprintf(att, sizeof(att), "%d", job->attempt);
	r = pg_run(p, &pw->conn,
		   "WITH u AS (UPDATE zkasic_jobs SET state = 'queued', attempts = attempts - 1,"
		   " worker = NULL, lease_until = NULL"
		   " WHERE id = $1::bigint AND attempts = $2::integer AND state = 'running'"
		   " RETURNING id) SELECT pg_notify('zkasic_jobs', id::text) FROM u",
		   2, vals, NULL, NULL, NULL, 0);
	if (!r)
		return -EIO;
	PQclear(r);
	return 0;
}

static int pg_abandon(struct store *s, int64_t id, int attempt)
{
	struct store_pg *p = SP(s);
	char ids[24], att[16], err[512];
	const char *vals[3] = { ids, att, p->worker_id };
	PGresult *r;
	int n;

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	snprintf(att, sizeof(att), "%d", attempt);
	/*
	 * The attempt stays counted (the next claim is attempt + 1), so a
	 * result of this one can never pass the fence of the next.
	 */
	r = pg_pooled(p, "WITH u AS (UPDATE zkasic_jobs SET state = 'queued', worker = NULL,"
		      " lease_until = NULL, error = 'attempt ' || attempts || ' given back by '"
		      " || $3 || ' (shutdown)'"
		      " WHERE id = $1::bigint AND attempts = $2::integer AND state = 'running'"
		      " RETURNING id) SELECT pg_notify('zkasic_jobs', id::text) FROM u",
		      3, vals, NULL, NULL, err, sizeof(err));
	if (!r) {
		pd_log("job %lld: giving it back: %s", (long long)id, err);
		return -EIO;
	}
	n = PQntuples(r);
	PQclear(r);
	return n ? 0 : -ESTALE;
}

static int pg_counts(struct store *s, long counts[JOB_NSTATES])
{
	struct store_pg *p = SP(s);
	char err[512];
	PGresult *r;
	int i;

	for (i = 0; i < JOB_NSTATES; i++)
		counts[i] = 0;
	r = pg_pooled(p, "SELECT state, count(*) FROM zkasic_jobs GROUP BY state", 0, NULL, NULL,
		      NULL, err, sizeof(err));
	if (!r) {
		for (i = 0; i < JOB_NSTATES; i++)
			counts[i] = -1;
		return -EIO;
	}
	for (i = 0; i < PQntuples(r); i++) {
		int st = job_state_parse(PQgetvalue(r, i, 0));

		if (st >= 0)
			counts[st] = atol(PQgetvalue(r, i, 1));
	}
	PQclear(r);
	return 0;
}

static void pg_wake(struct store *s)
{
	struct store_pg *p = SP(s);
	ssize_t n = write(p->wake_pipe[1], "x", 1);

	(void)n;
}

static void pg_destroy(struct store *s)
{
	struct store_pg *p = SP(s);
	int i;

	for (i = 0; i < p->npool; i++)
		PQfinish(p->pool[i]);
	PQfinish(p->renew_conn);
	close(p->wake_pipe[0]);
	close(p->wake_pipe[1]);
	free(p->conninfo);
	pthread_mutex_destroy(&p->pool_lock);
	free(p);
}

static const struct store_ops pg_ops = {
	.submit = pg_submit,
	.get = pg_get,
	.list = pg_list,
	.cancel = pg_cancel,
	.worker_init = pg_worker_init,
	.worker_fini = pg_worker_fini,
	.claim = pg_claim,
	.renew = pg_renew,
	.finish = pg_finish,
	.release = pg_release,
	.abandon = pg_abandon,
	.counts = pg_counts,
	.wake = pg_wake,
	.destroy = pg_destroy,
};

static int run_schema(PGconn *c, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, schema_sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	if (!ok) {
		snprintf(err, errlen, "PostgreSQL: creating the schema: %s", PQerrorMessage(c));
		chomp(err);
	}
	PQclear(r);
	return ok ? 0 : -EIO;
}

int store_pg_init_db(const char *conninfo, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(conninfo);
	int ret;

	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(c));
		chomp(err);
		PQfinish(c);
		return -EIO;
	}
	ret = run_schema(c, err, errlen);
	PQfinish(c);
	return ret;
}

struct store *store_pg_new(const struct pd_config *cfg, char *err, size_t errlen)
{
	struct store_pg *p = calloc(1, sizeof(*p));
	char names[PD_MAX_CIRCUITS][PD_NAME_MAX];
	PGconn *c;
	int i;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->base.ops = &pg_ops;
	p->conninfo = strdup(cfg->db);
	pthread_mutex_init(&p->pool_lock, NULL);
	if (pipe2(p->wake_pipe, O_CLOEXEC | O_NONBLOCK)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(p);
		return NULL;
	}
	snprintf(p->lease, sizeof(p->lease), "%u", cfg->lease);
	snprintf(p->max_attempts, sizeof(p->max_attempts), "%d", cfg->max_attempts);
	snprintf(p->worker_id, sizeof(p->worker_id), "%s", cfg->worker_id);
	for (i = 0; i < g.ncircuits; i++)
		snprintf(names[i], PD_NAME_MAX, "%s", g.circuits[i].name);
	append_array(p->circuits, sizeof(p->circuits), names, g.ncircuits);
	/* The server must be there at start: the schema is created now. */
	c = pg_connect(p, err, errlen);
	if (!c || run_schema(c, err, errlen)) {
		if (c)
			PQfinish(c);
		pg_destroy(&p->base);
		return NULL;
	}
	pool_put(p, c);
	return &p->base;
}
