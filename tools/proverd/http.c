// SPDX-License-Identifier: MIT
/*
 * The HTTP API on libmicrohttpd: a thread pool over epoll with a
 * connection limit (connections past it are refused by the kernel's
 * backlog or closed at once, never crash the daemon), request bodies
 * bounded by --max-body (a Content-Length above it gets 413 before any of
 * the body is read; a chunked body that grows past it is dropped and gets
 * 413). Every answer is JSON; every error is {"error": "..."} with a 4xx or
 * 5xx status. Witnesses are checked (header, sizes, curve, circuit) before
 * a job is queued.
 *
 * rapidsnark proverServer:  POST /input/:circuit, GET /status, POST /cancel
 * jobs:    POST /jobs?circuit=NAME[&priority=P][&tenant=T][&key=K] (or an Idempotency-Key),
 *          GET /jobs?state=&limit=,
 *          GET /jobs/:id[?wait=S] (long poll, see http_wait.c),
 *          GET /jobs/:id/proof.json, GET /jobs/:id/public.json,
 *          POST /jobs/:id/cancel
 * service: GET /healthz, GET /metrics, GET /circuits
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "proverd.h"

static struct MHD_Daemon *daemon_;

struct req {
	uint8_t *body;
	size_t len, cap;
	int too_large;
	int answered;		/* a response was queued on the first call */
	/* GET /jobs/:id?wait=S: the job and the deadline, while parked. */
	int parked;
	int64_t wait_id;
	double wait_deadline_ms;
};

void job_view_free(struct job_view *v)
{
	free(v->worker);
	free(v->error);
	free(v->proof_file);
	free(v->public_file);
	v->worker = v->error = v->proof_file = v->public_file = NULL;
}

static json_t *num_or_null(double v)
{
	return v >= 0 ? json_real((double)(long long)(v * 1000 + 0.5) / 1000) : json_null();
}

json_t *job_view_json(const struct job_view *v)
{
	json_t *o = json_object(), *t = json_object();

	json_object_set_new(o, "id", json_sprintf("%lld", (long long)v->id));
	json_object_set_new(o, "circuit", json_string(v->circuit));
	json_object_set_new(o, "tenant", json_string(v->tenant));
	json_object_set_new(o, "priority", json_integer(v->priority));
	json_object_set_new(o, "state", json_string(job_state_name(v->state)));
	json_object_set_new(o, "worker", v->worker ? json_string(v->worker) : json_null());
	json_object_set_new(o, "attempts", json_integer(v->attempts));
	json_object_set_new(o, "error", v->error ? json_string(v->error) : json_null());
	json_object_set_new(t, "queued_ms", num_or_null(v->queued_ms));
	json_object_set_new(t, "prove_ms", num_or_null(v->prove_ms));
	json_object_set_new(t, "verify_ms", num_or_null(v->verify_ms));
	json_object_set_new(t, "total_ms", num_or_null(v->total_ms));
	json_object_set_new(o, "timings", t);
	json_object_set_new(o, "joules", num_or_null(v->joules));
	if (v->state == JOB_DONE) {
		json_t *proof = v->proof_file ? json_loads(v->proof_file, 0, NULL) : NULL;
		json_t *pub = v->public_file ? json_loads(v->public_file, 0, NULL) : NULL;

		json_object_set_new(o, "verified", json_boolean(v->verified));
		json_object_set_new(o, "proof", proof ? proof : json_null());
		json_object_set_new(o, "public", pub ? pub : json_null());
	}
	return o;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned int status, char *text,
				 size_t len, const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned int status, json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
	size_t len;

	json_decref(j);
	if (!text)
		return MHD_NO;
	len = strlen(text);
	text[len] = 0;
	{
		/* A newline ends the body, for curl users. */
		char *t = realloc(text, len + 2);

		if (t) {
			text = t;
			text[len++] = '\n';
			text[len] = 0;
		}
	}
	return send_text(c, status, text, len, "application/json");
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned int status,
				  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned int status,
				  const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return send_json(c, status, json_pack("{s:s}", "error", msg));
}

/* Route table: what a path names, independent of the method. */
enum route {
	R_NONE, R_INPUT, R_STATUS, R_CANCEL_LAST, R_JOBS, R_JOB, R_JOB_PROOF, R_JOB_PUBLIC,
	R_JOB_CANCEL, R_HEALTHZ, R_METRICS, R_CIRCUITS,
};

struct route_match {
	enum route route;
	const char *method;	/* the one it takes (GET or POST) */
	char arg[PD_NAME_MAX + 32];	/* circuit name or job id */
	int arg_bad;		/* an argument too long to be anything */
};

static void match(const char *url, struct route_match *m)
{
	const char *p;
	size_t n;

	memset(m, 0, sizeof(*m));
	m->method = "GET";
	if (!strcmp(url, "/status")) {
		m->route = R_STATUS;
	} else if (!strcmp(url, "/cancel")) {
		m->route = R_CANCEL_LAST;
		m->method = "POST";
	} else if (!strcmp(url, "/healthz")) {
		m->route = R_HEALTHZ;
	} else if (!strcmp(url, "/metrics")) {
		m->route = R_METRICS;
	} else if (!strcmp(url, "/circuits")) {
		m->route = R_CIRCUITS;
	} else if (!strcmp(url, "/jobs") || !strcmp(url, "/jobs/")) {
		m->route = R_JOBS;
		m->method = NULL;	/* GET lists, POST submits */
	} else if (!strncmp(url, "/input/", 7) && url[7] && !strchr(url + 7, '/')) {
		m->route = R_INPUT;
		m->method = "POST";
		if (strlen(url + 7) >= sizeof(m->arg))
			m->arg_bad = 1;
		else
			snprintf(m->arg, sizeof(m->arg), "%s", url + 7);
	} else if (!strncmp(url, "/jobs/", 6) && url[6]) {
		p = url + 6;
		n = strcspn(p, "/");
		if (n >= sizeof(m->arg)) {
			m->arg_bad = 1;
			n = 0;
		}
		snprintf(m->arg, sizeof(m->arg), "%.*s", (int)n, p);
		p += strcspn(p, "/");
		if (!*p) {
			m->route = R_JOB;
		} else if (!strcmp(p, "/proof.json")) {
			m->route = R_JOB_PROOF;
		} else if (!strcmp(p, "/public.json")) {
			m->route = R_JOB_PUBLIC;
		} else if (!strcmp(p, "/cancel")) {
			m->route = R_JOB_CANCEL;
			m->method = "POST";
		}
	}
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 1)
		return -1;
	*id = v;
	return 0;
}

/* The body as a witness: a .wtns, or JSON inputs through --witness-cmd. */
static enum MHD_Result submit(struct MHD_Connection *c, struct req *rq, const char *circuit,
			      int priority, const char *tenant, const char *key, int rapidsnark)
{
	const struct pd_circuit *cir = circuit_find(circuit);
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	uint8_t *wtns = rq->body, *made = NULL;
	size_t wlen = rq->len;
	struct zk_wtns *w = NULL;
	char err[1024];
	int64_t id;
	int json_in, ret, existed = 0;

	if (!cir)
		return send_error(c, MHD_HTTP_NOT_FOUND, "unknown circuit '%s' (GET /circuits lists them)",
				  circuit);
	if (!rq->len)
		return send_error(c, MHD_HTTP_BAD_REQUEST,
				  "empty body: send a .wtns (application/octet-stream) or JSON inputs (application/json)");
	json_in = type ? !strncasecmp(type, "application/json", 16) :
		  (rq->len >= 4 && memcmp(rq->body, "wtns", 4) && rq->body[0] == '{');
	if (type && !json_in && strncasecmp(type, "application/octet-stream", 24))
		return send_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				  "Content-Type %s: send application/octet-stream (a .wtns) or application/json (circuit inputs)",
				  type);
	if (json_in) {
		json_error_t jerr;
		json_t *in;

		if (!g.cfg.witness_cmd)
			return send_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
					  "JSON circuit inputs need a witness calculator: start zkasic-proverd with --witness-cmd, or send a .wtns as application/octet-stream");
		in = json_loadb((const char *)rq->body, rq->len, JSON_REJECT_DUPLICATES, &jerr);
		if (!in || !json_is_object(in)) {
			json_decref(in);
			return send_error(c, MHD_HTTP_BAD_REQUEST,
					  "circuit inputs are not a JSON object: %s (line %d)",
					  in ? "not an object" : jerr.text, jerr.line);
		}
		json_decref(in);
		if (!cir->wasm_path[0])
			return send_error(c, MHD_HTTP_BAD_REQUEST,
					  "circuit %s has no witness program (NAME.wasm or NAME_js/NAME.wasm beside its zkey): send a .wtns",
					  cir->name);
		if (witness_from_json(cir, (const char *)rq->body, rq->len, &made, &wlen, err,
				      sizeof(err)))
			return send_error(c, MHD_HTTP_BAD_REQUEST, "witness calculation failed: %s",
					  err);
		wtns = made;
	}
	if (zk_wtns_open_mem(&w, wtns, wlen) || zk_wtns_check(cir->zkey, w)) {
		snprintf(err, sizeof(err), "%s", zk_last_error());
		zk_wtns_close(w);
		free(made);
		return send_error(c, MHD_HTTP_BAD_REQUEST, "bad witness for circuit %s: %s",
				  cir->name, err);
	}
	zk_wtns_close(w);
	ret = g.store->ops->submit(g.store, cir->name, tenant, priority, key, wtns, wlen, &id,
				   &existed, err, sizeof(err));
	free(made);
	if (ret)
		return send_error(c, ret == -EIO ? MHD_HTTP_SERVICE_UNAVAILABLE :
				  MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot queue the job: %s", err);
	if (existed) {
		struct job_view v;
		json_t *o;

		/* A retry: the job this key made, in whatever state it is now. */
		memset(&v, 0, sizeof(v));
		if (g.store->ops->get(g.store, id, &v))
			return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
					  "job %lld of this Idempotency-Key cannot be read", (long long)id);
		o = json_pack("{s:o, s:s, s:b}", "id", json_sprintf("%lld", (long long)id),
			      "state", job_state_name(v.state), "existing", 1);
		job_view_free(&v);
		pd_debug("job %lld: submitted again with its Idempotency-Key", (long long)id);
		return send_json(c, MHD_HTTP_OK, o);
	}
	if (rapidsnark) {
		pthread_mutex_lock(&g.lock);
		g.last_input_id = id;
		pthread_mutex_unlock(&g.lock);
	}
	pd_debug("job %lld queued (%s, tenant '%s', priority %d)", (long long)id, cir->name,
		 tenant, priority);
	return send_json(c, rapidsnark ? MHD_HTTP_OK : MHD_HTTP_ACCEPTED,
			 json_pack("{s:o, s:s}", "id", json_sprintf("%lld", (long long)id),
				   "state", "queued"));
}

static const char *rapidsnark_status(int state)
{
	switch (state) {
	case JOB_QUEUED:
	case JOB_RUNNING: return "busy";
	case JOB_DONE: return "success";
	case JOB_FAILED: return "failed";
	default: return "aborted";
	}
}

static enum MHD_Result status_last(struct MHD_Connection *c)
{
	struct job_view v;
	int64_t id;
	json_t *o;
	int ret;

	pthread_mutex_lock(&g.lock);
	id = g.last_input_id;
	pthread_mutex_unlock(&g.lock);
	if (!id)
		return send_json(c, MHD_HTTP_OK, json_pack("{s:s}", "status", "ready"));
	ret = g.store->ops->get(g.store, id, &v);
	if (ret == -ENOENT)
		return send_json(c, MHD_HTTP_OK, json_pack("{s:s}", "status", "ready"));
	if (ret)
		return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "job store unreachable");
	o = json_pack("{s:s, s:o}", "status", rapidsnark_status(v.state), "id",
		      json_sprintf("%lld", (long long)id));
	if (v.state == JOB_DONE) {
		json_t *proof = json_loads(v.proof_file ? v.proof_file : "", 0, NULL);
		json_t *pub = json_loads(v.public_file ? v.public_file : "", 0, NULL);

		json_object_set_new(o, "proof", proof ? proof : json_null());
		json_object_set_new(o, "pubData", pub ? pub : json_null());
	} else if (v.error) {
		json_object_set_new(o, "error", json_string(v.error));
	}
	job_view_free(&v);
	return send_json(c, MHD_HTTP_OK, o);
}

static enum MHD_Result cancel_job(struct MHD_Connection *c, int64_t id)
{
	int state = 0, ret = g.store->ops->cancel(g.store, id, &state);

	if (ret == -ENOENT)
		return send_error(c, MHD_HTTP_NOT_FOUND, "no job %lld", (long long)id);
	if (ret == -EALREADY)
		return send_error(c, MHD_HTTP_CONFLICT, "job %lld is already %s", (long long)id,
				  job_state_name(state));
	if (ret)
		return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "job store unreachable");
	pd_job_changed(id);
	return send_json(c, MHD_HTTP_OK, json_pack("{s:o, s:s}", "id",
			 json_sprintf("%lld", (long long)id), "state", "cancelled"));
}

static int job_finished(int state)
{
	return state == JOB_DONE || state == JOB_FAILED || state == JOB_CANCELLED;
}

/*
 * GET /jobs/:id?wait=S: the job's view once it is finished or the deadline
 * has passed; until then the connection is parked (http_wait.c) and this
 * runs again when it is resumed.
 */
static enum MHD_Result job_wait(struct MHD_Connection *c, struct req *rq)
{
	struct job_view v;
	enum MHD_Result r;
	unsigned long seen;
	int ret, tries;

	for (tries = 0;; tries++) {
		seen = http_wait_changes();
		ret = g.store->ops->get(g.store, rq->wait_id, &v);
		if (ret == -ENOENT)
			return send_error(c, MHD_HTTP_NOT_FOUND, "no job %lld",
					  (long long)rq->wait_id);
		if (ret)
			return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "job store unreachable");
		/* Under a storm of changes elsewhere, answer rather than spin. */
		if (job_finished(v.state) || pd_now_ms() >= rq->wait_deadline_ms || tries == 8)
			break;
		job_view_free(&v);
		ret = http_wait_park(c, rq->wait_id, rq->wait_deadline_ms, seen);
		if (!ret) {
			rq->parked = 1;
			return MHD_YES;
		}
		if (ret != -EAGAIN)
			tries = 8;	/* stopping or out of memory: answer now */
	}
	r = send_json(c, MHD_HTTP_OK, job_view_json(&v));
	job_view_free(&v);
	return r;
}

static enum MHD_Result get_job(struct MHD_Connection *c, const struct route_match *m,
				struct req *rq)
{
	struct job_view v;
	int64_t id;
	char *text;
	int ret;

	if (m->arg_bad || parse_id(m->arg, &id))
		return send_error(c, MHD_HTTP_NOT_FOUND, "no job '%.40s': ids are positive integers",
				  m->arg);
	if (m->route == R_JOB_CANCEL)
		return cancel_job(c, id);
	if (m->route == R_JOB) {
		const char *ws = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "wait");

		if (ws) {
			char *end;
			double sec = strtod(ws, &end);

			if (end == ws || *end || !(sec >= 0 && sec <= PD_WAIT_MAX_S))
				return send_error(c, MHD_HTTP_BAD_REQUEST,
						  "wait=%.40s: seconds from 0 to %d", ws,
						  PD_WAIT_MAX_S);
			rq->wait_id = id;
			rq->wait_deadline_ms = pd_now_ms() + sec * 1000;
			return job_wait(c, rq);
		}
	}
	ret = g.store->ops->get(g.store, id, &v);
	if (ret == -ENOENT)
		return send_error(c, MHD_HTTP_NOT_FOUND, "no job %lld", (long long)id);
	if (ret)
		return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "job store unreachable");
	if (m->route == R_JOB) {
		enum MHD_Result r = send_json(c, MHD_HTTP_OK, job_view_json(&v));

		job_view_free(&v);
		return r;
	}
	if (v.state != JOB_DONE || !v.proof_file || !v.public_file) {
		int st = v.state;

		job_view_free(&v);
		return send_error(c, MHD_HTTP_CONFLICT, "job %lld is %s, not done", (long long)id,
				  job_state_name(st));
	}
	text = m->route == R_JOB_PROOF ? v.proof_file : v.public_file;
	if (m->route == R_JOB_PROOF)
		v.proof_file = NULL;
	else
		v.public_file = NULL;
	job_view_free(&v);
	return send_text(c, MHD_HTTP_OK, text, strlen(text), "application/json");
}

static enum MHD_Result list_jobs(struct MHD_Connection *c)
{
	const char *st = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "state");
	const char *lim = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	int state = -1, limit = 100;
	json_t *arr;
	char *end;

	if (st && *st && (state = job_state_parse(st)) < 0)
		return send_error(c, MHD_HTTP_BAD_REQUEST,
				  "state=%.40s: use queued, running, done, failed or cancelled", st);
	if (lim) {
		long v = strtol(lim, &end, 10);

		if (end == lim || *end || v < 1 || v > 100000)
			return send_error(c, MHD_HTTP_BAD_REQUEST, "limit=%.40s: 1 to 100000", lim);
		limit = (int)v;
	}
	if (g.store->ops->list(g.store, state, limit, &arr))
		return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "job store unreachable");
	return send_json(c, MHD_HTTP_OK, json_pack("{s:o}", "jobs", arr));
}

static enum MHD_Result circuits(struct MHD_Connection *c)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; i < g.ncircuits; i++) {
		const struct pd_circuit *cir = &g.circuits[i];

		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:i, s:i, s:b}",
			"name", cir->name, "curve", cir->curve == ZKM_BN254_G1 ? "bn128" : "bls12381",
			"variables", (int)cir->n_vars, "public", (int)cir->n_public,
			"domain_log2", (int)cir->log_domain, "json_inputs",
			cir->wasm_path[0] && g.cfg.witness_cmd));
	}
	return send_json(c, MHD_HTTP_OK, json_pack("{s:o}", "circuits", arr));
}

static enum MHD_Result healthz(struct MHD_Connection *c)
{
	long counts[JOB_NSTATES];
	int ok = !g.store->ops->counts(g.store, counts);

	return send_json(c, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
			 json_pack("{s:s, s:s, s:s, s:i, s:i, s:b}",
				   "status", ok ? "ok" : "job store unreachable",
				   "worker", g.cfg.worker_id,
				   "backend", g.devs[0].index < 0 ? "cpu" : "accel",
				   "workers", g.nworkers, "circuits", g.ncircuits,
				   "stopping", g.stopping));
}

static enum MHD_Result metrics(struct MHD_Connection *c)
{
	size_t len;
	char *text = metrics_render(&len);

	if (!text)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return send_text(c, MHD_HTTP_OK, text, len, "text/plain; version=0.0.4; charset=utf-8");
}

static enum MHD_Result dispatch(struct MHD_Connection *c, const struct route_match *m,
				const char *method, struct req *rq)
{
	const char *v;
	int priority = 0;
	char *end;

	switch (m->route) {
	case R_INPUT:
		if (m->arg_bad)
			return send_error(c, MHD_HTTP_NOT_FOUND, "unknown circuit");
		return submit(c, rq, m->arg, 0, "", NULL, 1);
	case R_STATUS:
		return status_last(c);
	case R_CANCEL_LAST: {
		int64_t id;

		pthread_mutex_lock(&g.lock);
		id = g.last_input_id;
		pthread_mutex_unlock(&g.lock);
		if (!id)
			return send_error(c, MHD_HTTP_CONFLICT, "no job to cancel (POST /input first)");
		return cancel_job(c, id);
	}
	case R_JOBS:
		if (!strcmp(method, "GET"))
			return list_jobs(c);
		v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "circuit");
		if (!v || !*v)
			return send_error(c, MHD_HTTP_BAD_REQUEST, "POST /jobs needs ?circuit=NAME");
		{
			const char *pr = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "priority");
			const char *tn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "tenant");
			const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								      "Idempotency-Key");

			if (!key)
				key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "key");

			if (pr) {
				long p = strtol(pr, &end, 10);

				if (end == pr || *end || p < -1000000 || p > 1000000)
					return send_error(c, MHD_HTTP_BAD_REQUEST,
							  "priority=%.40s: an integer from -1000000 to 1000000", pr);
				priority = (int)p;
			}
			if (tn && !pd_name_ok(tn, PD_NAME_MAX, "_-.:@", 1))
				return send_error(c, MHD_HTTP_BAD_REQUEST,
						  "tenant: up to %d letters, digits or _-.:@", PD_NAME_MAX - 1);
			if (key && !pd_name_ok(key, PD_KEY_MAX, "_-.:@+/=", 0))
				return send_error(c, MHD_HTTP_BAD_REQUEST,
						  "Idempotency-Key (or key=): 1 to %d letters, digits or _-.:@+/=",
						  PD_KEY_MAX - 1);
			return submit(c, rq, v, priority, tn ? tn : "", key, 0);
		}
	case R_JOB:
	case R_JOB_PROOF:
	case R_JOB_PUBLIC:
	case R_JOB_CANCEL:
		return get_job(c, m, rq);
	case R_HEALTHZ:
		return healthz(c);
	case R_METRICS:
		return metrics(c);
	case R_CIRCUITS:
		return circuits(c);
	default:
		return send_error(c, MHD_HTTP_NOT_FOUND, "no route %s", "");
	}
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct req *rq = *con_cls;
	struct route_match m;

	(void)cls;
	(void)version;
	if (rq && rq->parked) {
		/* Resumed by http_wait.c: look at the job again. */
		rq->parked = 0;
		return job_wait(c, rq);
	}
	match(url, &m);
	if (!rq) {
		const char *cl;

		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		/* Answer at once what does not need the body. */
		if (m.route == R_NONE) {
			rq->answered = 1;
			return send_error(c, MHD_HTTP_NOT_FOUND, "no route %s %.200s (see GET /healthz, /circuits, /jobs, /metrics)",
					  method, url);
		}
		if (strcmp(method, "GET") && strcmp(method, "POST") && strcmp(method, "HEAD")) {
			rq->answered = 1;
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method %.20s not allowed on %.200s",
					  method, url);
		}
		if (m.method && strcmp(method, m.method) &&
		    !(!strcmp(method, "HEAD") && !strcmp(m.method, "GET"))) {
			rq->answered = 1;
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "%s %.200s: use %s",
					  method, url, m.method);
		}
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			unsigned long long n = strtoull(cl, NULL, 10);

			if (n > g.cfg.max_body) {
				rq->answered = 1;
				return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE,
						  "body of %llu bytes is larger than --max-body %zu",
						  n, g.cfg.max_body);
			}
		}
		return MHD_YES;
	}
	if (rq->answered) {
		*upload_size = 0;	/* drop what the client sends regardless */
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (rq->too_large || n > g.cfg.max_body - rq->len) {
			rq->too_large = 1;
			free(rq->body);
			rq->body = NULL;
			rq->len = rq->cap = 0;
			return MHD_YES;
		}
		if (rq->len + n > rq->cap) {
			size_t cap = rq->cap ? rq->cap : 65536;
			uint8_t *b;

			while (cap < rq->len + n)
				cap *= 2;
			if (cap > g.cfg.max_body)
				cap = g.cfg.max_body;
			b = realloc(rq->body, cap);
			if (!b) {
				rq->too_large = 1;
				return MHD_YES;
			}
			rq->body = b;
			rq->cap = cap;
		}
		memcpy(rq->body + rq->len, upload, n);
		rq->len += n;
		return MHD_YES;
	}
	rq->answered = 1;
	if (rq->too_large)
		return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "body larger than --max-body %zu",
				  g.cfg.max_body);
	return dispatch(c, &m, method, rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	if (!g.cfg.verbose)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = 0;
	pd_log("http: %s", buf);
}

int http_start(const char *listen, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	char host[128], shown[160];
	const char *colon = strrchr(listen, ':');
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			     MHD_ALLOW_SUSPEND_RESUME;
	long port;
	char *end;

	memset(&ss, 0, sizeof(ss));
	if (!colon || (size_t)(colon - listen) >= sizeof(host)) {
		snprintf(err, errlen, "--listen %s: expected ADDR:PORT", listen);
		return -1;
	}
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end || port < 0 || port > 65535) {
		snprintf(err, errlen, "--listen %s: bad port", listen);
		return -1;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;

		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
			snprintf(err, errlen, "--listen %s: bad IPv6 address", listen);
			return -1;
		}
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;

		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (!strcmp(host, "*") || !host[0])
			a4->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
			snprintf(err, errlen, "--listen %s: bad IPv4 address (use ADDR:PORT, [V6]:PORT)",
				 listen);
			return -1;
		}
	}
	/* In cluster mode another host may finish a job a client waits for. */
	if (http_wait_start(g.cfg.db != NULL)) {
		snprintf(err, errlen, "cannot start the long-poll thread");
		return -1;
	}
	daemon_ = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, NULL,
				   MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				   MHD_OPTION_THREAD_POOL_SIZE, g.cfg.http_threads,
				   MHD_OPTION_CONNECTION_LIMIT, g.cfg.max_connections,
				   MHD_OPTION_CONNECTION_TIMEOUT, 60u,
				   MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
				   MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				   MHD_OPTION_END);
	if (!daemon_) {
		http_wait_stop();
		snprintf(err, errlen, "--listen %s: cannot listen (address in use or not local?)",
			 listen);
		return -1;
	}
	info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	if (info && info->port)
		port = info->port;
	if (ss.ss_family == AF_INET6)
		snprintf(shown, sizeof(shown), "[%s]:%ld", host, port);
	else
		snprintf(shown, sizeof(shown), "%s:%ld", host[0] ? host : "*", port);
	fprintf(stderr, "zkasic-proverd: listening on %s\n", shown);
	return 0;
}

void http_stop(void)
{
	/* Parked requests are answered first: MHD cannot stop with them suspended. */
	http_wait_stop();
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}
