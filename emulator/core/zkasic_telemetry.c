// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zkasic device model core: telemetry. This is a MODEL, not a measurement:
 * the emulated chip computes on the host's CPUs, so its power and
 * temperature are derived from the work it did, with these rules:
 *
 *  - Energy: every finished engine operation charges a fixed energy per
 *    unit of work (per MSM point for each curve, per NTT butterfly for each
 *    field, per VEC element, per byte moved by any DMA), and the chip draws
 *    its SKU's idle power all the time. ENERGY_UJ is the running total; it
 *    survives resets, like BUSY_NS and CMD_COUNT.
 *  - Power: POWER_MW = idle power + the energy charged, low-pass filtered
 *    with a time constant of 1 s (each charge E adds E / tau, which then
 *    decays as exp(-t / tau)), so its long-run average is the true average
 *    power.
 *  - Temperature: TEMP_MC follows ambient (35 C) + thermal resistance x
 *    power with the SKU's thermal time constant (first-order lag).
 *  - BUSY_NS(e): wall time engine e has been busy, including the current
 *    operation.
 *
 * The per-operation energies describe a chip that runs at about the
 * emulator's speed, so that a busy device shows watts, not milliwatts:
 * roughly 10 W for a busy MSM engine and 5 W for a busy NTT engine.
 */
#include <math.h>

#include "zkasic_internal.h"

#define ZK_AMBIENT_C		35.0
#define ZK_POWER_TAU_NS		1e9

void zk_tel_init(struct zkasic_dev *d)
{
	d->tel.last_ns = zk_now(d);
	d->tel.dyn_mw = 0;
	d->tel.temp_c = ZK_AMBIENT_C + d->sku->idle_mw / 1000.0 *
			d->sku->rth_mc_per_w / 1000.0;
}

/* Add @pj picojoules to the energy counter. */
static void zk_tel_add_energy(struct zkasic_dev *d, uint64_t pj)
{
	d->tel.energy_pj_frac += pj % 1000000;
	d->tel.energy_uj += pj / 1000000 + d->tel.energy_pj_frac / 1000000;
	d->tel.energy_pj_frac %= 1000000;
}

/* Advance the model to now. dev->lock held. */
void zk_tel_update(struct zkasic_dev *d)
{
	uint64_t now = zk_now(d);
	double dt, power_w, target;

	if (now <= d->tel.last_ns)
		return;
	dt = (double)(now - d->tel.last_ns);
	d->tel.last_ns = now;
	/* mW x ns = pJ. */
	zk_tel_add_energy(d, (uint64_t)d->sku->idle_mw * (uint64_t)dt);
	power_w = (d->sku->idle_mw + d->tel.dyn_mw) / 1000.0;
	target = ZK_AMBIENT_C + power_w * d->sku->rth_mc_per_w / 1000.0;
	d->tel.temp_c += (target - d->tel.temp_c) *
			 (1.0 - exp(-dt / (double)d->sku->thermal_tau_ns));
	d->tel.dyn_mw *= exp(-dt / ZK_POWER_TAU_NS);
}

/* Charge @pj of work done now. dev->lock held, model updated. */
void zk_tel_charge(struct zkasic_dev *d, uint64_t pj)
{
	zk_tel_add_energy(d, pj);
	d->tel.dyn_mw += (double)pj / ZK_POWER_TAU_NS;	/* pJ / ns = mW */
}

uint32_t zk_tel_power_mw(struct zkasic_dev *d)
{
	double mw = d->sku->idle_mw + d->tel.dyn_mw;

	return mw > 4e9 ? 4000000000U : (uint32_t)mw;
}

uint32_t zk_tel_temp_mc(struct zkasic_dev *d)
{
	double mc = d->tel.temp_c * 1000.0;

	return mc > 4e9 ? 4000000000U : (uint32_t)mc;
}

uint64_t zk_tel_engine_busy(struct zkasic_dev *d, unsigned int e)
{
	struct zk_engine *eng;

	if (e > d->dma_engine)
		return 0;
	eng = &d->engines[e];
	return eng->busy_ns + (eng->busy ? zk_now(d) - eng->busy_since : 0);
}

/* Energy per MSM point in pJ: G2 points and the bigger field cost more. */
uint64_t zk_energy_msm(int curve, uint64_t points)
{
	static const uint64_t pj_per_point[] = {
		[DRM_ZKASIC_CURVE_BN254_G1] = 20000000,
		[DRM_ZKASIC_CURVE_BN254_G2] = 60000000,
		[DRM_ZKASIC_CURVE_BLS12_381_G1] = 35000000,
		[DRM_ZKASIC_CURVE_BLS12_381_G2] = 110000000,
	};

	if (curve < 0 || curve > DRM_ZKASIC_CURVE_BLS12_381_G2)
		return 0;
	return pj_per_point[curve] * points;
}

static uint64_t zk_field_scale(int field, uint64_t pj_32byte)
{
	/* A 64-bit Goldilocks multiplier is a fraction of a 256-bit one. */
	return field == DRM_ZKASIC_FIELD_GOLDILOCKS ? pj_32byte / 5 : pj_32byte;
}

/* Energy of an NTT: (n / 2) log2(n) butterflies per vector. */
uint64_t zk_energy_ntt(int field, unsigned int log_n, uint64_t batch)
{
	uint64_t butterflies = (1ULL << log_n) / 2 * log_n;

	return zk_field_scale(field, 250000) * butterflies * batch;
}

uint64_t zk_energy_vec(int field, unsigned int op, uint64_t n)
{
	uint64_t pj = op == DRM_ZKASIC_VEC_ADD || op == DRM_ZKASIC_VEC_SUB ?
		      2000 : 10000;

	return zk_field_scale(field, pj) * n;
}

uint64_t zk_energy_bytes(uint64_t bytes)
{
	return bytes * 100;	/* 100 pJ per byte: 0.5 W at 5 GB/s */
}
