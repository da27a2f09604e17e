// SPDX-License-Identifier: MIT
/*
 * Reading snarkjs's binary files: the container (a 4-byte magic, a version
 * and a list of typed sections), the Groth16 proving key (.zkey) and the
 * witness (.wtns). The layout follows snarkjs 0.7 (zkey_utils.js,
 * wtns_utils.js) and @iden3/binfileutils. Files are mapped read-only and
 * checked completely up front, so the prover can trust every offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zkasic/groth16.h>
#include <zkasic/zkmath.h>

#include "internal.h"
#include "snarkjs_files.h"

#define ZKEY_GROTH16		1	/* section 1's protocol id */
#define ZKEY_MAX_SECTION	10	/* 10: contributions, not read */

struct section {
	const uint8_t *data;
	uint64_t size;
};

/* The moduli snarkjs knows (curves.js), big-endian hex. */
static const struct known_curve {
	const char *name;
	int g1;
	int fr;
	const char *q_hex;
	const char *r_hex;
} known_curves[] = {
	{ "bn128", ZKM_BN254_G1, ZKM_BN254_FR,
	  "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
	  "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001" },
	{ "bls12381", ZKM_BLS12_381_G1, ZKM_BLS12_381_FR,
	  "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f624"
	  "1eabfffeb153ffffb9feffffffffaaab",
	  "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001" },
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Does the @n-byte little-endian number at @le equal big-endian @hex? */
static int modulus_is(const uint8_t *le, size_t n, const char *hex)
{
	size_t len = strlen(hex), i;

	if (len != 2 * n)
		return 0;
	for (i = 0; i < n; i++) {
		char byte[3] = { hex[2 * (n - 1 - i)], hex[2 * (n - 1 - i) + 1], 0 };

		if (le[i] != (uint8_t)strtoul(byte, NULL, 16))
			return 0;
	}
	return 1;
}

static int map_file(struct zk_mapped_file *f, const char *path)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return zk_fail(-errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return zk_fail(-EINVAL, "%s: not a regular file", path);
	}
	if (st.st_size < 12) {
		close(fd);
		return zk_fail(-EINVAL, "%s: truncated (%lld bytes)", path,
			       (long long)st.st_size);
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return zk_fail(-errno, "%s: mmap: %s", path, strerror(errno));
	f->data = p;
	f->size = st.st_size;
	return 0;
}

static void unmap_file(struct zk_mapped_file *f)
{
	if (f->data && !f->borrowed)
		munmap((void *)f->data, f->size);
	f->data = NULL;
}

/*
 * Walk the container: check the magic and version, and record each section
 * of a type below @max. A section that runs past the end of the file or a
 * type that appears twice is an error.
 */
static int read_sections(const struct zk_mapped_file *f, const char *path,
			 const char *magic, uint32_t max_version,
			 struct section *sec, unsigned int max)
{
	uint64_t pos = 12;
	uint32_t version, n, i;

	memset(sec, 0, max * sizeof(*sec));
	if (memcmp(f->data, magic, 4))
		return zk_fail(-EINVAL, "%s: not a .%s file (bad magic)", path, magic);
	version = le32(f->data + 4);
	if (version < 1 || version > max_version)
		return zk_fail(-EINVAL, "%s: .%s version %u is not supported", path,
			       magic, version);
	n = le32(f->data + 8);
	for (i = 0; i < n; i++) {
		uint32_t type;
		uint64_t size;

		if (f->size - pos < 12)
			return zk_fail(-EINVAL, "%s: truncated in section header %u", path, i);
		type = le32(f->data + pos);
		size = le64(f->data + pos + 4);
		pos += 12;
		if (size > f->size - pos)
			return zk_fail(-EINVAL, "%s: truncated: section %u needs %llu bytes, %llu left",
				       path, type, (unsigned long long)size,
				       (unsigned long long)(f->size - pos));
		if (type < max) {
			if (sec[type].data)
				return zk_fail(-EINVAL, "%s: section %u appears twice", path, type);
			sec[type].data = f->data + pos;
			sec[type].size = size;
		}
		pos += size;
	}
	return 0;
}

static int need_section(const struct section *s, unsigned int type, uint64_t size,
			const char *path)
{
	if (!s[type].data)
		return zk_fail(-EINVAL, "%s: section %u is missing", path, type);
	if (s[type].size != size)
		return zk_fail(-EINVAL, "%s: section %u has %llu bytes, expected %llu",
			       path, type, (unsigned long long)s[type].size,
			       (unsigned long long)size);
	return 0;
}

static int zkey_header(struct zk_zkey *z, const struct section *s, const char *path)
{
	const uint8_t *p = s[2].data;
	uint64_t left = s[2].size, need;
	size_t i;

	if (!s[1].data || s[1].size != 4)
		return zk_fail(-EINVAL, "%s: header section 1 is missing or malformed", path);
	if (le32(s[1].data) != ZKEY_GROTH16)
		return zk_fail(-EINVAL, "%s: not a Groth16 key (protocol %u; PLONK and FFLONK keys are not supported)",
			       path, le32(s[1].data));
	if (!p || left < 4)
		return zk_fail(-EINVAL, "%s: Groth16 header (section 2) is missing", path);
	z->n8q = le32(p);
	if (z->n8q != 32 && z->n8q != 48)
		return zk_fail(-EINVAL, "%s: base field of %u bytes is not BN254's or BLS12-381's",
			       path, z->n8q);
	if (left < 4 + z->n8q + 4)
		return zk_fail(-EINVAL, "%s: Groth16 header truncated", path);
	z->q = p + 4;
	z->n8r = le32(p + 4 + z->n8q);
	if (z->n8r != 32)
		return zk_fail(-EINVAL, "%s: scalar field of %u bytes", path, z->n8r);
	/* q, r, nVars, nPublic, domainSize, 3 G1 and 3 G2 points. */
	need = 4 + z->n8q + 4 + z->n8r + 12 + 3 * 2 * z->n8q + 3 * 4 * z->n8q;
	if (left != need)
		return zk_fail(-EINVAL, "%s: Groth16 header has %llu bytes, expected %llu",
			       path, (unsigned long long)left, (unsigned long long)need);
	z->r = z->q + z->n8q + 4;
	for (i = 0; i < sizeof(known_curves) / sizeof(known_curves[0]); i++) {
		const struct known_curve *k = &known_curves[i];

		if (modulus_is(z->q, z->n8q, k->q_hex) && modulus_is(z->r, z->n8r, k->r_hex)) {
			z->g1 = k->g1;
			z->g2 = k->g1 + 1;
			z->fr = k->fr;
		}
	}
	if (!z->g1)
		return zk_fail(-EINVAL, "%s: curve not supported (neither BN254 nor BLS12-381)",
			       path);
	p = z->r + z->n8r;
	z->n_vars = le32(p);
	z->n_public = le32(p + 4);
	z->domain_size = le32(p + 8);
	p += 12;
	if (!z->domain_size || (z->domain_size & (z->domain_size - 1)))
		return zk_fail(-EINVAL, "%s: domain size %u is not a power of two", path,
			       z->domain_size);
	z->log_domain = __builtin_ctz(z->domain_size);
	if (z->log_domain + 1 > zkm_field_two_adicity(z->fr))
		return zk_fail(-EINVAL, "%s: domain 2^%u is too large for the field", path,
			       z->log_domain);
	if (!z->n_vars || z->n_public >= z->n_vars)
		return zk_fail(-EINVAL, "%s: %u public inputs of %u variables", path,
			       z->n_public, z->n_vars);
	z->alpha1 = p;
	z->beta1 = p + 2 * z->n8q;
	z->beta2 = p + 4 * z->n8q;
	z->gamma2 = p + 8 * z->n8q;
	z->delta1 = p + 12 * z->n8q;
	z->delta2 = p + 14 * z->n8q;
	return 0;
}

/* Every coefficient names matrix A or B, a constraint and a variable. */
static int zkey_coefs(struct zk_zkey *z, const struct section *s, const char *path)
{
	uint64_t sc = 12 + z->n8r, i;
	int ret;

	if (!s[4].data || s[4].size < 4)
		return zk_fail(-EINVAL, "%s: coefficient section 4 is missing", path);
	z->n_coefs = le32(s[4].data);
	ret = need_section(s, 4, 4 + z->n_coefs * sc, path);
	if (ret)
		return ret;
	z->coefs = s[4].data + 4;
	for (i = 0; i < z->n_coefs; i++) {
		const uint8_t *c = z->coefs + i * sc;

		if (le32(c) > 1 || le32(c + 4) >= z->domain_size || le32(c + 8) >= z->n_vars)
			return zk_fail(-EINVAL, "%s: coefficient %llu (matrix %u, constraint %u, variable %u) is out of range",
				       path, (unsigned long long)i, le32(c), le32(c + 4),
				       le32(c + 8));
	}
	return 0;
}

int zk_zkey_open(struct zk_zkey **out, const char *path)
{
	struct section s[ZKEY_MAX_SECTION];
	struct zk_zkey *z;
	uint64_t g1, g2;
	int ret;

	*out = NULL;
	z = calloc(1, sizeof(*z));
	if (!z)
		return zk_fail(-ENOMEM, "zkey");
	ret = map_file(&z->file, path);
	if (ret)
		goto err;
	ret = read_sections(&z->file, path, "zkey", 1, s, ZKEY_MAX_SECTION);
	if (!ret)
		ret = zkey_header(z, s, path);
	if (ret)
		goto err;
	g1 = 2ULL * z->n8q;
	g2 = 4ULL * z->n8q;
	ret = need_section(s, 3, (z->n_public + 1) * g1, path);
	if (!ret)
		ret = zkey_coefs(z, s, path);
	if (!ret)
		ret = need_section(s, 5, z->n_vars * g1, path);
	if (!ret)
		ret = need_section(s, 6, z->n_vars * g1, path);
	if (!ret)
		ret = need_section(s, 7, z->n_vars * g2, path);
	if (!ret)
		ret = need_section(s, 8, (z->n_vars - z->n_public - 1) * g1, path);
	if (!ret)
		ret = need_section(s, 9, z->domain_size * g1, path);
	if (ret)
		goto err;
	z->ic = s[3].data;
	z->pts_a = s[5].data;
	z->pts_b1 = s[6].data;
	z->pts_b2 = s[7].data;
	z->pts_c = s[8].data;
	z->pts_h = s[9].data;
	*out = z;
	return 0;
err:
	zk_zkey_close(z);
	return ret;
}

void zk_zkey_close(struct zk_zkey *z)
{
	if (!z)
		return;
	unmap_file(&z->file);
	free(z);
}

int zk_zkey_curve(const struct zk_zkey *z)
{
	return z->g1;
}

void zk_zkey_sizes(const struct zk_zkey *z, uint32_t *n_vars, uint32_t *n_public,
		   unsigned int *log_domain)
{
	if (n_vars)
		*n_vars = z->n_vars;
	if (n_public)
		*n_public = z->n_public;
	if (log_domain)
		*log_domain = z->log_domain;
}

/* Check a witness held in w->file (mapped or borrowed) and fill @w in. */
static int wtns_parse(struct zk_wtns *w, const char *path)
{
	struct section s[3];
	int ret;

	ret = read_sections(&w->file, path, "wtns", 2, s, 3);
	if (ret)
		return ret;
	if (!s[1].data || s[1].size < 4)
		return zk_fail(-EINVAL, "%s: header section 1 is missing", path);
	w->n8 = le32(s[1].data);
	if (w->n8 != 32 || s[1].size != 4 + w->n8 + 4)
		return zk_fail(-EINVAL, "%s: header of %llu bytes for %u-byte elements", path,
			       (unsigned long long)s[1].size, w->n8);
	w->q = s[1].data + 4;
	w->n = le32(s[1].data + 4 + w->n8);
	ret = need_section(s, 2, (uint64_t)w->n * w->n8, path);
	if (ret)
		return ret;
	w->values = s[2].data;
	return 0;
}

int zk_wtns_open(struct zk_wtns **out, const char *path)
{
	struct zk_wtns *w;
	int ret;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return zk_fail(-ENOMEM, "wtns");
	ret = map_file(&w->file, path);
	if (!ret)
		ret = wtns_parse(w, path);
	if (ret) {
		zk_wtns_close(w);
		return ret;
	}
	*out = w;
	return 0;
}

int zk_wtns_open_mem(struct zk_wtns **out, const void *buf, size_t len)
{
	struct zk_wtns *w;
	int ret;

	*out = NULL;
	if (!buf || len < 12)
		return zk_fail(-EINVAL, "witness: truncated (%zu bytes)", len);
	w = calloc(1, sizeof(*w));
	if (!w)
		return zk_fail(-ENOMEM, "wtns");
	w->file.data = buf;
	w->file.size = len;
	w->file.borrowed = 1;
	ret = wtns_parse(w, "witness");
	if (ret) {
		zk_wtns_close(w);
		return ret;
	}
	*out = w;
	return 0;
}

void zk_wtns_close(struct zk_wtns *w)
{
	if (!w)
		return;
	unmap_file(&w->file);
	free(w);
}
