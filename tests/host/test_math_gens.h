/* SPDX-License-Identifier: MIT */
/*
 * The published generators of the four groups (EIP-197 for BN254 G2, the
 * IETF pairing-friendly curves draft for BLS12-381), loaded through the
 * device byte format, for tests that build bases as multiples of them.
 */
#ifndef ZKM_TEST_MATH_GENS_H
#define ZKM_TEST_MATH_GENS_H

#include "curves.h"
#include "test_math_common.h"

static const char *const bn254_g2_gen_dec[] = {
	"10857046999023057135944570762232829481370756359578518086990519993285655852781",
	"11559732032986387107991004021392285783925812861821192530917403151452391805634",
	"8495653923123431417604973247489272438418190587263600148770280649306958101930",
	"4082367875863433681332203403145435568316851327593401208105741076214120093531" };
static const char *const bls_g1_gen[] = {
	"17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb",
	"08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1" };
static const char *const bls_g2_gen[] = {
	"024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8",
	"13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e",
	"0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801",
	"0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be" };

/* g: the group's aff_t */
static inline void load_gen(int curve, void *g)
{
	uint8_t buf[192];
	uint64_t v[6];

	switch (curve) {
	case ZKM_BN254_G1:
		memset(buf, 0, 64);
		buf[0] = 1;
		buf[32] = 2;
		bn254_g1_aff_load(g, buf, 0);
		break;
	case ZKM_BN254_G2:
		for (int i = 0; i < 4; i++) {
			tm_dec(v, 4, bn254_g2_gen_dec[i]);
			tm_limbs_to_le(buf + 32 * i, v, 4);
		}
		bn254_g2_aff_load(g, buf, 0);
		break;
	case ZKM_BLS12_381_G1:
		for (int i = 0; i < 2; i++) {
			tm_hex(v, 6, bls_g1_gen[i]);
			tm_limbs_to_le(buf + 48 * i, v, 6);
		}
		bls12_381_g1_aff_load(g, buf, 0);
		break;
	case ZKM_BLS12_381_G2:
		for (int i = 0; i < 4; i++) {
			tm_hex(v, 6, bls_g2_gen[i]);
			tm_limbs_to_le(buf + 48 * i, v, 6);
		}
		bls12_381_g2_aff_load(g, buf, 0);
		break;
	}
}

#endif /* ZKM_TEST_MATH_GENS_H */
