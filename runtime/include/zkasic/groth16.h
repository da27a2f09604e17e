/* SPDX-License-Identifier: MIT */
/*
 * libzkasic's Groth16 prover: snarkjs's proving key (.zkey) and witness
 * (.wtns) in, a proof that `snarkjs groth16 verify` accepts out. It computes
 * exactly what snarkjs's groth16 prover computes, with every MSM (G1 and G2)
 * and NTT running on a zk_ctx, so on a zkasic device or on the CPU backend.
 *
 * Files are mapped, not read: the bases (most of a .zkey) go from the page
 * cache straight to the device's staging buffers. Every size, count and
 * index in the files is checked before use; a malformed, truncated or
 * mismatched file is an error with a message in zk_last_error().
 */
#ifndef ZKASIC_GROTH16_H
#define ZKASIC_GROTH16_H

#include <stdint.h>
#include <stdio.h>

#include <zkasic/zkasic.h>

#ifdef __cplusplus
extern "C" {
#endif

struct zk_zkey;
struct zk_wtns;

/* Map and check a snarkjs Groth16 proving key (BN254 or BLS12-381). */
int zk_zkey_open(struct zk_zkey **zkey, const char *path);
void zk_zkey_close(struct zk_zkey *zkey);
/* ZKM_BN254_G1 or ZKM_BLS12_381_G1; the G2 curve id is one more. */
int zk_zkey_curve(const struct zk_zkey *zkey);
/* The circuit's sizes: witness length, public inputs, log2 of the domain. */
void zk_zkey_sizes(const struct zk_zkey *zkey, uint32_t *n_vars,
		   uint32_t *n_public, unsigned int *log_domain);

/* Map and check a witness computed by circom's witness calculator. */
int zk_wtns_open(struct zk_wtns **wtns, const char *path);
/*
 * The same checks on a witness in memory (e.g. an HTTP request's body): the
 * buffer is borrowed, not copied, and must outlive the zk_wtns.
 */
int zk_wtns_open_mem(struct zk_wtns **wtns, const void *buf, size_t len);
void zk_wtns_close(struct zk_wtns *wtns);
/*
 * 0 if @wtns fits @zkey: the same scalar field (curve), as many values as
 * the circuit has variables, the first one 1; else -EINVAL with a message.
 */
int zk_wtns_check(const struct zk_zkey *zkey, const struct zk_wtns *wtns);

/* Affine points, standard form, in the device format (see zkmath.h). */
struct zk_groth16_proof {
	int curve;		/* ZKM_BN254_G1 or ZKM_BLS12_381_G1 */
	uint8_t a[96];		/* G1 */
	uint8_t b[192];		/* G2 */
	uint8_t c[96];		/* G1 */
};

/* Where the time went, in milliseconds of wall time. */
struct zk_groth16_stats {
	enum zk_backend backend;	/* what ran the MSMs and NTTs */
	double abc_ms;		/* witness -> A, B, C on the domain (host) */
	double h_ms;		/* the NTTs and the H scalars */
	double msm_ms;		/* the A, B1, B2, C and H MSMs */
	double total_ms;
};

/*
 * Prove: checks that @wtns belongs to @zkey's curve and size, then computes
 * the proof with fresh randomness (r, s) from getrandom(). On devices the
 * MSMs and NTTs are queued asynchronously and spread over the context's
 * queues and devices. @stats may be NULL.
 */
int zk_groth16_prove(struct zk_ctx *ctx, const struct zk_zkey *zkey,
		     const struct zk_wtns *wtns, struct zk_groth16_proof *proof,
		     struct zk_groth16_stats *stats);

/*
 * A prover for one circuit that many threads share: on devices the key's
 * MSM bases are made resident (zk_bases_load) once in @ctx's devices, and
 * every proof sends only scalars (a device reset that loses them makes the
 * next proof load them again); on the CPU it proves from the mapped key.
 * @zkey and @ctx must outlive the prover.
 */
struct zk_groth16_prover;
int zk_groth16_prover_new(struct zk_ctx *ctx, const struct zk_zkey *zkey,
			  struct zk_groth16_prover **prover);
int zk_groth16_prover_prove(struct zk_groth16_prover *prover, const struct zk_wtns *wtns,
			    struct zk_groth16_proof *proof, struct zk_groth16_stats *stats);
void zk_groth16_prover_free(struct zk_groth16_prover *prover);

/*
 * Groth16 verification: e(A, B) == e(alpha, beta) e(L, gamma) e(C, delta),
 * L = IC[0] + sum pub[i] IC[i + 1], as one multi-pairing check (zkmath).
 * Returns 0 if the proof is valid, -EBADMSG if it is not (why in
 * zk_last_error(): a pairing mismatch, a proof point off its curve or
 * outside its subgroup, a public input not below r), another -errno for
 * bad arguments (wrong curve, sizes).
 *
 * A verification key: affine points, standard form, device format.
 */
struct zk_groth16_vk {
	int curve;		/* ZKM_BN254_G1 or ZKM_BLS12_381_G1 */
	uint32_t n_public;
	uint8_t alpha1[96];	/* G1 */
	uint8_t beta2[192], gamma2[192], delta2[192];	/* G2 */
	uint8_t *ic;		/* n_public + 1 G1 points (malloc'ed) */
};

/* The verification key of @zkey; zk_groth16_vk_release() frees vk->ic. */
int zk_groth16_vk_from_zkey(const struct zk_zkey *zkey, struct zk_groth16_vk *vk);
void zk_groth16_vk_release(struct zk_groth16_vk *vk);

/* @pub: vk->n_public scalars, 32 bytes each, little-endian, standard form. */
int zk_groth16_verify_vk(const struct zk_groth16_vk *vk, const void *pub,
			 const struct zk_groth16_proof *proof);

/* The key from @zkey, the public inputs from @wtns (entries 1..n_public). */
int zk_groth16_verify(const struct zk_zkey *zkey, const struct zk_wtns *wtns,
		      const struct zk_groth16_proof *proof);

/* snarkjs's proof.json and public.json. */
int zk_groth16_write_proof_json(FILE *f, const struct zk_groth16_proof *proof);
int zk_groth16_write_public_json(FILE *f, const struct zk_zkey *zkey,
				 const struct zk_wtns *wtns);

#ifdef __cplusplus
}
#endif

#endif /* ZKASIC_GROTH16_H */
