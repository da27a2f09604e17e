// SPDX-License-Identifier: MIT
/* zkmath: error strings and the sizes of the supported curves and fields. */
#include <zkasic/zkmath.h>

#include "consts.h"

const char *zkm_strerror(int err)
{
	switch (err) {
	case ZKM_OK:
		return "success";
	case ZKM_EINVAL:
		return "invalid argument (curve/field id, flags, size or pointer)";
	case ZKM_ERANGE:
		return "input out of range (not canonical, or point not on the curve)";
	case ZKM_ENOMEM:
		return "out of memory";
	case ZKM_EABORTED:
		return "aborted";
	}
	return "unknown zkmath error";
}

size_t zkm_field_bytes(int field)
{
	switch (field) {
	case ZKM_BN254_FR:
	case ZKM_BLS12_381_FR:
		return 32;
	case ZKM_GOLDILOCKS:
		return 8;
	}
	return 0;
}

size_t zkm_point_bytes(int curve)
{
	switch (curve) {
	case ZKM_BN254_G1:
		return 64;
	case ZKM_BN254_G2:
		return 128;
	case ZKM_BLS12_381_G1:
		return 96;
	case ZKM_BLS12_381_G2:
		return 192;
	}
	return 0;
}

size_t zkm_scalar_bytes(int curve)
{
	return zkm_point_bytes(curve) ? 32 : 0;
}

unsigned int zkm_field_two_adicity(int field)
{
	switch (field) {
	case ZKM_BN254_FR:
		return BN254_FR_TWO_ADICITY;
	case ZKM_BLS12_381_FR:
		return BLS12_381_FR_TWO_ADICITY;
	case ZKM_GOLDILOCKS:
		return GOLDILOCKS_TWO_ADICITY;
	}
	return 0;
}
