/* SPDX-License-Identifier: MIT */
/*
 * snarkjs's binary files as libzkasic sees them once mapped and checked:
 * every pointer below lies inside the mapping and every section has exactly
 * the size its header fields imply.
 */
#ifndef ZKASIC_RUNTIME_SNARKJS_FILES_H
#define ZKASIC_RUNTIME_SNARKJS_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "ids.h"

/* The largest field snarkjs uses (BLS12-381's Fq), in bytes. */
#define ZK_MAX_N8 ZK_MAX_FQ_BYTES

struct zk_mapped_file {
	const uint8_t *data;
	size_t size;
	int borrowed;		/* the caller's memory: not unmapped */
};

struct zk_zkey {
	struct zk_mapped_file file;
	int g1, g2;			/* ZKM curve ids */
	int fr;				/* ZKM field id of the scalars */
	uint32_t n8q, n8r;		/* base and scalar field bytes */
	const uint8_t *q, *r;		/* the moduli, little-endian */
	uint32_t n_vars, n_public, domain_size;
	unsigned int log_domain;
	/* Verification key points, affine, Montgomery form (as stored). */
	const uint8_t *alpha1, *beta1, *beta2, *gamma2, *delta1, *delta2;
	const uint8_t *ic;		/* section 3: n_public + 1 G1 points */
	uint32_t n_coefs;
	const uint8_t *coefs;		/* n_coefs x {u32 m, c, s; Fr value} */
	const uint8_t *pts_a, *pts_b1, *pts_b2, *pts_c, *pts_h;
};

struct zk_wtns {
	struct zk_mapped_file file;
	uint32_t n8;
	const uint8_t *q;		/* the scalar field's modulus */
	uint32_t n;
	const uint8_t *values;		/* n x n8 bytes, standard form */
};

#endif
