// SPDX-License-Identifier: MIT
/*
 * Published group generators, for tools and tests that need valid points
 * (random bases are k_i * G). Stored as big-endian hex, the way the
 * standards print them, and converted to the device's little-endian format.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

struct generator {
	int curve;
	const char *coord[4];	/* x (x.c0, x.c1) then y (y.c0, y.c1) */
};

static const struct generator generators[] = {
	{ ZKM_BN254_G1, { "1", "2" } },
	{ ZKM_BN254_G2, {
		"1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed",
		"198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2",
		"12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa",
		"090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b",
	} },
	{ ZKM_BLS12_381_G1, {
		"17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb",
		"08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1",
	} },
	{ ZKM_BLS12_381_G2, {
		"024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8",
		"13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e",
		"0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801",
		"0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be",
	} },
};

static void hex_to_le(const char *hex, uint8_t *out, size_t len)
{
	size_t n = strlen(hex);

	memset(out, 0, len);
	for (size_t i = 0; i < n && i / 2 < len; i++) {
		char c = hex[n - 1 - i];
		unsigned int v = c <= '9' ? (unsigned int)(c - '0') :
			(unsigned int)((c | 0x20) - 'a' + 10);

		out[i / 2] |= (uint8_t)(v << (4 * (i % 2)));
	}
}

int zk_curve_generator(int curve, void *out)
{
	size_t pb = zkm_point_bytes(curve);

	for (size_t i = 0; i < sizeof(generators) / sizeof(generators[0]); i++) {
		const struct generator *g = &generators[i];
		size_t ncoord = g->coord[2] ? 4 : 2, cb = pb / ncoord;

		if (g->curve != curve)
			continue;
		for (size_t c = 0; c < ncoord; c++)
			hex_to_le(g->coord[c], (uint8_t *)out + c * cb, cb);
		return 0;
	}
	return zk_fail(-EINVAL, "unknown curve %d", curve);
}
